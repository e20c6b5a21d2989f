package dev.nnc.runtime.kernels;

/**
 * Scalar twin of {@link SoftmaxVector}: plain loops, sums in double. Runs on any JVM. Every
 * read of x is {@code scale * x} in float, recomputed per pass (cheaper than storing it).
 */
final class SoftmaxScalar {
    private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[2 * Softmax.COLUMN_CHUNK]);

    private SoftmaxScalar() {}

    /** Rows {@code [from, to)} of a {@code [rows, axis]} matrix, each normalized on its own. */
    static void rows(float[] x, int xOff, float[] out, int outOff, int from, int to, int axis, boolean log, float scale) {
        for (int r = from; r < to; r++) {
            int xi = xOff + r * axis;
            int oi = outOff + r * axis;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < axis; i++) {
                max = Math.max(max, scale * x[xi + i]);
            }
            double sum = 0;
            if (log) {
                for (int i = 0; i < axis; i++) {
                    sum += Math.exp(scale * x[xi + i] - max);
                }
                float logSum = (float) Math.log(sum);
                for (int i = 0; i < axis; i++) {
                    out[oi + i] = (scale * x[xi + i] - max) - logSum;
                }
            } else {
                for (int i = 0; i < axis; i++) {
                    float e = (float) Math.exp(scale * x[xi + i] - max);
                    out[oi + i] = e;
                    sum += e;
                }
                float inv = (float) (1.0 / sum);
                for (int i = 0; i < axis; i++) {
                    out[oi + i] *= inv;
                }
            }
        }
    }

    /**
     * Columns {@code [0, width)} of one {@code [axis, inner]} slab starting at {@code xOff}/{@code outOff}:
     * each column (stride {@code inner}) is normalized on its own, rows visited in memory order.
     */
    static void columns(float[] x, int xOff, float[] out, int outOff, int axis, int inner, int width, boolean log, float scale) {
        double[] scratch = SCRATCH.get();
        int maxAt = 0;
        int sumAt = Softmax.COLUMN_CHUNK;
        for (int j = 0; j < width; j++) {
            scratch[maxAt + j] = Double.NEGATIVE_INFINITY;
            scratch[sumAt + j] = 0;
        }
        for (int a = 0; a < axis; a++) {
            int xi = xOff + a * inner;
            for (int j = 0; j < width; j++) {
                scratch[maxAt + j] = Math.max(scratch[maxAt + j], scale * x[xi + j]);
            }
        }
        for (int a = 0; a < axis; a++) {
            int xi = xOff + a * inner;
            int oi = outOff + a * inner;
            for (int j = 0; j < width; j++) {
                float e = (float) Math.exp(scale * x[xi + j] - (float) scratch[maxAt + j]);
                if (!log) {
                    out[oi + j] = e;
                }
                scratch[sumAt + j] += e;
            }
        }
        for (int j = 0; j < width; j++) {
            // Reuse the sum slot for the per-column factor of the last pass.
            scratch[sumAt + j] = log ? (float) Math.log(scratch[sumAt + j]) : (float) (1.0 / scratch[sumAt + j]);
        }
        for (int a = 0; a < axis; a++) {
            int xi = xOff + a * inner;
            int oi = outOff + a * inner;
            for (int j = 0; j < width; j++) {
                if (log) {
                    out[oi + j] = (scale * x[xi + j] - (float) scratch[maxAt + j]) - (float) scratch[sumAt + j];
                } else {
                    out[oi + j] *= (float) scratch[sumAt + j];
                }
            }
        }
    }
}
