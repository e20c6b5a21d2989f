package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API path of {@link LayerNorm}; load only when {@link VectorSupport#available()}.
 *
 * <p>Three reads of the row (it is in L1 after the first): a float mean {@code m0}; then
 * {@code sum(x - m0)} and {@code sum((x - m0)^2)}, which give the exact-mean correction
 * {@code c} and the variance {@code E[d^2] - c^2}; then {@code ((x - m0) - c) * rstd * gamma + beta}.
 * Subtracting {@code m0} first keeps the squares small, so float lanes lose nothing to
 * cancellation when all values share a large offset. With a residual, every read of x is
 * {@code x + residual} in float (recomputed per pass, never stored).
 */
final class LayerNormVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Vector steps summed in float before the partial sum goes to double. */
    private static final int FLUSH = 16;

    private LayerNormVector() {}

    static void rows(float[] x, int xOff, float[] residual, int rOff, float[] gamma, int gOff, float[] beta, int bOff,
            float[] out, int outOff, int from, int to, int cols, float eps) {
        int upper = S.loopBound(cols);
        for (int r = from; r < to; r++) {
            int xi = xOff + r * cols;
            int ri = rOff + r * cols;
            int oi = outOff + r * cols;

            double sum = 0;
            int i = 0;
            while (i < upper) {
                int stop = Math.min(upper, i + FLUSH * L);
                FloatVector acc = FloatVector.zero(S);
                for (; i < stop; i += L) {
                    acc = acc.add(load(x, xi + i, residual, ri + i));
                }
                sum += acc.reduceLanes(VectorOperators.ADD);
            }
            for (; i < cols; i++) {
                sum += at(x, xi + i, residual, ri + i);
            }
            float m0 = (float) (sum / cols);

            double sumD = 0;
            double sumSq = 0;
            FloatVector vm0 = FloatVector.broadcast(S, m0);
            i = 0;
            while (i < upper) {
                int stop = Math.min(upper, i + FLUSH * L);
                FloatVector accD = FloatVector.zero(S);
                FloatVector accSq = FloatVector.zero(S);
                for (; i < stop; i += L) {
                    FloatVector d = load(x, xi + i, residual, ri + i).sub(vm0);
                    accD = accD.add(d);
                    accSq = d.fma(d, accSq);
                }
                sumD += accD.reduceLanes(VectorOperators.ADD);
                sumSq += accSq.reduceLanes(VectorOperators.ADD);
            }
            for (; i < cols; i++) {
                float d = at(x, xi + i, residual, ri + i) - m0;
                sumD += d;
                sumSq += (double) d * d;
            }
            double c = sumD / cols;
            double var = Math.max(0.0, sumSq / cols - c * c);
            float rstd = (float) (1.0 / Math.sqrt(var + eps));
            float cf = (float) c;

            FloatVector vc = FloatVector.broadcast(S, cf);
            i = 0;
            for (; i < upper; i += L) {
                FloatVector y = load(x, xi + i, residual, ri + i).sub(vm0).sub(vc).mul(rstd);
                if (gamma != null) {
                    y = beta != null
                            ? y.fma(FloatVector.fromArray(S, gamma, gOff + i), FloatVector.fromArray(S, beta, bOff + i))
                            : y.mul(FloatVector.fromArray(S, gamma, gOff + i));
                } else if (beta != null) {
                    y = y.add(FloatVector.fromArray(S, beta, bOff + i));
                }
                y.intoArray(out, oi + i);
            }
            for (; i < cols; i++) {
                float y = ((at(x, xi + i, residual, ri + i) - m0) - cf) * rstd;
                if (gamma != null) {
                    y *= gamma[gOff + i];
                }
                if (beta != null) {
                    y += beta[bOff + i];
                }
                out[oi + i] = y;
            }
        }
    }

    /** {@code x + residual} at one vector position, the residual branch hoisted by the JIT (it is loop-invariant). */
    private static FloatVector load(float[] x, int xi, float[] residual, int ri) {
        FloatVector v = FloatVector.fromArray(S, x, xi);
        return residual == null ? v : v.add(FloatVector.fromArray(S, residual, ri));
    }

    private static float at(float[] x, int xi, float[] residual, int ri) {
        return residual == null ? x[xi] : x[xi] + residual[ri];
    }
}
