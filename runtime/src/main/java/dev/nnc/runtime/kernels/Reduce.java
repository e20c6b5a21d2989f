package dev.nnc.runtime.kernels;

import java.util.Objects;

/**
 * Sum, mean or max over the middle dimension of {@code [outer, axis, inner]}, giving
 * {@code [outer, inner]}, as {@code torch.sum/mean/amax(x, dim)}.
 *
 * <p>The compiler turns a reduction over several contiguous axes into this form and transposes
 * first when the axes are not contiguous. {@code inner == 1} reduces contiguous rows (vector lanes
 * along the row, float partial sums flushed to double); {@code inner > 1} accumulates whole
 * {@code inner}-rows into the output in float, which streams memory in order.
 *
 * <p>Max propagates NaN (as PyTorch) and refuses an empty axis; the sum of an empty axis is 0 and
 * its mean NaN. {@code out} must not overlap {@code x}.
 */
public final class Reduce {
    public static final int SUM = 0;
    public static final int MEAN = 1;
    public static final int MAX = 2;

    /** Below this many elements a call stays on the calling thread. */
    static final int PARALLEL_MIN = 1 << 16;
    /** Output elements one task of the {@code inner > 1} form covers. */
    static final int COLUMN_CHUNK = 2048;

    private static final boolean VECTOR = VectorSupport.available();

    /** The calling thread's reusable job, so that splitting a call over the pool allocates nothing. */
    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    private Reduce() {}

    /** Reduces {@code x} viewed as {@code [outer, axis, inner]} into {@code out} as {@code [outer, inner]}. */
    public static void reduce(int kind, float[] x, int xOff, float[] out, int outOff, int outer, int axis, int inner) {
        reduce(kind, x, xOff, out, outOff, outer, axis, inner, VECTOR);
    }

    /** As the public method, with the vector or the scalar path chosen by the caller (tests). */
    static void reduce(int kind, float[] x, int xOff, float[] out, int outOff, int outer, int axis, int inner, boolean vector) {
        if (kind != SUM && kind != MEAN && kind != MAX) {
            throw new IllegalArgumentException("unknown reduction kind " + kind + " (SUM=0, MEAN=1, MAX=2)");
        }
        if (outer < 0 || axis < 0 || inner < 0) {
            throw new IllegalArgumentException("negative extent: outer=" + outer + " axis=" + axis + " inner=" + inner);
        }
        long total = (long) outer * axis * inner;
        long outTotal = (long) outer * inner;
        if (total > Integer.MAX_VALUE || outTotal > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor too large: " + total + " elements");
        }
        Objects.checkFromIndexSize(xOff, (int) total, x.length);
        Objects.checkFromIndexSize(outOff, (int) outTotal, out.length);
        if (outTotal == 0) {
            return;
        }
        if (axis == 0) {
            if (kind == MAX) {
                throw new IllegalArgumentException("max over an empty axis has no identity");
            }
            java.util.Arrays.fill(out, outOff, outOff + (int) outTotal, kind == SUM ? 0f : Float.NaN);
            return;
        }
        boolean parallel = total >= PARALLEL_MIN && Parallel.threads() > 1;
        if (inner == 1) {
            int grain = Math.max(1, (PARALLEL_MIN / 4) / axis);
            if (parallel) {
                JOBS.get().split(outer, grain, kind, x, xOff, out, outOff, 0, axis, 1, vector);
            } else {
                rows(kind, x, xOff, out, outOff, 0, outer, axis, vector);
            }
            return;
        }
        int chunks = (inner + COLUMN_CHUNK - 1) / COLUMN_CHUNK;
        int tasks = outer * chunks;
        int perTask = axis * Math.min(inner, COLUMN_CHUNK);
        int grain = Math.max(1, (PARALLEL_MIN / 4) / perTask);
        if (parallel) {
            JOBS.get().split(tasks, grain, kind, x, xOff, out, outOff, chunks, axis, inner, vector);
        } else {
            columns(kind, x, xOff, out, outOff, 0, tasks, chunks, axis, inner, vector);
        }
    }

    private static void rows(int kind, float[] x, int xOff, float[] out, int outOff, int from, int to, int axis, boolean vector) {
        if (vector) {
            ReduceVector.rows(kind, x, xOff, out, outOff, from, to, axis);
        } else {
            ReduceScalar.rows(kind, x, xOff, out, outOff, from, to, axis);
        }
    }

    /** Tasks {@code [from, to)} of {@code outer * chunks}: task t is slab {@code t / chunks}, column chunk {@code t % chunks}. */
    private static void columns(int kind, float[] x, int xOff, float[] out, int outOff, int from, int to, int chunks, int axis,
            int inner, boolean vector) {
        for (int t = from; t < to; t++) {
            int o = t / chunks;
            int c0 = (t % chunks) * COLUMN_CHUNK;
            int width = Math.min(COLUMN_CHUNK, inner - c0);
            int xi = xOff + o * axis * inner + c0;
            int oi = outOff + o * inner + c0;
            if (vector) {
                ReduceVector.columns(kind, x, xi, out, oi, axis, inner, width);
            } else {
                ReduceScalar.columns(kind, x, xi, out, oi, axis, inner, width);
            }
        }
    }

    /**
     * One parallel call's operands: set before the split, cleared after so that no array is
     * retained. {@code chunks == 0} splits rows ({@code inner == 1}), otherwise column tasks.
     */
    private static final class Job implements Parallel.RangeBody {
        private float[] x, out;
        private int kind, xOff, outOff, chunks, axis, inner;
        private boolean vector;

        void split(int tasks, int grain, int kind, float[] x, int xOff, float[] out, int outOff, int chunks, int axis, int inner,
                boolean vector) {
            this.kind = kind;
            this.x = x;
            this.xOff = xOff;
            this.out = out;
            this.outOff = outOff;
            this.chunks = chunks;
            this.axis = axis;
            this.inner = inner;
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
                rows(kind, x, xOff, out, outOff, from, to, axis, vector);
            } else {
                columns(kind, x, xOff, out, outOff, from, to, chunks, axis, inner, vector);
            }
        }
    }
}
