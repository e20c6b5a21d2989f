package dev.nnc.runtime.kernels;

import java.util.Objects;

/**
 * Gather along one axis, as {@code torch.index_select(data, dim, idx)} (and ONNX {@code Gather}
 * with 1-D indices): data viewed as {@code [outer, axisLen, inner]}, out as
 * {@code [outer, count, inner]} with {@code out[o, j, :] = data[o, idx[j], :]}.
 *
 * <p>Negative indices count from the end. Every index is checked before anything is written;
 * one outside {@code [-axisLen, axisLen)} is bad input data and throws
 * {@link dev.nnc.runtime.InputMismatchException}. Rows of
 * {@code inner} elements are copied with {@code System.arraycopy}, split over threads by
 * {@code outer * count} rows when the output is large. {@code out} must not overlap {@code data}.
 */
public final class Gather {
    /** Below this many elements a call stays on the calling thread. */
    static final int PARALLEL_MIN = 1 << 16;

    /** The calling thread's reusable job, so that splitting a call over the pool allocates nothing. */
    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    private Gather() {}

    /** Gathers {@code count} slices {@code indices[iOff ..]} of the middle axis of {@code data}. */
    public static void gather(float[] data, int dOff, int outer, int axisLen, int inner, long[] indices, int iOff, int count,
            float[] out, int outOff) {
        if (outer < 0 || axisLen < 0 || inner < 0 || count < 0) {
            throw new IllegalArgumentException("negative extent: outer=" + outer + " axisLen=" + axisLen + " inner=" + inner
                    + " count=" + count);
        }
        long inTotal = (long) outer * axisLen * inner;
        long outTotal = (long) outer * count * inner;
        if (inTotal > Integer.MAX_VALUE || outTotal > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor too large");
        }
        Objects.checkFromIndexSize(dOff, (int) inTotal, data.length);
        Objects.checkFromIndexSize(iOff, count, indices.length);
        Objects.checkFromIndexSize(outOff, (int) outTotal, out.length);
        for (int j = 0; j < count; j++) {
            long idx = indices[iOff + j];
            if (idx < -axisLen || idx >= axisLen) {
                throw new dev.nnc.runtime.InputMismatchException("gather index " + idx + " (position " + j + ") is out of range for an axis of length "
                        + axisLen + "; valid range is [" + -axisLen + ", " + (axisLen - 1) + "]");
            }
        }
        if (outTotal == 0) {
            return;
        }
        int rows = outer * count;
        if (outTotal >= PARALLEL_MIN && Parallel.threads() > 1) {
            int grain = Math.max(1, (PARALLEL_MIN / 4) / inner);
            JOBS.get().split(rows, grain, data, dOff, axisLen, inner, indices, iOff, count, out, outOff);
        } else {
            rows(data, dOff, axisLen, inner, indices, iOff, count, out, outOff, 0, rows);
        }
    }

    /** Output rows {@code [from, to)}: row t is {@code out[t / count, t % count, :]}. */
    private static void rows(float[] data, int dOff, int axisLen, int inner, long[] indices, int iOff, int count,
            float[] out, int outOff, int from, int to) {
        for (int t = from; t < to; t++) {
            int o = t / count;
            int idx = (int) indices[iOff + t % count];
            if (idx < 0) {
                idx += axisLen;
            }
            int src = dOff + (o * axisLen + idx) * inner;
            int dst = outOff + t * inner;
            if (inner == 1) {
                out[dst] = data[src];
            } else {
                System.arraycopy(data, src, out, dst, inner);
            }
        }
    }

    /** One parallel call's operands: set before the split, cleared after so that no array is retained. */
    private static final class Job implements Parallel.RangeBody {
        private float[] data, out;
        private long[] indices;
        private int dOff, axisLen, inner, iOff, count, outOff;

        void split(int rows, int grain, float[] data, int dOff, int axisLen, int inner, long[] indices, int iOff, int count,
                float[] out, int outOff) {
            this.data = data;
            this.dOff = dOff;
            this.axisLen = axisLen;
            this.inner = inner;
            this.indices = indices;
            this.iOff = iOff;
            this.count = count;
            this.out = out;
            this.outOff = outOff;
            try {
                Parallel.forBlocks(rows, grain, this);
            } finally {
                this.data = null;
                this.indices = null;
                this.out = null;
            }
        }

        @Override
        public void run(int from, int to) {
            rows(data, dOff, axisLen, inner, indices, iOff, count, out, outOff, from, to);
        }
    }
}
