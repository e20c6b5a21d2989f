package dev.nnc.runtime.kernels;

/** Scalar twin of {@link ReduceVector}. Runs on any JVM. */
final class ReduceScalar {
    private ReduceScalar() {}

    /** Rows {@code [from, to)} of a {@code [rows, axis]} matrix, one output each; sums in double. */
    static void rows(int kind, float[] x, int xOff, float[] out, int outOff, int from, int to, int axis) {
        for (int r = from; r < to; r++) {
            int xi = xOff + r * axis;
            if (kind == Reduce.MAX) {
                float max = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < axis; i++) {
                    max = Math.max(max, x[xi + i]);
                }
                out[outOff + r] = max;
            } else {
                double sum = 0;
                for (int i = 0; i < axis; i++) {
                    sum += x[xi + i];
                }
                out[outOff + r] = (float) (kind == Reduce.MEAN ? sum / axis : sum);
            }
        }
    }

    /** {@code width} outputs at {@code outOff}: column j reduces {@code x[xOff + a * inner + j]} over a. */
    static void columns(int kind, float[] x, int xOff, float[] out, int outOff, int axis, int inner, int width) {
        System.arraycopy(x, xOff, out, outOff, width);
        for (int a = 1; a < axis; a++) {
            int xi = xOff + a * inner;
            if (kind == Reduce.MAX) {
                for (int j = 0; j < width; j++) {
                    out[outOff + j] = Math.max(out[outOff + j], x[xi + j]);
                }
            } else {
                for (int j = 0; j < width; j++) {
                    out[outOff + j] += x[xi + j];
                }
            }
        }
        if (kind == Reduce.MEAN) {
            float n = axis;
            for (int j = 0; j < width; j++) {
                out[outOff + j] /= n;
            }
        }
    }
}
