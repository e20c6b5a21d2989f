package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API path of {@link Softmax}; load only when {@link VectorSupport#available()}.
 *
 * <p>Exp is {@code lanewise(EXP)} (within an ulp or so of {@code Math.exp}). Sums are kept per lane
 * in float for at most {@link #FLUSH} steps, then added to a double, so a long row loses no more
 * than a short one. Every load of x is multiplied by the scale (exact when it is 1).
 */
final class SoftmaxVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Vector steps summed in float before the partial sum goes to double. */
    private static final int FLUSH = 64;

    /** Per thread: column max, float partial sums, then the double sums/factors. */
    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[2 * Softmax.COLUMN_CHUNK]);
    private static final ThreadLocal<double[]> DOUBLES = ThreadLocal.withInitial(() -> new double[Softmax.COLUMN_CHUNK]);

    private SoftmaxVector() {}

    /** Rows {@code [from, to)} of a {@code [rows, axis]} matrix, each normalized on its own. */
    static void rows(float[] x, int xOff, float[] out, int outOff, int from, int to, int axis, boolean log, float scale) {
        int upper = S.loopBound(axis);
        FloatVector vs = FloatVector.broadcast(S, scale);
        for (int r = from; r < to; r++) {
            int xi = xOff + r * axis;
            int oi = outOff + r * axis;

            FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            int i = 0;
            for (; i < upper; i += L) {
                vmax = vmax.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, xi + i).mul(vs));
            }
            float max = vmax.reduceLanes(VectorOperators.MAX);
            for (; i < axis; i++) {
                max = Math.max(max, scale * x[xi + i]);
            }

            FloatVector vmaxAll = FloatVector.broadcast(S, max);
            double sum = 0;
            i = 0;
            while (i < upper) {
                int stop = Math.min(upper, i + FLUSH * L);
                FloatVector acc = FloatVector.zero(S);
                for (; i < stop; i += L) {
                    FloatVector e = FloatVector.fromArray(S, x, xi + i).mul(vs).sub(vmaxAll).lanewise(VectorOperators.EXP);
                    if (!log) {
                        e.intoArray(out, oi + i);
                    }
                    acc = acc.add(e);
                }
                sum += acc.reduceLanes(VectorOperators.ADD);
            }
            for (; i < axis; i++) {
                float e = (float) Math.exp(scale * x[xi + i] - max);
                if (!log) {
                    out[oi + i] = e;
                }
                sum += e;
            }

            if (log) {
                float logSum = (float) Math.log(sum);
                i = 0;
                for (; i < upper; i += L) {
                    FloatVector.fromArray(S, x, xi + i).mul(vs).sub(max).sub(logSum).intoArray(out, oi + i);
                }
                for (; i < axis; i++) {
                    out[oi + i] = (scale * x[xi + i] - max) - logSum;
                }
            } else {
                float inv = (float) (1.0 / sum);
                i = 0;
                for (; i < upper; i += L) {
                    FloatVector.fromArray(S, out, oi + i).mul(inv).intoArray(out, oi + i);
                }
                for (; i < axis; i++) {
                    out[oi + i] *= inv;
                }
            }
        }
    }

    /**
     * Columns {@code [0, width)} of one {@code [axis, inner]} slab: each column (stride
     * {@code inner}) normalized on its own, vectorized across columns, rows visited in memory order.
     */
    static void columns(float[] x, int xOff, float[] out, int outOff, int axis, int inner, int width, boolean log, float scale) {
        FloatVector vs = FloatVector.broadcast(S, scale);
        float[] f = FLOATS.get();
        double[] d = DOUBLES.get();
        int maxAt = 0;
        int accAt = Softmax.COLUMN_CHUNK;
        int upper = S.loopBound(width);

        // Pass 1: column max (of the scaled values).
        for (int j = 0; j < width; j++) {
            f[maxAt + j] = scale * x[xOff + j];
        }
        for (int a = 1; a < axis; a++) {
            int xi = xOff + a * inner;
            int j = 0;
            for (; j < upper; j += L) {
                FloatVector.fromArray(S, f, maxAt + j)
                        .lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, xi + j).mul(vs))
                        .intoArray(f, maxAt + j);
            }
            for (; j < width; j++) {
                f[maxAt + j] = Math.max(f[maxAt + j], scale * x[xi + j]);
            }
        }

        // Pass 2: exp and column sums, float partial sums flushed to double every FLUSH rows.
        java.util.Arrays.fill(d, 0, width, 0.0);
        for (int a0 = 0; a0 < axis; a0 += FLUSH) {
            int a1 = Math.min(axis, a0 + FLUSH);
            java.util.Arrays.fill(f, accAt, accAt + width, 0f);
            for (int a = a0; a < a1; a++) {
                int xi = xOff + a * inner;
                int oi = outOff + a * inner;
                int j = 0;
                for (; j < upper; j += L) {
                    FloatVector e = FloatVector.fromArray(S, x, xi + j).mul(vs)
                            .sub(FloatVector.fromArray(S, f, maxAt + j))
                            .lanewise(VectorOperators.EXP);
                    if (!log) {
                        e.intoArray(out, oi + j);
                    }
                    FloatVector.fromArray(S, f, accAt + j).add(e).intoArray(f, accAt + j);
                }
                for (; j < width; j++) {
                    float e = (float) Math.exp(scale * x[xi + j] - f[maxAt + j]);
                    if (!log) {
                        out[oi + j] = e;
                    }
                    f[accAt + j] += e;
                }
            }
            for (int j = 0; j < width; j++) {
                d[j] += f[accAt + j];
            }
        }

        // Pass 3: the per-column factor (1/sum, or log(sum)) replaces the partial sums.
        for (int j = 0; j < width; j++) {
            f[accAt + j] = log ? (float) Math.log(d[j]) : (float) (1.0 / d[j]);
        }
        for (int a = 0; a < axis; a++) {
            int xi = xOff + a * inner;
            int oi = outOff + a * inner;
            int j = 0;
            if (log) {
                for (; j < upper; j += L) {
                    FloatVector.fromArray(S, x, xi + j).mul(vs)
                            .sub(FloatVector.fromArray(S, f, maxAt + j))
                            .sub(FloatVector.fromArray(S, f, accAt + j))
                            .intoArray(out, oi + j);
                }
                for (; j < width; j++) {
                    out[oi + j] = (scale * x[xi + j] - f[maxAt + j]) - f[accAt + j];
                }
            } else {
                for (; j < upper; j += L) {
                    FloatVector.fromArray(S, out, oi + j).mul(FloatVector.fromArray(S, f, accAt + j)).intoArray(out, oi + j);
                }
                for (; j < width; j++) {
                    out[oi + j] *= f[accAt + j];
                }
            }
        }
    }
}
