package dev.nnc.runtime.kernels;

/** Scalar twin of {@link SoftmaxVector}: plain loops, sums in double. Runs on any JVM. */
final class SoftmaxScalar {
    private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[2 * Softmax.COLUMN_CHUNK]);

    private SoftmaxScalar() {}

    /** Rows {@code [from, to)} of a {@code [rows, axis]} matrix, each normalized on its own. */
    static void rows(float[] x, int xOff, float[] out, int outOff, int from, int to, int axis, boolean log) {
        for (int r = from; r < to; r++) {
            int xi = xOff + r * axis;
            int oi = outOff + r * axis;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < axis; i++) {
                max = Math.max(max, x[xi + i]);
            }
            double sum = 0;
            if (log) {
                for (int i = 0; i < axis; i++) {
                    sum += Math.exp(x[xi + i] - max);
                }
                float logSum = (float) Math.log(sum);
                for (int i = 0; i < axis; i++) {
                    out[oi + i] = (x[xi + i] - max) - logSum;
                }
            } else {
                for (int i = 0; i < axis; i++) {
                    float e = (float) Math.exp(x[xi + i] - max);
                    out[oi + i] = e;
                    sum += e;
                }
                float scale = (float) (1.0 / sum);
                for (int i = 0; i < axis; i++) {
                    out[oi + i] *= scale;
                }
            }
        }
    }

    /**
     * Columns {@code [0, width)} of one {@code [axis, inner]} slab starting at {@code xOff}/{@code outOff}:
     * each column (stride {@code inner}) is normalized on its own, rows visited in memory order.
     */
    static void columns(float[] x, int xOff, float[] out, int outOff, int axis, int inner, int width, boolean log) {
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
                scratch[maxAt + j] = Math.max(scratch[maxAt + j], x[xi + j]);
            }
        }
        for (int a = 0; a < axis; a++) {
            int xi = xOff + a * inner;
            int oi = outOff + a * inner;
            for (int j = 0; j < width; j++) {
                float e = (float) Math.exp(x[xi + j] - (float) scratch[maxAt + j]);
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
                    out[oi + j] = (x[xi + j] - (float) scratch[maxAt + j]) - (float) scratch[sumAt + j];
                } else {
                    out[oi + j] *= (float) scratch[sumAt + j];
                }
            }
        }
    }
}
