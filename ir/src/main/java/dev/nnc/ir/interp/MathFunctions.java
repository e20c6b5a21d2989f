package dev.nnc.ir.interp;

/**
 * Scalar functions the JDK lacks, in double precision: erf, erfc, sigmoid and both GELU forms.
 *
 * <p>erf and erfc are W. J. Cody's rational Chebyshev approximations (Math. Comp. 23, 1969;
 * the CALERF routine of netlib's SPECFUN, January 1985), whose coefficients are chosen for
 * a relative error below about 1e-16 in IEEE double; the unit tests check them against
 * Python's {@code math.erf}/{@code math.erfc} to 2e-15.
 */
public final class MathFunctions {
    private MathFunctions() {}

    // erf(x) = x * P(x^2)/Q(x^2) for |x| <= 0.46875.
    private static final double[] A = {
        3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
        3.20937758913846947e03, 1.85777706184603153e-1};
    private static final double[] B = {
        2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
        2.84423683343917062e03};
    // erfc(x) = exp(-x^2) * P(x)/Q(x) for 0.46875 < x <= 4.
    private static final double[] C = {
        5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
        2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
        2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8};
    private static final double[] D = {
        1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
        1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
        3.43936767414372164e03, 1.23033935480374942e03};
    // erfc(x) = exp(-x^2)/x * (1/sqrt(pi) + 1/x^2 * P(1/x^2)/Q(1/x^2)) for x > 4.
    private static final double[] P = {
        3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
        1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2};
    private static final double[] Q = {
        2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
        6.05183413124413191e-2, 2.33520497626869185e-3};

    private static final double THRESH = 0.46875;
    private static final double SQRPI = 5.6418958354775628695e-1; // 1/sqrt(pi)
    private static final double XSMALL = 1.11e-16; // below this, erf(x) = x * 2/sqrt(pi) to double precision
    private static final double XBIG = 26.543; // above this, erfc(x) underflows to 0

    private static final double SQRT1_2 = 0.70710678118654752440; // 1/sqrt(2)
    private static final double SQRT_2_OVER_PI = 0.79788456080286535588; // sqrt(2/pi)

    /** The error function. */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double y = Math.abs(x);
        if (y <= THRESH) return x * erfOverX(y);
        double r = (0.5 - erfcAbove(y)) + 0.5;
        return x < 0 ? -r : r;
    }

    /** The complementary error function 1 - erf(x), accurate where erf(x) is close to 1. */
    public static double erfc(double x) {
        if (Double.isNaN(x)) return x;
        double y = Math.abs(x);
        if (y <= THRESH) return 1 - x * erfOverX(y);
        double r = erfcAbove(y);
        return x < 0 ? 2 - r : r;
    }

    /** erf(y)/y for 0 <= y <= 0.46875. */
    private static double erfOverX(double y) {
        double ysq = y > XSMALL ? y * y : 0;
        double num = A[4] * ysq, den = ysq;
        for (int i = 0; i < 3; i++) {
            num = (num + A[i]) * ysq;
            den = (den + B[i]) * ysq;
        }
        return (num + A[3]) / (den + B[3]);
    }

    /** erfc(y) for y > 0.46875. */
    private static double erfcAbove(double y) {
        double r;
        if (y <= 4) {
            double num = C[8] * y, den = y;
            for (int i = 0; i < 7; i++) {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }
            r = (num + C[7]) / (den + D[7]);
        } else {
            if (y >= XBIG) return 0;
            double z = 1 / (y * y);
            double num = P[5] * z, den = z;
            for (int i = 0; i < 4; i++) {
                num = (num + P[i]) * z;
                den = (den + Q[i]) * z;
            }
            r = z * (num + P[4]) / (den + Q[4]);
            r = (SQRPI - r) / y;
        }
        // exp(-y^2) as exp(-t^2) * exp(-(y-t)(y+t)) with t = y truncated to a multiple of 1/16:
        // t*t is exact, so the rounding error of y*y does not get amplified by exp.
        double t = Math.floor(y * 16) / 16;
        double del = (y - t) * (y + t);
        return Math.exp(-t * t) * Math.exp(-del) * r;
    }

    /** The logistic function 1/(1+exp(-x)), evaluated so that neither branch overflows. */
    public static double sigmoid(double x) {
        if (x >= 0) return 1 / (1 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /**
     * Exact GELU, x * Phi(x) = 0.5x(1 + erf(x/sqrt2)), computed as 0.5x * erfc(-x/sqrt2): the
     * same function, but without the cancellation in 1 + erf(...) for negative x, which would
     * lose all digits below x = -8 or so.
     */
    public static double gelu(double x) {
        return 0.5 * x * erfc(-x * SQRT1_2);
    }

    /**
     * PyTorch's tanh GELU, 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))), computed with the
     * identity 1 + tanh(u) = 2 sigmoid(2u), which avoids the cancellation for negative x.
     */
    public static double geluTanh(double x) {
        double u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
        return x * sigmoid(2 * u);
    }
}
