package dev.nnc.runtime.kernels;

/**
 * The scalar functions generated elementwise code calls, one static method per kernel IR
 * function (UnaryFn / BinaryFn, lower-case). Computed in double and rounded once to float.
 * {@link VectorMath} has the same functions on vectors; the two agree to float rounding.
 */
public final class ScalarMath {
    private ScalarMath() {}

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    public static float neg(float x) { return -x; }

    public static float abs(float x) { return Math.abs(x); }

    /** max(x, 0); NaN stays NaN, as in the interpreter and the vector path. */
    public static float relu(float x) { return Math.max(x, 0f); }

    public static float sigmoid(float x) { return (float) (1 / (1 + Math.exp(-(double) x))); }

    public static float tanh(float x) { return (float) Math.tanh(x); }

    public static float gelu(float x) { return (float) (0.5 * x * (1 + erf(x * SQRT_HALF))); }

    public static float gelu_tanh(float x) {
        double u = SQRT_2_OVER_PI * (x + 0.044715 * (double) x * x * x);
        return (float) (0.5 * x * (1 + Math.tanh(u)));
    }

    public static float erf(float x) { return (float) erf((double) x); }

    public static float exp(float x) { return (float) Math.exp(x); }

    public static float log(float x) { return (float) Math.log(x); }

    public static float sqrt(float x) { return (float) Math.sqrt(x); }

    public static float rsqrt(float x) { return (float) (1 / Math.sqrt(x)); }

    public static float add(float a, float b) { return a + b; }

    public static float sub(float a, float b) { return a - b; }

    public static float mul(float a, float b) { return a * b; }

    public static float div(float a, float b) { return a / b; }

    public static float pow(float a, float b) { return (float) Math.pow(a, b); }

    public static float max(float a, float b) { return Math.max(a, b); }

    public static float min(float a, float b) { return Math.min(a, b); }

    /**
     * erf to about 1e-7 relative (Abramowitz and Stegun 7.1.26 is too coarse near 0, so this
     * uses the Taylor series for |x| < 2 and the asymptotic complement beyond).
     */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 2.0) {
            // erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 40; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            double r = 2 / Math.sqrt(Math.PI) * sum;
            return x < 0 ? -r : r;
        }
        if (ax > 6) return x < 0 ? -1 : 1;
        // Continued fraction for erfc, converges fast for x >= 2.
        double f = 0;
        for (int n = 60; n >= 1; n--) f = n / 2.0 / (ax + f);
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        return x < 0 ? erfc - 1 : 1 - erfc;
    }
}
