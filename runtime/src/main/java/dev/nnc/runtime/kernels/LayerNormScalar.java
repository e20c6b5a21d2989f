package dev.nnc.runtime.kernels;

/**
 * Scalar twin of {@link LayerNormVector}: two passes in double. Runs on any JVM. With a
 * residual, each read of x is {@code x + residual} in float (recomputed, never stored).
 */
final class LayerNormScalar {
    private LayerNormScalar() {}

    static void rows(float[] x, int xOff, float[] residual, int rOff, float[] gamma, int gOff, float[] beta, int bOff,
            float[] out, int outOff, int from, int to, int cols, float eps) {
        for (int r = from; r < to; r++) {
            int xi = xOff + r * cols;
            int ri = rOff + r * cols;
            int oi = outOff + r * cols;
            double sum = 0;
            for (int i = 0; i < cols; i++) {
                sum += at(x, xi + i, residual, ri + i);
            }
            double mean = sum / cols;
            double sq = 0;
            for (int i = 0; i < cols; i++) {
                double d = at(x, xi + i, residual, ri + i) - mean;
                sq += d * d;
            }
            double rstd = 1.0 / Math.sqrt(sq / cols + eps);
            for (int i = 0; i < cols; i++) {
                double y = (at(x, xi + i, residual, ri + i) - mean) * rstd;
                if (gamma != null) {
                    y *= gamma[gOff + i];
                }
                if (beta != null) {
                    y += beta[bOff + i];
                }
                out[oi + i] = (float) y;
            }
        }
    }

    /** One element of {@code x + residual}, rounded to float as a stored sum would be. */
    private static float at(float[] x, int xi, float[] residual, int ri) {
        return residual == null ? x[xi] : x[xi] + residual[ri];
    }
}
