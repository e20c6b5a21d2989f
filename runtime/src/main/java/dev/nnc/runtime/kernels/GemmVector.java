package dev.nnc.runtime.kernels;

import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static dev.nnc.runtime.kernels.PackedMatrix.MR;
import static dev.nnc.runtime.kernels.PackedMatrix.NR;

/**
 * The Vector API GEMM: BLIS-style blocking around a register-blocked micro-kernel.
 *
 * <p>Loop nest, outermost first: column blocks of B (packed per call, or prepacked at load);
 * tasks of (MC rows x some B panels) spread over {@link Parallel}, rows first so that each task
 * packs only its own rows of A; inside a task, for each k slice (one slice up to k = 4096), pack
 * the task's rows of A into MR-row panels (L2), then for each B panel (streamed from L2/L3, reused
 * by every A panel of the task) run the micro-kernel over the A panels. The micro-kernel holds an
 * MR x NR tile of C (8 x 32 = 16 vectors) in registers and does one broadcast of A and two loads
 * of B per 16 FMAs (8 x 32 measured best of 4/6/8/12/14 x 32: 4 rows are load-bound, 14 rows
 * spill).
 *
 * <p>Edges: A panels shorter than MR use kernels with fewer rows; a last B panel of at most 16
 * columns uses the one-vector kernels; a tile wider than the columns left is computed into
 * scratch and copied out.
 *
 * <p>Only loaded when {@link VectorSupport#available()}; requires 16-lane float vectors.
 */
