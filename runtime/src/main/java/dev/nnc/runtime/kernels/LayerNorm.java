package dev.nnc.runtime.kernels;

import java.util.Objects;

/**
 * Layer normalization over the last dimension, as {@code torch.nn.functional.layer_norm} with a
 * normalized shape of {@code [cols]}: per row, {@code out = (x - mean) / sqrt(var + eps) * gamma + beta}
 * with the biased variance.
 *
 * <p>Statistics are computed stably: the scalar path makes two passes in double; the vector path
 * takes a rough float mean, then sums {@code d = x - mean} and {@code d * d} (short float runs per
 * lane, flushed to double) and corrects the mean by {@code sum(d) / cols}. Rows whose values share
 * a large offset (100 ± 1) therefore lose nothing to cancellation.
 *
 * <p>{@code gamma} or {@code beta} may be null (no scale, no shift); both are read from their
 * offsets for {@code cols} elements. A {@code residual} (may be null) of x's size is added to x
 * first, in float as a separate add kernel would, each time the row is read: a post-norm
 * block's {@code layer_norm(x + sublayer(x))} needs no pass of its own for the sum. {@code out}
 * may be {@code x} or {@code residual} at the same offset.
 */
public final class LayerNorm {
    /** Below this many elements a call stays on the calling thread. */
    static final int PARALLEL_MIN = 1 << 16;

    private static final boolean VECTOR = VectorSupport.available();

    /** The calling thread's reusable job, so that splitting a call over the pool allocates nothing. */
    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    private LayerNorm() {}

    /** Normalizes each of {@code rows} rows of {@code cols} elements. */
    public static void layerNorm(float[] x, int xOff, float[] gamma, int gOff, float[] beta, int bOff, float[] out, int outOff,
            int rows, int cols, float eps) {
        layerNorm(x, xOff, null, 0, gamma, gOff, beta, bOff, out, outOff, rows, cols, eps, VECTOR);
    }

    /** Normalizes each of {@code rows} rows of {@code cols} elements of {@code x + residual} (residual may be null). */
    public static void layerNorm(float[] x, int xOff, float[] residual, int rOff, float[] gamma, int gOff, float[] beta, int bOff,
            float[] out, int outOff, int rows, int cols, float eps) {
        layerNorm(x, xOff, residual, rOff, gamma, gOff, beta, bOff, out, outOff, rows, cols, eps, VECTOR);
    }

    /** As the public method, with the vector or the scalar path chosen by the caller (tests). */
    static void layerNorm(float[] x, int xOff, float[] gamma, int gOff, float[] beta, int bOff, float[] out, int outOff,
            int rows, int cols, float eps, boolean vector) {
        layerNorm(x, xOff, null, 0, gamma, gOff, beta, bOff, out, outOff, rows, cols, eps, vector);
    }

    /** As the public residual method, with the path chosen by the caller (tests). */
    static void layerNorm(float[] x, int xOff, float[] residual, int rOff, float[] gamma, int gOff, float[] beta, int bOff,
            float[] out, int outOff, int rows, int cols, float eps, boolean vector) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative extent: rows=" + rows + " cols=" + cols);
        }
        long total = (long) rows * cols;
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor too large: " + total + " elements");
        }
        Objects.checkFromIndexSize(xOff, (int) total, x.length);
        Objects.checkFromIndexSize(outOff, (int) total, out.length);
        if (residual != null) {
            Objects.checkFromIndexSize(rOff, (int) total, residual.length);
        }
        if (gamma != null) {
            Objects.checkFromIndexSize(gOff, cols, gamma.length);
        }
        if (beta != null) {
            Objects.checkFromIndexSize(bOff, cols, beta.length);
        }
        if (total == 0) {
            return;
        }
        if (total >= PARALLEL_MIN && Parallel.threads() > 1) {
            int grain = Math.max(1, (PARALLEL_MIN / 4) / cols);
            JOBS.get().split(rows, grain, x, xOff, residual, rOff, gamma, gOff, beta, bOff, out, outOff, cols, eps, vector);
        } else {
            rows(x, xOff, residual, rOff, gamma, gOff, beta, bOff, out, outOff, 0, rows, cols, eps, vector);
        }
    }

    private static void rows(float[] x, int xOff, float[] residual, int rOff, float[] gamma, int gOff, float[] beta, int bOff,
            float[] out, int outOff, int from, int to, int cols, float eps, boolean vector) {
        if (vector) {
            LayerNormVector.rows(x, xOff, residual, rOff, gamma, gOff, beta, bOff, out, outOff, from, to, cols, eps);
        } else {
            LayerNormScalar.rows(x, xOff, residual, rOff, gamma, gOff, beta, bOff, out, outOff, from, to, cols, eps);
        }
    }

    /** One parallel call's operands: set before the split, cleared after so that no array is retained. */
    private static final class Job implements Parallel.RangeBody {
        private float[] x, residual, gamma, beta, out;
        private int xOff, rOff, gOff, bOff, outOff, cols;
        private float eps;
        private boolean vector;

        void split(int rows, int grain, float[] x, int xOff, float[] residual, int rOff, float[] gamma, int gOff, float[] beta,
                int bOff, float[] out, int outOff, int cols, float eps, boolean vector) {
            this.x = x;
            this.xOff = xOff;
            this.residual = residual;
            this.rOff = rOff;
            this.gamma = gamma;
            this.gOff = gOff;
            this.beta = beta;
            this.bOff = bOff;
            this.out = out;
            this.outOff = outOff;
            this.cols = cols;
            this.eps = eps;
            this.vector = vector;
            try {
                Parallel.forBlocks(rows, grain, this);
            } finally {
                this.x = null;
                this.residual = null;
                this.gamma = null;
                this.beta = null;
                this.out = null;
            }
        }

        @Override
        public void run(int from, int to) {
            rows(x, xOff, residual, rOff, gamma, gOff, beta, bOff, out, outOff, from, to, cols, eps, vector);
        }
    }
}
