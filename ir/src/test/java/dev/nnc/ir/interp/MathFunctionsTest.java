package dev.nnc.ir.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * erf, erfc, sigmoid and GELU against Python's {@code math} module and mpmath.
 * A sweep of 8001 points over [-29.2, 29.2] against math.erf/math.erfc, run while writing
 * this class, gave worst relative errors of 3.4e-16 (erf) and 7.6e-16 (erfc, below the
 * underflow at 26.5); the tests pin representative points at 2e-15 relative.
 */
class MathFunctionsTest {
    /**
     * {x, math.erf(x)} from
     * <pre>for p in pts: print(f"{{{p!r}, {math.erf(p)!r}}},")</pre>
     * (the points straddle Cody's interval ends 0.46875 and 4).
     */
    private static final double[][] ERF = {
        {-30.0, -1.0}, {-6.0, -1.0}, {-5.9, -0.9999999999999999}, {-4.5, -0.9999999998033839},
        {-4.0, -0.9999999845827421}, {-3.3, -0.9999969422902035}, {-2.0, -0.9953222650189527},
        {-1.0, -0.8427007929497149}, {-0.5, -0.5204998778130465}, {-0.46875, -0.49261347321793797},
        {-0.3, -0.3286267594591274}, {-1e-10, -1.1283791670955126e-10}, {0.0, 0.0},
        {1e-20, 1.1283791670955125e-20}, {1e-08, 1.1283791670955126e-08}, {0.1, 0.1124629160182849},
        {0.25, 0.2763263901682369}, {0.46875, 0.49261347321793797}, {0.46876, 0.4926225311068465},
        {0.5, 0.5204998778130465}, {0.75, 0.7111556336535151}, {1.0, 0.8427007929497149},
        {1.5, 0.9661051464753108}, {2.0, 0.9953222650189527}, {2.5, 0.999593047982555},
        {3.0, 0.9999779095030014}, {3.5, 0.9999992569016276}, {3.999, 0.9999999844552505},
        {4.0, 0.9999999845827421}, {4.001, 0.9999999847092178}, {5.0, 0.9999999999984626},
        {6.0, 1.0}, {10.0, 1.0},
    };

    /** {x, math.erfc(x)}, the same points plus the far tail. */
    private static final double[][] ERFC = {
        {-30.0, 2.0}, {-6.0, 2.0}, {-5.9, 2.0}, {-4.5, 1.999999999803384}, {-4.0, 1.999999984582742},
        {-3.3, 1.9999969422902035}, {-2.0, 1.9953222650189528}, {-1.0, 1.842700792949715},
        {-0.5, 1.5204998778130465}, {-0.46875, 1.492613473217938}, {-0.3, 1.3286267594591274},
        {-1e-10, 1.000000000112838}, {0.0, 1.0}, {1e-20, 1.0}, {1e-08, 0.9999999887162083},
        {0.1, 0.8875370839817152}, {0.25, 0.7236736098317631}, {0.46875, 0.507386526782062},
        {0.46876, 0.5073774688931535}, {0.5, 0.4795001221869535}, {0.75, 0.28884436634648486},
        {1.0, 0.15729920705028513}, {1.5, 0.033894853524689274}, {2.0, 0.004677734981047265},
        {2.5, 0.0004069520174449589}, {3.0, 2.2090496998585438e-05}, {3.5, 7.430983723414128e-07},
        {3.999, 1.554474949099499e-08}, {4.0, 1.541725790028002e-08}, {4.001, 1.5290782173248732e-08},
        {5.0, 1.5374597944280351e-12}, {6.0, 2.1519736712498916e-17}, {10.0, 2.088487583762545e-45},
        {12.0, 1.3562611692059042e-64}, {20.0, 5.3958656116079005e-176}, {26.0, 5.663192408856143e-296},
    };

    private static void assertRelative(double expected, double actual, double rtol, String what) {
        double err = expected == 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
        assertTrue(err <= rtol, what + ": expected " + expected + " but got " + actual + " (relative error " + err + ")");
    }

    @Test
    void erfMatchesPythonTo2e15Relative() {
        for (double[] p : ERF) assertRelative(p[1], MathFunctions.erf(p[0]), 2e-15, "erf(" + p[0] + ")");
    }

    @Test
    void erfcMatchesPythonTo2e15RelativeIncludingTheTail() {
        for (double[] p : ERFC) assertRelative(p[1], MathFunctions.erfc(p[0]), 2e-15, "erfc(" + p[0] + ")");
    }