final class GemmVector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;

    /**
     * Deepest k slice. One pass over k is worth more than an L1-resident B panel here: every
     * extra pass reloads and rewrites the C tile, whose rows are a stride apart and miss the
     * caches (1024^3: 174 GFLOP/s at KC 256, 232 at one pass). At 4096 a B panel is 512 KiB
     * and stays in L2.
     */
    static final int KC = 4096;
    /** A panels per task block are sized to about 256 KiB of L2 (MC x kc floats), at most 128 rows. */
    private static final int A_BLOCK = 1 << 16;
    private static final int MC_MAX = 128;
    /** Floats of B packed per column block of an unpacked GEMM (8 MiB). */
    private static final int B_BLOCK = 1 << 21;

    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    private GemmVector() {}

    /** C = op(A) · B (+ bias) (relu) with B prepacked into B panels. */
    static void matmul(float[] a, int aOff, int lda, boolean transA, PackedMatrix b,
                       float[] c, int cOff, int ldc, int m, float[] bias, int biasOff, boolean relu) {
        Job job = JOBS.get();
        job.compute(a, aOff, lda, transA, b.data, 0, b.rows, b.cols, c, cOff, ldc, m, bias, biasOff, relu);
    }

    /** C = op(A) · op(B) (+ bias) (relu): packs B by column blocks into the caller's scratch. */
    static void matmul(float[] a, int aOff, int lda, boolean transA, float[] b, int bOff, int ldb, boolean transB,
                       float[] c, int cOff, int ldc, int m, int n, int k, float[] bias, int biasOff, boolean relu) {
        Job job = JOBS.get();
        int blockCols = Math.max(NR, B_BLOCK / Math.max(k, 1) / NR * NR);
        float[] packed = GemmScratch.get().sharedB(PackedMatrix.bPanelsSize(k, Math.min(n, blockCols)));
        for (int j0 = 0; j0 < n; j0 += blockCols) {
            int cols = Math.min(blockCols, n - j0);
            job.packB(b, bOff, ldb, transB, k, j0, j0 + cols, packed, (long) m * cols * k);
            job.compute(a, aOff, lda, transA, packed, 0, k, cols, c, cOff + j0, ldc, m,
                    bias, bias == null ? 0 : biasOff + j0, relu);
        }
    }

    /**
     * Macro-kernel: C[m x n] (+)= A panels · B panels over a k slice of depth kc.
     *
     * @param aOff         start of the first A panel's slice; panel i at {@code aOff + i * aPanelStride}
     * @param bOff         start of the first B panel; panel j at {@code bOff + j * bPanelStride}
     * @param bRow0        first row of the slice inside each B panel (rows are one panel width apart)
     * @param acc          add to C (later k slices) instead of overwriting it with the bias
     * @param rowBias      bias holds one value per row of C (convolution) instead of per column
     * @param relu         clamp at zero (only on the last k slice)
     */
    static void macro(int m, int n, int kc, float[] a, int aOff, int aPanelStride,
                      float[] b, int bOff, int bPanelStride, int bRow0,
                      float[] c, int cOff, int ldc, boolean acc, float[] bias, int biasOff, boolean rowBias,
                      boolean relu, float[] tile) {
        for (int j = 0; j < n; j += NR) {
            int width = PackedMatrix.panelWidth(j, n);
            int cols = Math.min(width, n - j);
            int bo = bOff + (j / NR) * bPanelStride + bRow0 * width;
            for (int i = 0, ao = aOff; i < m; i += MR, ao += aPanelStride) {
                int rows = Math.min(MR, m - i);
                int co = cOff + i * ldc + j;
                int bb = rowBias ? biasOff + i : biasOff + j;
                if (cols == width) {
                    if (width == NR) {
                        kernel32(rows, kc, a, ao, b, bo, width, c, co, ldc, acc, bias, bb, rowBias, relu);
                    } else {
                        kernel16(rows, kc, a, ao, b, bo, width, c, co, ldc, acc, bias, bb, rowBias, relu);
                    }
                } else {
                    if (width == NR) {
                        kernel32(rows, kc, a, ao, b, bo, width, tile, 0, NR, false, null, 0, false, false);
                    } else {
                        kernel16(rows, kc, a, ao, b, bo, width, tile, 0, NR, false, null, 0, false, false);
                    }
                    merge(tile, rows, cols, c, co, ldc, acc, bias, bb, rowBias, relu);
                }
            }
        }
    }

    /** Copies the valid part of a scratch tile into C with the epilogue the kernel would apply. */
    private static void merge(float[] tile, int rows, int cols, float[] c, int co, int ldc,
                              boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        for (int r = 0; r < rows; r++) {
            int row = co + r * ldc;
            for (int j = 0; j < cols; j++) {
                float v = tile[r * NR + j];
                if (acc) {
                    v += c[row + j];
                } else if (bias != null) {
                    v += bias[rowBias ? biasOff + r : biasOff + j];
                }
                c[row + j] = relu ? Math.max(v, 0f) : v;
            }
        }
    }

    /**
     * One GEMM call's parameters, reused per calling thread so that splitting the work over the
     * pool allocates nothing. {@link #accept} runs one task: packing a range of B panels, or
     * computing one block of C.
     */
    private static final class Job implements IntConsumer {
        private boolean packing;
        // operands
        private float[] a, b, c, bias;
        private int aOff, lda, bOff, ldb, cOff, ldc, biasOff;
        private boolean transA, transB, relu;
        private int m, n, k;
        private float[] bPacked;
        private int bPackedOff;
        // partition
        private int mc, mBlocks, panelsPerTask, nSplit, kBlocks, j0, j1;

        void packB(float[] b, int bOff, int ldb, boolean transB, int k, int j0, int j1, float[] dst, long work) {
            int panels = PackedMatrix.panelCount(j1 - j0);
            int tasks = work < Gemm.PARALLEL_MIN ? 1 : Math.min(panels, Parallel.threads());
            this.packing = true;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.transB = transB;
            this.k = k;
            this.j0 = j0;
            this.j1 = j1;
            this.bPacked = dst;
            this.panelsPerTask = (panels + tasks - 1) / tasks;
            run((panels + panelsPerTask - 1) / panelsPerTask);
            this.b = null;
        }

        void compute(float[] a, int aOff, int lda, boolean transA, float[] bPacked, int bPackedOff, int k, int n,
                     float[] c, int cOff, int ldc, int m, float[] bias, int biasOff, boolean relu) {
            this.packing = false;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.transA = transA;
            this.bPacked = bPacked;
            this.bPackedOff = bPackedOff;
            this.k = k;
            this.n = n;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.m = m;
            this.bias = bias;
            this.biasOff = biasOff;
            this.relu = relu;
            kBlocks = (k + KC - 1) / KC;
            int kcMax = (k + kBlocks - 1) / kBlocks;
            int mcMax = Math.max(MR, Math.min(MC_MAX, A_BLOCK / kcMax / MR * MR));
            long work = (long) m * n * k;
            int threads = work < Gemm.PARALLEL_MIN ? 1 : Parallel.threads();
            // Split rows first: a task packs only its own rows of A. Columns are split as well
            // only when there are too few row blocks for about four tasks per thread.
            int target = threads == 1 ? 1 : 4 * threads;
            mc = RowBlocks.rows(m, mcMax, target, MR, threads);
            mBlocks = (m + mc - 1) / mc;
            int panels = PackedMatrix.panelCount(n);
            nSplit = 1;
            if (mBlocks < target) {
                nSplit = Math.min(panels, (target + mBlocks - 1) / mBlocks);
            }
            panelsPerTask = (panels + nSplit - 1) / nSplit;
            nSplit = (panels + panelsPerTask - 1) / panelsPerTask;
            if (threads == 1) {
                for (int t = 0, tasks = mBlocks * nSplit; t < tasks; t++) {
                    accept(t);
                }
            } else {
                run(mBlocks * nSplit);
            }
            this.a = null;
            this.c = null;
            this.bias = null;
            this.bPacked = null;
        }

        private void run(int tasks) {
            Parallel.forRange(tasks, this);
        }

        @Override
        public void accept(int t) {
            if (packing) {
                int from = j0 + t * panelsPerTask * NR;
                int to = Math.min(j1, from + panelsPerTask * NR);
                copyBPanels(b, bOff, ldb, transB, k, from, to, bPacked, (from - j0) * k);
                return;
            }
            int i0 = (t / nSplit) * mc;
            int i1 = Math.min(m, i0 + mc);
            int jp0 = (t % nSplit) * panelsPerTask;
            int col0 = jp0 * NR;
            int cols = Math.min(n, col0 + panelsPerTask * NR) - col0;
            GemmScratch scratch = GemmScratch.get();
            int kcMax = (k + kBlocks - 1) / kBlocks;
            float[] ap = scratch.a(roundUp(mc, MR) * kcMax);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                PackedMatrix.packAPanels(a, aOff, lda, transA, i0, i1, pc, kc, ap, 0, kc);
                macro(i1 - i0, cols, kc, ap, 0, MR * kc,
                        bPacked, bPackedOff + jp0 * NR * k, NR * k, pc,
                        c, cOff + i0 * ldc + col0, ldc, pc > 0, bias, biasOff + col0, false, relu && pc + kc >= k,
                        scratch.tile);
            }
        }
    }

    /**
     * {@link PackedMatrix#packBPanels} for a whole column range of height k, copying a row of a
     * full panel as two vectors (System.arraycopy costs more than the copy at 32 floats).
     */
    private static void copyBPanels(float[] b, int bOff, int ldb, boolean transB, int k, int j0, int j1,
                              float[] dst, int dstOff) {
        int full = transB ? 0 : (j1 - j0) / NR * NR;
        if (full > 0) {
            for (int p = 0; p < k; p++) {
                int src = bOff + p * ldb + j0;
                for (int j = 0, d = dstOff + p * NR; j < full; j += NR, d += NR * k) {
                    FloatVector.fromArray(F, b, src + j).intoArray(dst, d);
                    FloatVector.fromArray(F, b, src + j + 16).intoArray(dst, d + 16);
                }
            }
        }
        if (j0 + full < j1) {
            PackedMatrix.packBPanels(b, bOff, ldb, transB, 0, k, j0 + full, j1, dst, dstOff + full * k, k);
        }
    }

    static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    // ---- micro-kernels -------------------------------------------------------------------------
    // Generated by unrolling: one per (rows, vectors), accumulators in locals so that C2 keeps
    // them in registers. The epilogue is spelled out in each kernel rather than calling a helper:
    // a helper taking a vector is too large to inline at a cold call site, and passing it a
    // vector would box it.

    private static void kernel32(int rows, int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        switch (rows) {
            case 8 -> k8x32(kc, a, ao, b, bo, ldb, c, co, ldc, acc, bias, biasOff, rowBias, relu);
            case 7 -> k7x32(kc, a, ao, b, bo, ldb, c, co, ldc, acc, bias, biasOff, rowBias, relu);
            case 6 -> k6x32(kc, a, ao, b, bo, ldb, c, co, ldc, acc, bias, biasOff, rowBias, relu);
            case 5 -> k5x32(kc, a, ao, b, bo, ldb, c, co, ldc, acc, bias, biasOff, rowBias, relu);
            case 4 -> k4x32(kc, a, ao, b, bo, ldb, c, co, ldc, acc, bias, biasOff, rowBias, relu);
            case 3 -> k3x32(kc, a, ao, b, bo, ldb, c, co, ldc, acc, bias, biasOff, rowBias, relu);
            case 2 -> k2x32(kc, a, ao, b, bo, ldb, c, co, ldc, acc, bias, biasOff, rowBias, relu);
            case 1 -> k1x32(kc, a, ao, b, bo, ldb, c, co, ldc, acc, bias, biasOff, rowBias, relu);
            default -> throw new IllegalArgumentException("rows " + rows);
        }
    }

    private static void kernel16(int rows, int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        switch (rows) {
            case 8 -> k8x16(kc, a, ao, b, bo, ldb, c, co, ldc, acc, bias, biasOff, rowBias, relu);
            case 7 -> k7x16(kc, a, ao, b, bo, ldb, c, co, ldc, acc, bias, biasOff, rowBias, relu);
            case 6 -> k6x16(kc, a, ao, b, bo, ldb, c, co, ldc, acc, bias, biasOff, rowBias, relu);
            case 5 -> k5x16(kc, a, ao, b, bo, ldb, c, co, ldc, acc, bias, biasOff, rowBias, relu);
            case 4 -> k4x16(kc, a, ao, b, bo, ldb, c, co, ldc, acc, bias, biasOff, rowBias, relu);
            case 3 -> k3x16(kc, a, ao, b, bo, ldb, c, co, ldc, acc, bias, biasOff, rowBias, relu);
            case 2 -> k2x16(kc, a, ao, b, bo, ldb, c, co, ldc, acc, bias, biasOff, rowBias, relu);
            case 1 -> k1x16(kc, a, ao, b, bo, ldb, c, co, ldc, acc, bias, biasOff, rowBias, relu);
            default -> throw new IllegalArgumentException("rows " + rows);
        }
    }

    private static void k8x32(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F),
                c10 = FloatVector.zero(F), c11 = FloatVector.zero(F),
                c20 = FloatVector.zero(F), c21 = FloatVector.zero(F),
                c30 = FloatVector.zero(F), c31 = FloatVector.zero(F),
                c40 = FloatVector.zero(F), c41 = FloatVector.zero(F),
                c50 = FloatVector.zero(F), c51 = FloatVector.zero(F),
                c60 = FloatVector.zero(F), c61 = FloatVector.zero(F),
                c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += MR, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo); FloatVector b1 = FloatVector.fromArray(F, b, bo + 16);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(F, a[ao + 4]); c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(F, a[ao + 5]); c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(F, a[ao + 6]); c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(F, a[ao + 7]); c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(F, c, co)); c01 = c01.add(FloatVector.fromArray(F, c, co + 16));
            c10 = c10.add(FloatVector.fromArray(F, c, co + ldc)); c11 = c11.add(FloatVector.fromArray(F, c, co + ldc + 16));
            c20 = c20.add(FloatVector.fromArray(F, c, co + 2 * ldc)); c21 = c21.add(FloatVector.fromArray(F, c, co + 2 * ldc + 16));
            c30 = c30.add(FloatVector.fromArray(F, c, co + 3 * ldc)); c31 = c31.add(FloatVector.fromArray(F, c, co + 3 * ldc + 16));
            c40 = c40.add(FloatVector.fromArray(F, c, co + 4 * ldc)); c41 = c41.add(FloatVector.fromArray(F, c, co + 4 * ldc + 16));
            c50 = c50.add(FloatVector.fromArray(F, c, co + 5 * ldc)); c51 = c51.add(FloatVector.fromArray(F, c, co + 5 * ldc + 16));
            c60 = c60.add(FloatVector.fromArray(F, c, co + 6 * ldc)); c61 = c61.add(FloatVector.fromArray(F, c, co + 6 * ldc + 16));
            c70 = c70.add(FloatVector.fromArray(F, c, co + 7 * ldc)); c71 = c71.add(FloatVector.fromArray(F, c, co + 7 * ldc + 16));
        } else if (bias != null && rowBias) {
            c00 = c00.add(bias[biasOff]); c01 = c01.add(bias[biasOff]);
            c10 = c10.add(bias[biasOff + 1]); c11 = c11.add(bias[biasOff + 1]);
            c20 = c20.add(bias[biasOff + 2]); c21 = c21.add(bias[biasOff + 2]);
            c30 = c30.add(bias[biasOff + 3]); c31 = c31.add(bias[biasOff + 3]);
            c40 = c40.add(bias[biasOff + 4]); c41 = c41.add(bias[biasOff + 4]);
            c50 = c50.add(bias[biasOff + 5]); c51 = c51.add(bias[biasOff + 5]);
            c60 = c60.add(bias[biasOff + 6]); c61 = c61.add(bias[biasOff + 6]);
            c70 = c70.add(bias[biasOff + 7]); c71 = c71.add(bias[biasOff + 7]);
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff); FloatVector e1 = FloatVector.fromArray(F, bias, biasOff + 16);
            c00 = c00.add(e0); c01 = c01.add(e1);
            c10 = c10.add(e0); c11 = c11.add(e1);
            c20 = c20.add(e0); c21 = c21.add(e1);
            c30 = c30.add(e0); c31 = c31.add(e1);
            c40 = c40.add(e0); c41 = c41.add(e1);
            c50 = c50.add(e0); c51 = c51.add(e1);
            c60 = c60.add(e0); c61 = c61.add(e1);
            c70 = c70.add(e0); c71 = c71.add(e1);
        }
        if (relu) {
            c00 = c00.max(0f); c01 = c01.max(0f);
            c10 = c10.max(0f); c11 = c11.max(0f);
            c20 = c20.max(0f); c21 = c21.max(0f);
            c30 = c30.max(0f); c31 = c31.max(0f);
            c40 = c40.max(0f); c41 = c41.max(0f);
            c50 = c50.max(0f); c51 = c51.max(0f);
            c60 = c60.max(0f); c61 = c61.max(0f);
            c70 = c70.max(0f); c71 = c71.max(0f);
        }
        c00.intoArray(c, co); c01.intoArray(c, co + 16);
        c10.intoArray(c, co + ldc); c11.intoArray(c, co + ldc + 16);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + 16);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + 16);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + 16);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + 16);
        c60.intoArray(c, co + 6 * ldc); c61.intoArray(c, co + 6 * ldc + 16);
        c70.intoArray(c, co + 7 * ldc); c71.intoArray(c, co + 7 * ldc + 16);
    }

    private static void k7x32(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F),
                c10 = FloatVector.zero(F), c11 = FloatVector.zero(F),
                c20 = FloatVector.zero(F), c21 = FloatVector.zero(F),
                c30 = FloatVector.zero(F), c31 = FloatVector.zero(F),
                c40 = FloatVector.zero(F), c41 = FloatVector.zero(F),
                c50 = FloatVector.zero(F), c51 = FloatVector.zero(F),
                c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += MR, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo); FloatVector b1 = FloatVector.fromArray(F, b, bo + 16);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(F, a[ao + 4]); c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(F, a[ao + 5]); c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(F, a[ao + 6]); c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(F, c, co)); c01 = c01.add(FloatVector.fromArray(F, c, co + 16));
            c10 = c10.add(FloatVector.fromArray(F, c, co + ldc)); c11 = c11.add(FloatVector.fromArray(F, c, co + ldc + 16));
            c20 = c20.add(FloatVector.fromArray(F, c, co + 2 * ldc)); c21 = c21.add(FloatVector.fromArray(F, c, co + 2 * ldc + 16));
            c30 = c30.add(FloatVector.fromArray(F, c, co + 3 * ldc)); c31 = c31.add(FloatVector.fromArray(F, c, co + 3 * ldc + 16));
            c40 = c40.add(FloatVector.fromArray(F, c, co + 4 * ldc)); c41 = c41.add(FloatVector.fromArray(F, c, co + 4 * ldc + 16));
            c50 = c50.add(FloatVector.fromArray(F, c, co + 5 * ldc)); c51 = c51.add(FloatVector.fromArray(F, c, co + 5 * ldc + 16));
            c60 = c60.add(FloatVector.fromArray(F, c, co + 6 * ldc)); c61 = c61.add(FloatVector.fromArray(F, c, co + 6 * ldc + 16));
        } else if (bias != null && rowBias) {
            c00 = c00.add(bias[biasOff]); c01 = c01.add(bias[biasOff]);
            c10 = c10.add(bias[biasOff + 1]); c11 = c11.add(bias[biasOff + 1]);
            c20 = c20.add(bias[biasOff + 2]); c21 = c21.add(bias[biasOff + 2]);
            c30 = c30.add(bias[biasOff + 3]); c31 = c31.add(bias[biasOff + 3]);
            c40 = c40.add(bias[biasOff + 4]); c41 = c41.add(bias[biasOff + 4]);
            c50 = c50.add(bias[biasOff + 5]); c51 = c51.add(bias[biasOff + 5]);
            c60 = c60.add(bias[biasOff + 6]); c61 = c61.add(bias[biasOff + 6]);
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff); FloatVector e1 = FloatVector.fromArray(F, bias, biasOff + 16);
            c00 = c00.add(e0); c01 = c01.add(e1);
            c10 = c10.add(e0); c11 = c11.add(e1);
            c20 = c20.add(e0); c21 = c21.add(e1);
            c30 = c30.add(e0); c31 = c31.add(e1);
            c40 = c40.add(e0); c41 = c41.add(e1);
            c50 = c50.add(e0); c51 = c51.add(e1);
            c60 = c60.add(e0); c61 = c61.add(e1);
        }
        if (relu) {
            c00 = c00.max(0f); c01 = c01.max(0f);
            c10 = c10.max(0f); c11 = c11.max(0f);
            c20 = c20.max(0f); c21 = c21.max(0f);
            c30 = c30.max(0f); c31 = c31.max(0f);
            c40 = c40.max(0f); c41 = c41.max(0f);
            c50 = c50.max(0f); c51 = c51.max(0f);
            c60 = c60.max(0f); c61 = c61.max(0f);
        }
        c00.intoArray(c, co); c01.intoArray(c, co + 16);
        c10.intoArray(c, co + ldc); c11.intoArray(c, co + ldc + 16);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + 16);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + 16);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + 16);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + 16);
        c60.intoArray(c, co + 6 * ldc); c61.intoArray(c, co + 6 * ldc + 16);
    }

    private static void k6x32(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F),
                c10 = FloatVector.zero(F), c11 = FloatVector.zero(F),
                c20 = FloatVector.zero(F), c21 = FloatVector.zero(F),
                c30 = FloatVector.zero(F), c31 = FloatVector.zero(F),
                c40 = FloatVector.zero(F), c41 = FloatVector.zero(F),
                c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += MR, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo); FloatVector b1 = FloatVector.fromArray(F, b, bo + 16);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(F, a[ao + 4]); c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(F, a[ao + 5]); c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(F, c, co)); c01 = c01.add(FloatVector.fromArray(F, c, co + 16));
            c10 = c10.add(FloatVector.fromArray(F, c, co + ldc)); c11 = c11.add(FloatVector.fromArray(F, c, co + ldc + 16));
            c20 = c20.add(FloatVector.fromArray(F, c, co + 2 * ldc)); c21 = c21.add(FloatVector.fromArray(F, c, co + 2 * ldc + 16));
            c30 = c30.add(FloatVector.fromArray(F, c, co + 3 * ldc)); c31 = c31.add(FloatVector.fromArray(F, c, co + 3 * ldc + 16));
            c40 = c40.add(FloatVector.fromArray(F, c, co + 4 * ldc)); c41 = c41.add(FloatVector.fromArray(F, c, co + 4 * ldc + 16));
            c50 = c50.add(FloatVector.fromArray(F, c, co + 5 * ldc)); c51 = c51.add(FloatVector.fromArray(F, c, co + 5 * ldc + 16));
        } else if (bias != null && rowBias) {
            c00 = c00.add(bias[biasOff]); c01 = c01.add(bias[biasOff]);
            c10 = c10.add(bias[biasOff + 1]); c11 = c11.add(bias[biasOff + 1]);
            c20 = c20.add(bias[biasOff + 2]); c21 = c21.add(bias[biasOff + 2]);
            c30 = c30.add(bias[biasOff + 3]); c31 = c31.add(bias[biasOff + 3]);
            c40 = c40.add(bias[biasOff + 4]); c41 = c41.add(bias[biasOff + 4]);
            c50 = c50.add(bias[biasOff + 5]); c51 = c51.add(bias[biasOff + 5]);
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff); FloatVector e1 = FloatVector.fromArray(F, bias, biasOff + 16);
            c00 = c00.add(e0); c01 = c01.add(e1);
            c10 = c10.add(e0); c11 = c11.add(e1);
            c20 = c20.add(e0); c21 = c21.add(e1);
            c30 = c30.add(e0); c31 = c31.add(e1);
            c40 = c40.add(e0); c41 = c41.add(e1);
            c50 = c50.add(e0); c51 = c51.add(e1);
        }
        if (relu) {
            c00 = c00.max(0f); c01 = c01.max(0f);
            c10 = c10.max(0f); c11 = c11.max(0f);
            c20 = c20.max(0f); c21 = c21.max(0f);
            c30 = c30.max(0f); c31 = c31.max(0f);
            c40 = c40.max(0f); c41 = c41.max(0f);
            c50 = c50.max(0f); c51 = c51.max(0f);
        }
        c00.intoArray(c, co); c01.intoArray(c, co + 16);
        c10.intoArray(c, co + ldc); c11.intoArray(c, co + ldc + 16);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + 16);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + 16);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + 16);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + 16);
    }

    private static void k5x32(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F),
                c10 = FloatVector.zero(F), c11 = FloatVector.zero(F),
                c20 = FloatVector.zero(F), c21 = FloatVector.zero(F),
                c30 = FloatVector.zero(F), c31 = FloatVector.zero(F),
                c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += MR, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo); FloatVector b1 = FloatVector.fromArray(F, b, bo + 16);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(F, a[ao + 4]); c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(F, c, co)); c01 = c01.add(FloatVector.fromArray(F, c, co + 16));
            c10 = c10.add(FloatVector.fromArray(F, c, co + ldc)); c11 = c11.add(FloatVector.fromArray(F, c, co + ldc + 16));
            c20 = c20.add(FloatVector.fromArray(F, c, co + 2 * ldc)); c21 = c21.add(FloatVector.fromArray(F, c, co + 2 * ldc + 16));
            c30 = c30.add(FloatVector.fromArray(F, c, co + 3 * ldc)); c31 = c31.add(FloatVector.fromArray(F, c, co + 3 * ldc + 16));
            c40 = c40.add(FloatVector.fromArray(F, c, co + 4 * ldc)); c41 = c41.add(FloatVector.fromArray(F, c, co + 4 * ldc + 16));
        } else if (bias != null && rowBias) {
            c00 = c00.add(bias[biasOff]); c01 = c01.add(bias[biasOff]);
            c10 = c10.add(bias[biasOff + 1]); c11 = c11.add(bias[biasOff + 1]);
            c20 = c20.add(bias[biasOff + 2]); c21 = c21.add(bias[biasOff + 2]);
            c30 = c30.add(bias[biasOff + 3]); c31 = c31.add(bias[biasOff + 3]);
            c40 = c40.add(bias[biasOff + 4]); c41 = c41.add(bias[biasOff + 4]);
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff); FloatVector e1 = FloatVector.fromArray(F, bias, biasOff + 16);
            c00 = c00.add(e0); c01 = c01.add(e1);
            c10 = c10.add(e0); c11 = c11.add(e1);
            c20 = c20.add(e0); c21 = c21.add(e1);
            c30 = c30.add(e0); c31 = c31.add(e1);
            c40 = c40.add(e0); c41 = c41.add(e1);
        }
        if (relu) {
            c00 = c00.max(0f); c01 = c01.max(0f);
            c10 = c10.max(0f); c11 = c11.max(0f);
            c20 = c20.max(0f); c21 = c21.max(0f);
            c30 = c30.max(0f); c31 = c31.max(0f);
            c40 = c40.max(0f); c41 = c41.max(0f);
        }
        c00.intoArray(c, co); c01.intoArray(c, co + 16);
        c10.intoArray(c, co + ldc); c11.intoArray(c, co + ldc + 16);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + 16);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + 16);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + 16);
    }

    private static void k4x32(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F),
                c10 = FloatVector.zero(F), c11 = FloatVector.zero(F),
                c20 = FloatVector.zero(F), c21 = FloatVector.zero(F),
                c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += MR, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo); FloatVector b1 = FloatVector.fromArray(F, b, bo + 16);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]); c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(F, c, co)); c01 = c01.add(FloatVector.fromArray(F, c, co + 16));
            c10 = c10.add(FloatVector.fromArray(F, c, co + ldc)); c11 = c11.add(FloatVector.fromArray(F, c, co + ldc + 16));
            c20 = c20.add(FloatVector.fromArray(F, c, co + 2 * ldc)); c21 = c21.add(FloatVector.fromArray(F, c, co + 2 * ldc + 16));
            c30 = c30.add(FloatVector.fromArray(F, c, co + 3 * ldc)); c31 = c31.add(FloatVector.fromArray(F, c, co + 3 * ldc + 16));
        } else if (bias != null && rowBias) {
            c00 = c00.add(bias[biasOff]); c01 = c01.add(bias[biasOff]);
            c10 = c10.add(bias[biasOff + 1]); c11 = c11.add(bias[biasOff + 1]);
            c20 = c20.add(bias[biasOff + 2]); c21 = c21.add(bias[biasOff + 2]);
            c30 = c30.add(bias[biasOff + 3]); c31 = c31.add(bias[biasOff + 3]);
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff); FloatVector e1 = FloatVector.fromArray(F, bias, biasOff + 16);
            c00 = c00.add(e0); c01 = c01.add(e1);
            c10 = c10.add(e0); c11 = c11.add(e1);
            c20 = c20.add(e0); c21 = c21.add(e1);
            c30 = c30.add(e0); c31 = c31.add(e1);
        }
        if (relu) {
            c00 = c00.max(0f); c01 = c01.max(0f);
            c10 = c10.max(0f); c11 = c11.max(0f);
            c20 = c20.max(0f); c21 = c21.max(0f);
            c30 = c30.max(0f); c31 = c31.max(0f);
        }
        c00.intoArray(c, co); c01.intoArray(c, co + 16);
        c10.intoArray(c, co + ldc); c11.intoArray(c, co + ldc + 16);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + 16);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + 16);
    }

    private static void k3x32(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F),
                c10 = FloatVector.zero(F), c11 = FloatVector.zero(F),
                c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += MR, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo); FloatVector b1 = FloatVector.fromArray(F, b, bo + 16);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]); c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(F, c, co)); c01 = c01.add(FloatVector.fromArray(F, c, co + 16));
            c10 = c10.add(FloatVector.fromArray(F, c, co + ldc)); c11 = c11.add(FloatVector.fromArray(F, c, co + ldc + 16));
            c20 = c20.add(FloatVector.fromArray(F, c, co + 2 * ldc)); c21 = c21.add(FloatVector.fromArray(F, c, co + 2 * ldc + 16));
        } else if (bias != null && rowBias) {
            c00 = c00.add(bias[biasOff]); c01 = c01.add(bias[biasOff]);
            c10 = c10.add(bias[biasOff + 1]); c11 = c11.add(bias[biasOff + 1]);
            c20 = c20.add(bias[biasOff + 2]); c21 = c21.add(bias[biasOff + 2]);
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff); FloatVector e1 = FloatVector.fromArray(F, bias, biasOff + 16);
            c00 = c00.add(e0); c01 = c01.add(e1);
            c10 = c10.add(e0); c11 = c11.add(e1);
            c20 = c20.add(e0); c21 = c21.add(e1);
        }
        if (relu) {
            c00 = c00.max(0f); c01 = c01.max(0f);
            c10 = c10.max(0f); c11 = c11.max(0f);
            c20 = c20.max(0f); c21 = c21.max(0f);
        }
        c00.intoArray(c, co); c01.intoArray(c, co + 16);
        c10.intoArray(c, co + ldc); c11.intoArray(c, co + ldc + 16);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + 16);
    }

    private static void k2x32(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F),
                c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += MR, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo); FloatVector b1 = FloatVector.fromArray(F, b, bo + 16);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]); c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(F, c, co)); c01 = c01.add(FloatVector.fromArray(F, c, co + 16));
            c10 = c10.add(FloatVector.fromArray(F, c, co + ldc)); c11 = c11.add(FloatVector.fromArray(F, c, co + ldc + 16));
        } else if (bias != null && rowBias) {
            c00 = c00.add(bias[biasOff]); c01 = c01.add(bias[biasOff]);
            c10 = c10.add(bias[biasOff + 1]); c11 = c11.add(bias[biasOff + 1]);
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff); FloatVector e1 = FloatVector.fromArray(F, bias, biasOff + 16);
            c00 = c00.add(e0); c01 = c01.add(e1);
            c10 = c10.add(e0); c11 = c11.add(e1);
        }
        if (relu) {
            c00 = c00.max(0f); c01 = c01.max(0f);
            c10 = c10.max(0f); c11 = c11.max(0f);
        }
        c00.intoArray(c, co); c01.intoArray(c, co + 16);
        c10.intoArray(c, co + ldc); c11.intoArray(c, co + ldc + 16);
    }

    private static void k1x32(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += MR, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo); FloatVector b1 = FloatVector.fromArray(F, b, bo + 16);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]); c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(F, c, co)); c01 = c01.add(FloatVector.fromArray(F, c, co + 16));
        } else if (bias != null && rowBias) {
            c00 = c00.add(bias[biasOff]); c01 = c01.add(bias[biasOff]);
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff); FloatVector e1 = FloatVector.fromArray(F, bias, biasOff + 16);
            c00 = c00.add(e0); c01 = c01.add(e1);
        }
        if (relu) {
            c00 = c00.max(0f); c01 = c01.max(0f);
        }
        c00.intoArray(c, co); c01.intoArray(c, co + 16);
    }

    private static void k8x16(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        FloatVector c00 = FloatVector.zero(F),
                c10 = FloatVector.zero(F),
                c20 = FloatVector.zero(F),
                c30 = FloatVector.zero(F),
                c40 = FloatVector.zero(F),
                c50 = FloatVector.zero(F),
                c60 = FloatVector.zero(F),
                c70 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += MR, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]); c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]); c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]); c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]); c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(F, a[ao + 4]); c40 = a4.fma(b0, c40);
            FloatVector a5 = FloatVector.broadcast(F, a[ao + 5]); c50 = a5.fma(b0, c50);
            FloatVector a6 = FloatVector.broadcast(F, a[ao + 6]); c60 = a6.fma(b0, c60);
            FloatVector a7 = FloatVector.broadcast(F, a[ao + 7]); c70 = a7.fma(b0, c70);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(F, c, co));
            c10 = c10.add(FloatVector.fromArray(F, c, co + ldc));
            c20 = c20.add(FloatVector.fromArray(F, c, co + 2 * ldc));
            c30 = c30.add(FloatVector.fromArray(F, c, co + 3 * ldc));
            c40 = c40.add(FloatVector.fromArray(F, c, co + 4 * ldc));
            c50 = c50.add(FloatVector.fromArray(F, c, co + 5 * ldc));
            c60 = c60.add(FloatVector.fromArray(F, c, co + 6 * ldc));
            c70 = c70.add(FloatVector.fromArray(F, c, co + 7 * ldc));
        } else if (bias != null && rowBias) {
            c00 = c00.add(bias[biasOff]);
            c10 = c10.add(bias[biasOff + 1]);
            c20 = c20.add(bias[biasOff + 2]);
            c30 = c30.add(bias[biasOff + 3]);
            c40 = c40.add(bias[biasOff + 4]);
            c50 = c50.add(bias[biasOff + 5]);
            c60 = c60.add(bias[biasOff + 6]);
            c70 = c70.add(bias[biasOff + 7]);
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff);
            c00 = c00.add(e0);
            c10 = c10.add(e0);
            c20 = c20.add(e0);
            c30 = c30.add(e0);
            c40 = c40.add(e0);
            c50 = c50.add(e0);
            c60 = c60.add(e0);
            c70 = c70.add(e0);
        }
        if (relu) {
            c00 = c00.max(0f);
            c10 = c10.max(0f);
            c20 = c20.max(0f);
            c30 = c30.max(0f);
            c40 = c40.max(0f);
            c50 = c50.max(0f);
            c60 = c60.max(0f);
            c70 = c70.max(0f);
        }
        c00.intoArray(c, co);
        c10.intoArray(c, co + ldc);
        c20.intoArray(c, co + 2 * ldc);
        c30.intoArray(c, co + 3 * ldc);
        c40.intoArray(c, co + 4 * ldc);
        c50.intoArray(c, co + 5 * ldc);
        c60.intoArray(c, co + 6 * ldc);
        c70.intoArray(c, co + 7 * ldc);
    }

    private static void k7x16(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        FloatVector c00 = FloatVector.zero(F),
                c10 = FloatVector.zero(F),
                c20 = FloatVector.zero(F),
                c30 = FloatVector.zero(F),
                c40 = FloatVector.zero(F),
                c50 = FloatVector.zero(F),
                c60 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += MR, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]); c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]); c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]); c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]); c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(F, a[ao + 4]); c40 = a4.fma(b0, c40);
            FloatVector a5 = FloatVector.broadcast(F, a[ao + 5]); c50 = a5.fma(b0, c50);
            FloatVector a6 = FloatVector.broadcast(F, a[ao + 6]); c60 = a6.fma(b0, c60);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(F, c, co));
            c10 = c10.add(FloatVector.fromArray(F, c, co + ldc));
            c20 = c20.add(FloatVector.fromArray(F, c, co + 2 * ldc));
            c30 = c30.add(FloatVector.fromArray(F, c, co + 3 * ldc));
            c40 = c40.add(FloatVector.fromArray(F, c, co + 4 * ldc));
            c50 = c50.add(FloatVector.fromArray(F, c, co + 5 * ldc));
            c60 = c60.add(FloatVector.fromArray(F, c, co + 6 * ldc));
        } else if (bias != null && rowBias) {
            c00 = c00.add(bias[biasOff]);
            c10 = c10.add(bias[biasOff + 1]);
            c20 = c20.add(bias[biasOff + 2]);
            c30 = c30.add(bias[biasOff + 3]);
            c40 = c40.add(bias[biasOff + 4]);
            c50 = c50.add(bias[biasOff + 5]);
            c60 = c60.add(bias[biasOff + 6]);
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff);
            c00 = c00.add(e0);
            c10 = c10.add(e0);
            c20 = c20.add(e0);
            c30 = c30.add(e0);
            c40 = c40.add(e0);
            c50 = c50.add(e0);
            c60 = c60.add(e0);
        }
        if (relu) {
            c00 = c00.max(0f);
            c10 = c10.max(0f);
            c20 = c20.max(0f);
            c30 = c30.max(0f);
            c40 = c40.max(0f);
            c50 = c50.max(0f);
            c60 = c60.max(0f);
        }
        c00.intoArray(c, co);
        c10.intoArray(c, co + ldc);
        c20.intoArray(c, co + 2 * ldc);
        c30.intoArray(c, co + 3 * ldc);
        c40.intoArray(c, co + 4 * ldc);
        c50.intoArray(c, co + 5 * ldc);
        c60.intoArray(c, co + 6 * ldc);
    }

    private static void k6x16(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        FloatVector c00 = FloatVector.zero(F),
                c10 = FloatVector.zero(F),
                c20 = FloatVector.zero(F),
                c30 = FloatVector.zero(F),
                c40 = FloatVector.zero(F),
                c50 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += MR, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]); c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]); c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]); c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]); c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(F, a[ao + 4]); c40 = a4.fma(b0, c40);
            FloatVector a5 = FloatVector.broadcast(F, a[ao + 5]); c50 = a5.fma(b0, c50);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(F, c, co));
            c10 = c10.add(FloatVector.fromArray(F, c, co + ldc));
            c20 = c20.add(FloatVector.fromArray(F, c, co + 2 * ldc));
            c30 = c30.add(FloatVector.fromArray(F, c, co + 3 * ldc));
            c40 = c40.add(FloatVector.fromArray(F, c, co + 4 * ldc));
            c50 = c50.add(FloatVector.fromArray(F, c, co + 5 * ldc));
        } else if (bias != null && rowBias) {
            c00 = c00.add(bias[biasOff]);
            c10 = c10.add(bias[biasOff + 1]);
            c20 = c20.add(bias[biasOff + 2]);
            c30 = c30.add(bias[biasOff + 3]);
            c40 = c40.add(bias[biasOff + 4]);
            c50 = c50.add(bias[biasOff + 5]);
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff);
            c00 = c00.add(e0);
            c10 = c10.add(e0);
            c20 = c20.add(e0);
            c30 = c30.add(e0);
            c40 = c40.add(e0);
            c50 = c50.add(e0);
        }
        if (relu) {
            c00 = c00.max(0f);
            c10 = c10.max(0f);
            c20 = c20.max(0f);
            c30 = c30.max(0f);
            c40 = c40.max(0f);
            c50 = c50.max(0f);
        }
        c00.intoArray(c, co);
        c10.intoArray(c, co + ldc);
        c20.intoArray(c, co + 2 * ldc);
        c30.intoArray(c, co + 3 * ldc);
        c40.intoArray(c, co + 4 * ldc);
        c50.intoArray(c, co + 5 * ldc);
    }

    private static void k5x16(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        FloatVector c00 = FloatVector.zero(F),
                c10 = FloatVector.zero(F),
                c20 = FloatVector.zero(F),
                c30 = FloatVector.zero(F),
                c40 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += MR, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]); c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]); c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]); c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]); c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(F, a[ao + 4]); c40 = a4.fma(b0, c40);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(F, c, co));
            c10 = c10.add(FloatVector.fromArray(F, c, co + ldc));
            c20 = c20.add(FloatVector.fromArray(F, c, co + 2 * ldc));
            c30 = c30.add(FloatVector.fromArray(F, c, co + 3 * ldc));
            c40 = c40.add(FloatVector.fromArray(F, c, co + 4 * ldc));
        } else if (bias != null && rowBias) {
            c00 = c00.add(bias[biasOff]);
            c10 = c10.add(bias[biasOff + 1]);
            c20 = c20.add(bias[biasOff + 2]);
            c30 = c30.add(bias[biasOff + 3]);
            c40 = c40.add(bias[biasOff + 4]);
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff);
            c00 = c00.add(e0);
            c10 = c10.add(e0);
            c20 = c20.add(e0);
            c30 = c30.add(e0);
            c40 = c40.add(e0);
        }
        if (relu) {
            c00 = c00.max(0f);
            c10 = c10.max(0f);
            c20 = c20.max(0f);
            c30 = c30.max(0f);
            c40 = c40.max(0f);
        }
        c00.intoArray(c, co);
        c10.intoArray(c, co + ldc);
        c20.intoArray(c, co + 2 * ldc);
        c30.intoArray(c, co + 3 * ldc);
        c40.intoArray(c, co + 4 * ldc);
    }

    private static void k4x16(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        FloatVector c00 = FloatVector.zero(F),
                c10 = FloatVector.zero(F),
                c20 = FloatVector.zero(F),
                c30 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += MR, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]); c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]); c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]); c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]); c30 = a3.fma(b0, c30);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(F, c, co));
            c10 = c10.add(FloatVector.fromArray(F, c, co + ldc));
            c20 = c20.add(FloatVector.fromArray(F, c, co + 2 * ldc));
            c30 = c30.add(FloatVector.fromArray(F, c, co + 3 * ldc));
        } else if (bias != null && rowBias) {
            c00 = c00.add(bias[biasOff]);
            c10 = c10.add(bias[biasOff + 1]);
            c20 = c20.add(bias[biasOff + 2]);
            c30 = c30.add(bias[biasOff + 3]);
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff);
            c00 = c00.add(e0);
            c10 = c10.add(e0);
            c20 = c20.add(e0);
            c30 = c30.add(e0);
        }
        if (relu) {
            c00 = c00.max(0f);
            c10 = c10.max(0f);
            c20 = c20.max(0f);
            c30 = c30.max(0f);
        }
        c00.intoArray(c, co);
        c10.intoArray(c, co + ldc);
        c20.intoArray(c, co + 2 * ldc);
        c30.intoArray(c, co + 3 * ldc);
    }

    private static void k3x16(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        FloatVector c00 = FloatVector.zero(F),
                c10 = FloatVector.zero(F),
                c20 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += MR, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]); c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]); c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]); c20 = a2.fma(b0, c20);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(F, c, co));
            c10 = c10.add(FloatVector.fromArray(F, c, co + ldc));
            c20 = c20.add(FloatVector.fromArray(F, c, co + 2 * ldc));
        } else if (bias != null && rowBias) {
            c00 = c00.add(bias[biasOff]);
            c10 = c10.add(bias[biasOff + 1]);
            c20 = c20.add(bias[biasOff + 2]);
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff);
            c00 = c00.add(e0);
            c10 = c10.add(e0);
            c20 = c20.add(e0);
        }
        if (relu) {
            c00 = c00.max(0f);
            c10 = c10.max(0f);
            c20 = c20.max(0f);
        }
        c00.intoArray(c, co);
        c10.intoArray(c, co + ldc);
        c20.intoArray(c, co + 2 * ldc);
    }

    private static void k2x16(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        FloatVector c00 = FloatVector.zero(F),
                c10 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += MR, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]); c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]); c10 = a1.fma(b0, c10);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(F, c, co));
            c10 = c10.add(FloatVector.fromArray(F, c, co + ldc));
        } else if (bias != null && rowBias) {
            c00 = c00.add(bias[biasOff]);
            c10 = c10.add(bias[biasOff + 1]);
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff);
            c00 = c00.add(e0);
            c10 = c10.add(e0);
        }
        if (relu) {
            c00 = c00.max(0f);
            c10 = c10.max(0f);
        }
        c00.intoArray(c, co);
        c10.intoArray(c, co + ldc);
    }

    private static void k1x16(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean rowBias, boolean relu) {
        FloatVector c00 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += MR, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]); c00 = a0.fma(b0, c00);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(F, c, co));
        } else if (bias != null && rowBias) {
            c00 = c00.add(bias[biasOff]);
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff);
            c00 = c00.add(e0);
        }
        if (relu) {
            c00 = c00.max(0f);
        }
        c00.intoArray(c, co);
    }

}
