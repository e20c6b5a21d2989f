package dev.nnc.runtime.kernels;

import java.util.Objects;

/**
 * General N-d permutation of a contiguous tensor, as {@code torch.permute(x, perm).contiguous()}:
 * output dimension {@code i} is input dimension {@code perm[i]}.
 *
 * <p>The permutation is first reduced to a canonical form: size-1 dimensions are dropped and
 * input dimensions that stay adjacent and in order are merged ({@code [N, C, H, W] -> [N, H, W, C]}
 * becomes {@code [N, C, HW] -> [N, HW, C]}). Then one of four loops runs:
 * <ul>
 *   <li>identity: one {@code System.arraycopy};</li>
 *   <li>last dimension kept: row copies with {@code System.arraycopy};</li>
 *   <li>the last two swapped behind batch dimensions ({@code [B, R, C] -> [B, C, R]}): a 2-D
 *       transpose in {@value #TILE}×{@value #TILE} tiles;</li>
 *   <li>anything else: output in order, input read with the stride of the last output dimension.</li>
 * </ul>
 * Scratch (the canonical form, loop counters) is per thread and reused, so steady-state calls
 * allocate nothing, also when split over threads (the task is a reused per-thread job). {@code out} must not overlap {@code x}.
 */
public final class Transpose {
    /** Below this many elements a call stays on the calling thread. */
    static final int PARALLEL_MIN = 1 << 16;
    static final int TILE = 16;

    // Slots of the planning scratch, each n ints long.
    private static final int MAP = 0;
    private static final int ORDER = 1;
    private static final int LEADER = 2;
    private static final int IN_SIZE = 3;
    private static final int OUT_PERM = 4;
    private static final int OUT_SIZE = 5;
    private static final int SRC_STRIDE = 6;
    private static final int SLOTS = 7;

    /** Planning scratch of the calling thread: {@link #SLOTS} int arrays of length rank, packed. */
    private static final ThreadLocal<int[][]> PLAN = ThreadLocal.withInitial(() -> new int[][] {new int[SLOTS * 8]});
    /** Loop counters of whichever thread runs a block; separate from PLAN, which a block only reads. */
    private static final ThreadLocal<int[][]> COUNTERS = ThreadLocal.withInitial(() -> new int[][] {new int[8]});
    /** The calling thread's reusable job, so that splitting a call over the pool allocates nothing. */
    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    private Transpose() {}

    /** Writes the permutation of {@code x} (shape {@code shape}) into {@code out}. */
    public static void transpose(float[] x, int xOff, int[] shape, int[] perm, float[] out, int outOff) {
        int n = shape.length;
        if (perm.length != n) {
            throw new IllegalArgumentException("perm has " + perm.length + " entries for a rank-" + n + " tensor");
        }
        if (n > 64) {
            throw new IllegalArgumentException("rank " + n + " is above the supported 64");
        }
        long seen = 0;
        long total = 1;
        for (int d = 0; d < n; d++) {
            int p = perm[d];
            if (p < 0 || p >= n || (seen & (1L << p)) != 0) {
                throw new IllegalArgumentException("perm is not a permutation of 0.." + (n - 1) + ": entry " + d + " is " + p);
            }
            seen |= 1L << p;
            if (shape[d] < 0) {
                throw new IllegalArgumentException("negative dimension " + shape[d] + " at " + d);
            }
            total *= shape[d];
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor too large");
            }
        }
        int size = (int) total;
        Objects.checkFromIndexSize(xOff, size, x.length);
        Objects.checkFromIndexSize(outOff, size, out.length);
        if (size == 0) {
            return;
        }

        int[][] holder = PLAN.get();
        if (holder[0].length < SLOTS * n) {
            holder[0] = new int[SLOTS * n];
        }
        int[] p = holder[0];
        int r = canonicalize(shape, perm, n, p);
        if (r <= 1) {
            System.arraycopy(x, xOff, out, outOff, size);
            return;
        }
        int inSize = IN_SIZE * n;
        int outPerm = OUT_PERM * n;
        int outSize = OUT_SIZE * n;
        int srcStride = SRC_STRIDE * n;
        // Input strides in input order go to SRC_STRIDE temporarily, then are permuted in place via MAP.
        int stride = 1;
        for (int d = r - 1; d >= 0; d--) {
            p[MAP * n + d] = stride;
            stride *= p[inSize + d];
        }
        for (int j = 0; j < r; j++) {
            p[outSize + j] = p[inSize + p[outPerm + j]];
            p[srcStride + j] = p[MAP * n + p[outPerm + j]];
        }

