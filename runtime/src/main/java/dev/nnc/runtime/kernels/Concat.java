package dev.nnc.runtime.kernels;

import java.util.Objects;

/**
 * Concatenation along one axis, as {@code torch.cat}: input i viewed as
 * {@code [outer, axisLens[i], inner]}, the output as {@code [outer, sum(axisLens), inner]}.
 *
 * <p>Each (outer index, input) pair is one contiguous run, copied with {@code System.arraycopy};
 * the outer dimension is split over threads when the output is large. The output must not
 * overlap any input.
 */
public final class Concat {
    /** Below this many elements a call stays on the calling thread. */
    static final int PARALLEL_MIN = 1 << 16;

    /** The calling thread's reusable job, so that splitting a call over the pool allocates nothing. */
    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    private Concat() {}

    /** Concatenates the first {@code count} of {@code xs} (at {@code xOffs}) along the middle axis into {@code out}. */
    public static void concat(float[][] xs, int[] xOffs, int[] axisLens, int count, int outer, int inner, float[] out, int outOff) {
        if (count < 0 || count > xs.length || count > xOffs.length || count > axisLens.length) {
            throw new IllegalArgumentException("count " + count + " exceeds the inputs given");
        }
        if (outer < 0 || inner < 0) {
            throw new IllegalArgumentException("negative extent: outer=" + outer + " inner=" + inner);
        }
        long axisTotal = 0;
        for (int i = 0; i < count; i++) {
            if (axisLens[i] < 0) {
                throw new IllegalArgumentException("negative axis length " + axisLens[i] + " for input " + i);
            }
            long size = (long) outer * axisLens[i] * inner;
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("input " + i + " too large");
            }
            Objects.checkFromIndexSize(xOffs[i], (int) size, xs[i].length);
            axisTotal += axisLens[i];
        }
        long outTotal = outer * axisTotal * inner;
        if (outTotal > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("output too large");
        }
        Objects.checkFromIndexSize(outOff, (int) outTotal, out.length);
        if (outTotal == 0) {
            return;
        }
        int outRow = (int) (axisTotal * inner);
        if (outTotal >= PARALLEL_MIN && Parallel.threads() > 1) {
            int grain = Math.max(1, (PARALLEL_MIN / 4) / outRow);
            JOBS.get().split(outer, grain, xs, xOffs, axisLens, count, inner, out, outOff, outRow);
        } else {
            rows(xs, xOffs, axisLens, count, inner, out, outOff, outRow, 0, outer);
        }
    }

    /** Output slabs {@code [from, to)} of the outer dimension, each {@code outRow} elements. */
    private static void rows(float[][] xs, int[] xOffs, int[] axisLens, int count, int inner, float[] out, int outOff, int outRow,
            int from, int to) {
        for (int o = from; o < to; o++) {
            int dst = outOff + o * outRow;
            for (int i = 0; i < count; i++) {
                int len = axisLens[i] * inner;
                System.arraycopy(xs[i], xOffs[i] + o * len, out, dst, len);
                dst += len;
            }
        }
    }

    /** One parallel call's operands: set before the split, cleared after so that no array is retained. */
    private static final class Job implements Parallel.RangeBody {
        private float[][] xs;
        private int[] xOffs, axisLens;
        private float[] out;
        private int count, inner, outOff, outRow;

        void split(int outer, int grain, float[][] xs, int[] xOffs, int[] axisLens, int count, int inner, float[] out, int outOff,
                int outRow) {
            this.xs = xs;
            this.xOffs = xOffs;
            this.axisLens = axisLens;
            this.count = count;
            this.inner = inner;
            this.out = out;
            this.outOff = outOff;
            this.outRow = outRow;
            try {
                Parallel.forBlocks(outer, grain, this);
            } finally {
                this.xs = null;
                this.xOffs = null;
                this.axisLens = null;
                this.out = null;
            }
        }

        @Override
        public void run(int from, int to) {
            rows(xs, xOffs, axisLens, count, inner, out, outOff, outRow, from, to);
        }
    }
}
