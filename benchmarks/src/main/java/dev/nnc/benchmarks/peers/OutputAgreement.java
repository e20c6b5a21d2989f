package dev.nnc.benchmarks.peers;

/**
 * Whether two runtimes computed the same function: every element within
 * {@code 1e-3·|expected| + 1e-4}, f32 rounding in different summation orders with room to
 * spare, and far below what a wrong weight layout or a missing layer gives.
 */
public final class OutputAgreement {
    static final double RELATIVE = 1e-3, ABSOLUTE = 1e-4;

    private OutputAgreement() {}

    /** The largest |got - expected|; throws naming the first element out of tolerance. */
    public static double check(String what, float[] got, float[] expected) {
        if (got.length != expected.length) {
            throw new IllegalStateException(what + ": " + got.length + " outputs, expected " + expected.length);
        }
        double max = 0;
        for (int i = 0; i < got.length; i++) {
            double err = Math.abs((double) got[i] - expected[i]);
            if (!(err <= RELATIVE * Math.abs(expected[i]) + ABSOLUTE)) {
                throw new IllegalStateException(what + ": element " + i + " is " + got[i] + ", expected " + expected[i]);
            }
            max = Math.max(max, err);
        }
        return max;
    }
}
