package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API path of {@link Reduce}; load only when {@link VectorSupport#available()}. */
final class ReduceVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Vector steps summed in float before the partial sum goes to double. */
    private static final int FLUSH = 64;

    private ReduceVector() {}

    /** Rows {@code [from, to)} of a {@code [rows, axis]} matrix, one output each. */
    static void rows(int kind, float[] x, int xOff, float[] out, int outOff, int from, int to, int axis) {
        int upper = S.loopBound(axis);
        for (int r = from; r < to; r++) {
            int xi = xOff + r * axis;
            int i = 0;
            if (kind == Reduce.MAX) {
                FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                for (; i < upper; i += L) {
                    vmax = vmax.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, xi + i));
                }
                float max = vmax.reduceLanes(VectorOperators.MAX);
                for (; i < axis; i++) {
                    max = Math.max(max, x[xi + i]);
                }
                out[outOff + r] = max;
            } else {
                double sum = 0;
                while (i < upper) {
                    int stop = Math.min(upper, i + FLUSH * L);
                    FloatVector acc = FloatVector.zero(S);
                    for (; i < stop; i += L) {
                        acc = acc.add(FloatVector.fromArray(S, x, xi + i));
                    }
                    sum += acc.reduceLanes(VectorOperators.ADD);
                }
                for (; i < axis; i++) {
                    sum += x[xi + i];
                }
                out[outOff + r] = (float) (kind == Reduce.MEAN ? sum / axis : sum);
            }
        }
    }

    /** {@code width} outputs at {@code outOff}: column j reduces {@code x[xOff + a * inner + j]} over a. */
    static void columns(int kind, float[] x, int xOff, float[] out, int outOff, int axis, int inner, int width) {
        int upper = S.loopBound(width);
        System.arraycopy(x, xOff, out, outOff, width);
        for (int a = 1; a < axis; a++) {
            int xi = xOff + a * inner;
            int j = 0;
            // Two loops rather than a variable operator: only a constant operator is intrinsified.
            if (kind == Reduce.MAX) {
                for (; j < upper; j += L) {
                    FloatVector.fromArray(S, out, outOff + j)
                            .lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, xi + j))
                            .intoArray(out, outOff + j);
                }
                for (; j < width; j++) {
                    out[outOff + j] = Math.max(out[outOff + j], x[xi + j]);
                }
            } else {
                for (; j < upper; j += L) {
                    FloatVector.fromArray(S, out, outOff + j)
                            .add(FloatVector.fromArray(S, x, xi + j))
                            .intoArray(out, outOff + j);
                }
                for (; j < width; j++) {
                    out[outOff + j] += x[xi + j];
                }
            }
        }
        if (kind == Reduce.MEAN) {
            float n = axis;
            int j = 0;
            for (; j < upper; j += L) {
                FloatVector.fromArray(S, out, outOff + j).div(n).intoArray(out, outOff + j);
            }
            for (; j < width; j++) {
                out[outOff + j] /= n;
            }
        }
    }
}