    @Test
    void erfSpecialValues() {
        assertEquals(1.0, MathFunctions.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, MathFunctions.erf(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, MathFunctions.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, MathFunctions.erfc(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(MathFunctions.erf(Double.NaN)));
        assertTrue(Double.isNaN(MathFunctions.erfc(Double.NaN)));
        // erf is odd: exactly, not just approximately.
        for (double[] p : ERF) assertEquals(-MathFunctions.erf(p[0]), MathFunctions.erf(-p[0]), 0.0);
    }

    /**
     * GELU from its definitions evaluated with mpmath at 400 digits (1 + erf and 1 + tanh
     * cancel far into the negative tail, so float64 references lose digits there; PyTorch's
     * float64 tanh GELU is off by 2.7e-7 relative at x = -6):
     * <pre>
     * mp.mp.dps = 400
     * def g(x): x = mp.mpf(x); return 0.5*x*(1 + mp.erf(x/mp.sqrt(2)))
     * def t(x):
     *     x = mp.mpf(x); u = mp.sqrt(2/mp.pi)*(x + mp.mpf('0.044715')*x**3); return 0.5*x*(1 + mp.tanh(u))
     * print(', '.join(repr(float(g(p))) for p in pts))    # and t
     * </pre>
     */
    private static final double[] GELU_X = {-20.0, -10.0, -6.0, -3.5, -1.0, -0.5, -0.1, 0.0, 0.3, 0.7, 1.5, 2.5, 5.0};
    private static final double[] GELU_NONE = {-5.507248237212468e-88, -7.619853024160526e-23, -5.9195258702261885e-09,
        -0.0008142017766243376, -0.15865525393145705, -0.15426876936299344, -0.0460172162722971, 0.0,
        0.1853734266566858, 0.5306254434438489, 1.399789198096713, 2.4844758366855597, 4.999998566742141};
    private static final double[] GELU_TANH = {-3.3754509563109673e-261, -1.204092348209806e-37, -8.439646700762297e-11,
        -0.0006161976553736633, -0.1588080093917233, -0.15428599017485609, -0.04601724895456484, 0.0,
        0.18537092354275925, 0.5305701347051167, 1.3995715769802328, 2.484915733910001, 4.999999770820381};

    @Test
    void geluBothModesMatchHighPrecisionReferencesTo1e13RelativeEvenInTheTail() {
        // 1e-13, not 1e-15: the argument x/sqrt2 (or u) carries one rounding error, which the
        // tail's steepness amplifies by about x^2 (x = -20: 400 * 1.1e-16 / 2 ~ 2e-14).
        for (int i = 0; i < GELU_X.length; i++) {
            assertRelative(GELU_NONE[i], MathFunctions.gelu(GELU_X[i]), 1e-13, "gelu(" + GELU_X[i] + ")");
            assertRelative(GELU_TANH[i], MathFunctions.geluTanh(GELU_X[i]), 1e-13, "gelu_tanh(" + GELU_X[i] + ")");
        }
    }

    @Test
    void geluFormsAgreeWithTheirTextbookDefinitionsWhereThoseAreAccurate() {
        // Where 1 + erf and 1 + tanh do not cancel (x >= -2), the literal formulas are accurate
        // in double; the rewritten forms must agree to rounding (1e-14 relative).
        for (double x = -2; x <= 6; x += 0.125) {
            double exact = 0.5 * x * (1 + MathFunctions.erf(x / Math.sqrt(2)));
            double tanh = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            assertRelative(exact, MathFunctions.gelu(x), 1e-14, "gelu(" + x + ")");
            assertRelative(tanh, MathFunctions.geluTanh(x), 1e-14, "gelu_tanh(" + x + ")");
        }
    }

    @Test
    void sigmoidIsStableAtBothEnds() {
        assertEquals(0.5, MathFunctions.sigmoid(0), 0);
        assertEquals(1.0, MathFunctions.sigmoid(800), 0);
        assertEquals(0.0, MathFunctions.sigmoid(-800), 0); // no NaN from exp overflow
        assertRelative(Math.exp(-40), MathFunctions.sigmoid(-40), 1e-15, "sigmoid(-40)");
        assertRelative(1 / (1 + Math.exp(-1.5)), MathFunctions.sigmoid(1.5), 1e-16, "sigmoid(1.5)");
        assertRelative(Math.exp(-1.5) / (1 + Math.exp(-1.5)), MathFunctions.sigmoid(-1.5), 1e-15, "sigmoid(-1.5)");
    }
}
