package dev.nnc.runtime.kernels;

/** Scalar twin of {@link LayerNormVector}: two passes in double. Runs on any JVM. */
final class LayerNormScalar {
    private LayerNormScalar() {}

    static void rows(float[] x, int xOff, float[] gamma, int gOff, float[] beta, int bOff, float[] out, int outOff,
            int from, int to, int cols, float eps) {
        for (int r = from; r < to; r++) {
            int xi = xOff + r * cols;
            int oi = outOff + r * cols;
            double sum = 0;
            for (int i = 0; i < cols; i++) {
                sum += x[xi + i];
            }
            double mean = sum / cols;
            double sq = 0;
            for (int i = 0; i < cols; i++) {
                double d = x[xi + i] - mean;
                sq += d * d;
            }
            double rstd = 1.0 / Math.sqrt(sq / cols + eps);
            for (int i = 0; i < cols; i++) {
                double y = (x[xi + i] - mean) * rstd;
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
}
