package dev.nnc.runtime.kernels;

import java.util.Objects;

/**
 * Softmax and log-softmax along one axis, as {@code torch.softmax} / {@code torch.log_softmax}.
 *
 * <p>The tensor is viewed as {@code [outer, axis, inner]} (row-major, contiguous) and normalized
 * along the middle dimension: {@code out = exp(x - max) / sum(exp(x - max))}, or
 * {@code (x - max) - log(sum(exp(x - max)))} for the log form. The max is subtracted so that no
 * exp overflows; the sum is kept in double (the vector path sums short float runs per lane and
 * adds those to a double). A row holding NaN or +inf gives NaN, as PyTorch does.
 *
 * <p>A {@code scale} makes it the softmax of {@code scale * x}: each element is multiplied (in
 * float, as a separate multiply kernel would) as it is read, so that attention's
 * {@code softmax(q k^T / sqrt(d))} needs no pass of its own over the scores. A scale of 1 is
 * exact, so the unscaled overload gives the same results.
 *
 * <p>{@code out} may be {@code x} itself at the same offset (in place); other overlaps are not
 * allowed. {@code inner == 1}, the common case, runs along the contiguous row; {@code inner > 1}
 * works on columns of the {@code [axis, inner]} slab, vectorized across {@code inner}.
 */
public final class Softmax {
    /** Below this many elements a call stays on the calling thread. */
    static final int PARALLEL_MIN = 1 << 16;
    /** Inner elements one task of the {@code inner > 1} form covers (sized for L1 scratch). */
    static final int COLUMN_CHUNK = 512;

    private static final boolean VECTOR = VectorSupport.available();

    /** The calling thread's reusable job, so that splitting a call over the pool allocates nothing. */
    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    private Softmax() {}

    /** Softmax ({@code log == false}) or log-softmax of the middle axis of {@code [outer, axis, inner]}. */
    public static void softmax(float[] x, int xOff, float[] out, int outOff, int outer, int axis, int inner, boolean log) {
        softmax(x, xOff, out, outOff, outer, axis, inner, log, 1f, VECTOR);
    }

    /** Softmax or log-softmax of {@code scale * x} along the middle axis of {@code [outer, axis, inner]}. */
    public static void softmax(float[] x, int xOff, float[] out, int outOff, int outer, int axis, int inner, boolean log,
            float scale) {
        softmax(x, xOff, out, outOff, outer, axis, inner, log, scale, VECTOR);
    }

    /** As the public method, with the vector or the scalar path chosen by the caller (tests). */
    static void softmax(float[] x, int xOff, float[] out, int outOff, int outer, int axis, int inner, boolean log, boolean vector) {
        softmax(x, xOff, out, outOff, outer, axis, inner, log, 1f, vector);
    }

    /** As the public scaled method, with the path chosen by the caller (tests). */
    static void softmax(float[] x, int xOff, float[] out, int outOff, int outer, int axis, int inner, boolean log, float scale,
            boolean vector) {
        if (outer < 0 || axis < 0 || inner < 0) {
            throw new IllegalArgumentException("negative extent: outer=" + outer + " axis=" + axis + " inner=" + inner);
        }
        long total = (long) outer * axis * inner;
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor too large: " + total + " elements");
        }
        Objects.checkFromIndexSize(xOff, (int) total, x.length);
        Objects.checkFromIndexSize(outOff, (int) total, out.length);
        if (total == 0) {
            return;
        }
        boolean parallel = total >= PARALLEL_MIN && Parallel.threads() > 1;
        if (inner == 1) {
            int grain = Math.max(1, (PARALLEL_MIN / 4) / axis);
            if (parallel) {
                JOBS.get().split(outer, grain, x, xOff, out, outOff, 0, axis, 1, log, scale, vector);
            } else {
                rows(x, xOff, out, outOff, 0, outer, axis, log, scale, vector);
            }
            return;
        }
        int chunks = (inner + COLUMN_CHUNK - 1) / COLUMN_CHUNK;
        int tasks = outer * chunks;
        int perTask = axis * Math.min(inner, COLUMN_CHUNK);
        int grain = Math.max(1, (PARALLEL_MIN / 4) / perTask);
        if (parallel) {
            JOBS.get().split(tasks, grain, x, xOff, out, outOff, chunks, axis, inner, log, scale, vector);
        } else {
            columns(x, xOff, out, outOff, 0, tasks, chunks, axis, inner, log, scale, vector);
        }
    }

    private static void rows(float[] x, int xOff, float[] out, int outOff, int from, int to, int axis, boolean log, float scale,
            boolean vector) {
        if (vector) {
            SoftmaxVector.rows(x, xOff, out, outOff, from, to, axis, log, scale);
        } else {
            SoftmaxScalar.rows(x, xOff, out, outOff, from, to, axis, log, scale);
        }
    }

    /** Tasks {@code [from, to)} of {@code outer * chunks}: task t is slab {@code t / chunks}, column chunk {@code t % chunks}. */
    private static void columns(float[] x, int xOff, float[] out, int outOff, int from, int to, int chunks, int axis, int inner,
            boolean log, float scale, boolean vector) {
        for (int t = from; t < to; t++) {
            int o = t / chunks;
            int c0 = (t % chunks) * COLUMN_CHUNK;
            int width = Math.min(COLUMN_CHUNK, inner - c0);
            int base = o * axis * inner + c0;
            if (vector) {
                SoftmaxVector.columns(x, xOff + base, out, outOff + base, axis, inner, width, log, scale);
            } else {
                SoftmaxScalar.columns(x, xOff + base, out, outOff + base, axis, inner, width, log, scale);
            }
        }
    }

    /**
     * One parallel call's operands: set before the split, cleared after so that no array is
     * retained. {@code chunks == 0} splits rows ({@code inner == 1}), otherwise column tasks.
     */
    private static final class Job implements Parallel.RangeBody {
        private float[] x, out;
        private int xOff, outOff, chunks, axis, inner;
        private boolean log, vector;
        private float scale;

        void split(int tasks, int grain, float[] x, int xOff, float[] out, int outOff, int chunks, int axis, int inner,
                boolean log, float scale, boolean vector) {
            this.x = x;
            this.xOff = xOff;
            this.out = out;
            this.outOff = outOff;
            this.chunks = chunks;
            this.axis = axis;
            this.inner = inner;
            this.log = log;
            this.scale = scale;
            this.vector = vector;
            try {
                Parallel.forBlocks(tasks, grain, this);
            } finally {
                this.x = null;
                this.out = null;
            }
        }

        @Override
        public void run(int from, int to) {
            if (chunks == 0) {
                rows(x, xOff, out, outOff, from, to, axis, log, scale, vector);
            } else {
                columns(x, xOff, out, outOff, from, to, chunks, axis, inner, log, scale, vector);
            }
        }
    }
}