        boolean parallel = size >= PARALLEL_MIN && Parallel.threads() > 1;
        if (p[outPerm + r - 1] == r - 1) {
            int rowLen = p[outSize + r - 1];
            int rows = size / rowLen;
            int grain = Math.max(1, (PARALLEL_MIN / 4) / rowLen);
            if (parallel) {
                JOBS.get().split(Job.COPY_ROWS, rows, grain, x, xOff, out, outOff, p, outSize, srcStride, r, rowLen, 0, 0, 0);
            } else {
                copyRows(x, xOff, out, outOff, p, outSize, srcStride, r, rowLen, 0, rows);
            }
        } else if (r == 2 || (r == 3 && p[outPerm] == 0)) {
            // [B, R, C] -> [B, C, R]; with r == 2, B == 1.
            int batch = r == 3 ? p[inSize] : 1;
            int rowsIn = p[inSize + r - 2];
            int colsIn = p[inSize + r - 1];
            int strips = (rowsIn + TILE - 1) / TILE;
            int tasks = batch * strips;
            int grain = Math.max(1, (PARALLEL_MIN / 4) / (TILE * colsIn));
            if (parallel) {
                JOBS.get().split(Job.TILES, tasks, grain, x, xOff, out, outOff, null, 0, 0, 0, 0, rowsIn, colsIn, strips);
            } else {
                tiles(x, xOff, out, outOff, rowsIn, colsIn, strips, 0, tasks);
            }
        } else {
            int rowLen = p[outSize + r - 1];
            int rows = size / rowLen;
            int grain = Math.max(1, (PARALLEL_MIN / 4) / rowLen);
            if (parallel) {
                JOBS.get().split(Job.GATHER_ROWS, rows, grain, x, xOff, out, outOff, p, outSize, srcStride, r, rowLen, 0, 0, 0);
            } else {
                gatherRows(x, xOff, out, outOff, p, outSize, srcStride, r, rowLen, 0, rows);
            }
        }
    }

    /**
     * Drops size-1 dimensions and merges runs of input dimensions that stay adjacent in the output.
     * Leaves the canonical rank-r form in {@code p}: {@code IN_SIZE} (sizes in input order) and
     * {@code OUT_PERM} (output j = canonical input {@code OUT_PERM[j]}). Returns r.
     */
    static int canonicalize(int[] shape, int[] perm, int n, int[] p) {
        int map = MAP * n;
        int order = ORDER * n;
        int leader = LEADER * n;
        int inSize = IN_SIZE * n;
        int outPerm = OUT_PERM * n;
        int m = 0;
        for (int d = 0; d < n; d++) {
            p[map + d] = shape[d] == 1 ? -1 : m++;
        }
        int k = 0;
        for (int i = 0; i < n; i++) {
            int c = p[map + perm[i]];
            if (c >= 0) {
                p[order + k++] = c;
            }
        }
        // Compact sizes go to OUT_SIZE's slot for the moment.
        int compactSize = OUT_SIZE * n;
        for (int d = 0; d < n; d++) {
            if (p[map + d] >= 0) {
                p[compactSize + p[map + d]] = shape[d];
            }
        }
        // A run of the output order is a merged dimension; its first input dim is the leader.
        for (int c = 0; c < m; c++) {
            p[leader + c] = -1;
        }
        int groups = 0;
        for (int i = 0; i < m; i++) {
            if (i == 0 || p[order + i] != p[order + i - 1] + 1) {
                p[leader + p[order + i]] = 0;
                groups++;
            }
        }
        // Leaders ranked in input order give the canonical input dimension of each run.
        int rank = 0;
        for (int c = 0; c < m; c++) {
            if (p[leader + c] >= 0) {
                p[leader + c] = rank++;
            }
        }
        int j = -1;
        for (int i = 0; i < m; i++) {
            int c = p[order + i];
            if (i == 0 || c != p[order + i - 1] + 1) {
                j++;
                int g = p[leader + c];
                p[outPerm + j] = g;
                p[inSize + g] = p[compactSize + c];
            } else {
                p[inSize + p[outPerm + j]] *= p[compactSize + c];
            }
        }
        return groups;
    }

    /** Output rows {@code [from, to)} of length {@code rowLen}, each copied from one contiguous input run. */
    private static void copyRows(float[] x, int xOff, float[] out, int outOff, int[] p, int outSize, int srcStride, int r,
            int rowLen, int from, int to) {
        int[] cnt = counters(r);
        int src = start(p, outSize, srcStride, r - 1, from, cnt);
        for (int row = from; row < to; row++) {
            System.arraycopy(x, xOff + src, out, outOff + row * rowLen, rowLen);
            src = next(p, outSize, srcStride, r - 1, cnt, src);
        }
    }

    /** Output rows {@code [from, to)} of length {@code rowLen}, each read with the last output dimension's input stride. */
    private static void gatherRows(float[] x, int xOff, float[] out, int outOff, int[] p, int outSize, int srcStride, int r,
            int rowLen, int from, int to) {
        int[] cnt = counters(r);
        int step = p[srcStride + r - 1];
        int src = start(p, outSize, srcStride, r - 1, from, cnt);
        for (int row = from; row < to; row++) {
            int o = outOff + row * rowLen;
            int s = xOff + src;
            for (int i = 0; i < rowLen; i++) {
                out[o + i] = x[s + i * step];
            }
            src = next(p, outSize, srcStride, r - 1, cnt, src);
        }
    }

    /** Sets counters of dims {@code [0, dims)} to the position of output row {@code row}; returns its input offset. */
    private static int start(int[] p, int outSize, int srcStride, int dims, int row, int[] cnt) {
        int src = 0;
        for (int d = dims - 1; d >= 0; d--) {
            int size = p[outSize + d];
            cnt[d] = row % size;
            row /= size;
            src += cnt[d] * p[srcStride + d];
        }
        return src;
    }

    /** Advances the odometer over dims {@code [0, dims)} by one; returns the new input offset. */
    private static int next(int[] p, int outSize, int srcStride, int dims, int[] cnt, int src) {
        for (int d = dims - 1; d >= 0; d--) {
            src += p[srcStride + d];
            if (++cnt[d] < p[outSize + d]) {
                return src;
            }
            src -= cnt[d] * p[srcStride + d];
            cnt[d] = 0;
        }
        return src;
    }

    private static int[] counters(int n) {
        int[][] holder = COUNTERS.get();
        if (holder[0].length < n) {
            holder[0] = new int[n];
        }
        return holder[0];
    }

    /**
     * Tasks {@code [from, to)} of {@code batch * strips}: task t transposes input rows
     * {@code [TILE * (t % strips), +TILE)} of matrix {@code t / strips}, tile by tile.
     */
    static void tiles(float[] x, int xOff, float[] out, int outOff, int rows, int cols, int strips, int from, int to) {
        int matrix = rows * cols;
        for (int t = from; t < to; t++) {
            int b = t / strips;
            int r0 = (t % strips) * TILE;
            int r1 = Math.min(rows, r0 + TILE);
            int xb = xOff + b * matrix;
            int ob = outOff + b * matrix;
            for (int c0 = 0; c0 < cols; c0 += TILE) {
                int c1 = Math.min(cols, c0 + TILE);
                for (int c = c0; c < c1; c++) {
                    int o = ob + c * rows;
                    for (int r = r0; r < r1; r++) {
                        out[o + r] = x[xb + r * cols + c];
                    }
                }
            }
        }
    }

    /**
     * One parallel call's operands: set before the split, cleared after so that no array is
     * retained. {@code loop} picks the row copy, the row gather (both use the plan {@code p}) or
     * the tiled 2-D transpose (which uses {@code rows}, {@code cols}, {@code strips}).
     */
    private static final class Job implements Parallel.RangeBody {
        static final int COPY_ROWS = 0;
        static final int GATHER_ROWS = 1;
        static final int TILES = 2;

        private int loop;
        private float[] x, out;
        private int[] p;
        private int xOff, outOff, outSize, srcStride, r, rowLen, rows, cols, strips;

        void split(int loop, int count, int grain, float[] x, int xOff, float[] out, int outOff, int[] p, int outSize,
                int srcStride, int r, int rowLen, int rows, int cols, int strips) {
            this.loop = loop;
            this.x = x;
            this.xOff = xOff;
            this.out = out;
            this.outOff = outOff;
            this.p = p;
            this.outSize = outSize;
            this.srcStride = srcStride;
            this.r = r;
            this.rowLen = rowLen;
            this.rows = rows;
            this.cols = cols;
            this.strips = strips;
            try {
                Parallel.forBlocks(count, grain, this);
            } finally {
                this.x = null;
                this.out = null;
                this.p = null;
            }
        }

        @Override
        public void run(int from, int to) {
            switch (loop) {
                case COPY_ROWS -> copyRows(x, xOff, out, outOff, p, outSize, srcStride, r, rowLen, from, to);
                case GATHER_ROWS -> gatherRows(x, xOff, out, outOff, p, outSize, srcStride, r, rowLen, from, to);
                default -> tiles(x, xOff, out, outOff, rows, cols, strips, from, to);
            }
        }
    }
}
