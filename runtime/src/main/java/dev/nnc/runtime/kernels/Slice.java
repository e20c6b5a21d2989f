package dev.nnc.runtime.kernels;

import java.util.Objects;

/**
 * Strided N-d slice of a contiguous tensor, as {@code x[s0:e0:k0, s1:e1:k1, ...].contiguous()}:
 * {@code out[i0, i1, ...] = x[starts[0] + i0 * steps[0], starts[1] + i1 * steps[1], ...]}.
 *
 * <p>The caller normalizes: {@code starts[d]} in {@code [0, shape[d])}, {@code steps[d] >= 1},
 * and {@code outShape[d]} elements that stay in bounds. The innermost dimensions that are taken
 * whole, plus one more taken with step 1, form a contiguous run copied with
 * {@code System.arraycopy}; when even the last dimension is strided, its elements are read one by
 * one. The remaining outer dimensions are walked with an odometer, split over threads when the
 * slice is large. {@code out} must not overlap {@code x}.
 */
public final class Slice {
    /** Below this many elements a call stays on the calling thread. */
    static final int PARALLEL_MIN = 1 << 16;

    /** Per-thread scratch: input strides of the calling thread, counters of whichever thread runs a block. */
    private static final ThreadLocal<int[][]> STRIDES = ThreadLocal.withInitial(() -> new int[][] {new int[16]});
    private static final ThreadLocal<int[][]> COUNTERS = ThreadLocal.withInitial(() -> new int[][] {new int[8]});
    /** The calling thread's reusable job, so that splitting a call over the pool allocates nothing. */
    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    private Slice() {}

    /** Copies the slice of {@code x} described by {@code starts}, {@code steps}, {@code outShape} into {@code out}. */
    public static void slice(float[] x, int xOff, int[] shape, int[] starts, int[] steps, int[] outShape, float[] out, int outOff) {
        int n = shape.length;
        if (starts.length != n || steps.length != n || outShape.length != n) {
            throw new IllegalArgumentException("rank mismatch: shape " + n + ", starts " + starts.length + ", steps "
                    + steps.length + ", outShape " + outShape.length);
        }
        long inTotal = 1;
        long outTotal = 1;
        for (int d = 0; d < n; d++) {
            if (shape[d] < 0 || outShape[d] < 0) {
                throw new IllegalArgumentException("negative dimension at " + d);
            }
            inTotal *= shape[d];
            outTotal *= outShape[d];
            if (inTotal > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor too large");
            }
        }
        Objects.checkFromIndexSize(xOff, (int) inTotal, x.length);
        Objects.checkFromIndexSize(outOff, (int) outTotal, out.length);
        if (outTotal == 0) {
            return;
        }
        for (int d = 0; d < n; d++) {
            long last = starts[d] + (long) (outShape[d] - 1) * steps[d];
            if (steps[d] < 1 || starts[d] < 0 || last >= shape[d]) {
                throw new IllegalArgumentException("slice of dim " + d + " (size " + shape[d] + ") out of bounds: start "
                        + starts[d] + ", step " + steps[d] + ", " + outShape[d] + " elements");
            }
        }

        int[][] holder = STRIDES.get();
        if (holder[0].length < n) {
            holder[0] = new int[n];
        }
        // s[d] = steps[d] * stride(d): how far one step of output index d moves in x.
        int[] s = holder[0];
        int base = 0;
        int stride = 1;
        for (int d = n - 1; d >= 0; d--) {
            s[d] = steps[d] * stride;
            base += starts[d] * stride;
            stride *= shape[d];
        }

        // Contiguous run: trailing whole dimensions, then one more taken with step 1.
        int d = n - 1;
        int run = 1;
        while (d >= 0 && outShape[d] == shape[d] && (steps[d] == 1 || shape[d] == 1)) {
            run *= shape[d];
            d--;
        }
        if (d >= 0 && (steps[d] == 1 || outShape[d] == 1)) {
            run *= outShape[d];
            d--;
        }
        int unitLen;
        int unitStep;
        if (run > 1 || d < 0) {
            unitLen = run;
            unitStep = 1;
        } else {
            // Only size-1 dimensions behind d: its elements are the unit, read with its stride.
            unitLen = outShape[d];
            unitStep = s[d];
            d--;
        }
        int dims = d + 1;
        int units = (int) (outTotal / unitLen);
        int xBase = xOff + base;
        if (outTotal >= PARALLEL_MIN && Parallel.threads() > 1) {
            int grain = Math.max(1, (PARALLEL_MIN / 4) / unitLen);
            JOBS.get().split(units, grain, x, xBase, out, outOff, outShape, s, n, dims, unitLen, unitStep);
        } else {
            units(x, xBase, out, outOff, outShape, s, n, dims, unitLen, unitStep, 0, units);
        }
    }

    /** Output units {@code [from, to)}; the odometer runs over dims {@code [0, dims)}. */
    private static void units(float[] x, int xBase, float[] out, int outOff, int[] outShape, int[] s, int n, int dims,
            int unitLen, int unitStep, int from, int to) {
        int[][] holder = COUNTERS.get();
        if (holder[0].length < n) {
            holder[0] = new int[n];
        }
        int[] cnt = holder[0];
        int src = 0;
        int rest = from;
        for (int d = dims - 1; d >= 0; d--) {
            cnt[d] = rest % outShape[d];
            rest /= outShape[d];
            src += cnt[d] * s[d];
        }
        for (int u = from; u < to; u++) {
            int o = outOff + u * unitLen;
            if (unitStep == 1) {
                System.arraycopy(x, xBase + src, out, o, unitLen);
            } else {
                int xi = xBase + src;
                for (int i = 0; i < unitLen; i++) {
                    out[o + i] = x[xi + i * unitStep];
                }
            }
            for (int d = dims - 1; d >= 0; d--) {
                src += s[d];
                if (++cnt[d] < outShape[d]) {
                    break;
                }
                src -= cnt[d] * s[d];
                cnt[d] = 0;
            }
        }
    }

    /** One parallel call's operands: set before the split, cleared after so that no array is retained. */
    private static final class Job implements Parallel.RangeBody {
        private float[] x, out;
        private int[] outShape, s;
        private int xBase, outOff, n, dims, unitLen, unitStep;

        void split(int units, int grain, float[] x, int xBase, float[] out, int outOff, int[] outShape, int[] s, int n, int dims,
                int unitLen, int unitStep) {
            this.x = x;
            this.xBase = xBase;
            this.out = out;
            this.outOff = outOff;
            this.outShape = outShape;
            this.s = s;
            this.n = n;
            this.dims = dims;
            this.unitLen = unitLen;
            this.unitStep = unitStep;
            try {
                Parallel.forBlocks(units, grain, this);
            } finally {
                this.x = null;
                this.out = null;
                this.outShape = null;
                this.s = null;
            }
        }

        @Override
        public void run(int from, int to) {
            units(x, xBase, out, outOff, outShape, s, n, dims, unitLen, unitStep, from, to);
        }
    }
}
