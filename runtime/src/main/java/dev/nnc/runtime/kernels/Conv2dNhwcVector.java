package dev.nnc.runtime.kernels;

import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static dev.nnc.runtime.kernels.PackedMatrix.NR;

/**
 * Vector API path of {@link Conv2dNhwc}: {@code out[M, O] = patches[M, K] · Wt[K, O]} with
 * {@code M = N·OH·OW}, Wt in prepacked B panels.
 *
 * <p>A task owns a block of output pixels (rows) and a range of B panels. For each k slice it
 * copies the block's patches row-major into per-thread scratch (im2col: each kernel tap is a run
 * of C contiguous channels, copied a vector at a time), then runs an 8×32 (or 8×16) register
 * tile over it. Unlike {@link GemmVector}, A is read row-major, not repacked into MR-row panels:
 * with as few output channels as a CNN has (32–128, one to four B panels) a packed A panel would
 * be reused only that many times, too few to pay for packing, a scalar transposition, where
 * the im2col copy moves whole vectors. The row-major tile runs at about 228 GFLOP/s on one
 * thread here (K = 288, A in L2), against about 265 for the packed GEMM. A 1×1 stride-1
 * convolution reads x itself as A. Only loaded when {@link Gemm#VECTOR}.
 *
 * <p>An NCHW x ({@code nchw}) is gathered the other way round, into the MR-row panels that
 * {@link GemmVector#macro} multiplies: at stride 1, patch column (tap, channel) of 8 neighbouring
 * output pixels is 8 contiguous floats of one input row, one 256-bit copy (two masked ones when
 * the 8 pixels wrap onto the next output row); at stride 2 it is every other float of 15, one
 * load and a lane shuffle; groups that touch the padding, wrap at stride 2, or have other
 * strides are copied element by element. This converts the layout while copying, in place
 * of a transpose kernel before the convolution, and moves fewer, larger pieces than the NHWC
 * im2col of a first layer (runs of KW·C = 3–9 floats).
 *
 * <p>A convolution followed by a max pooling ({@link #conv2d} with a pool window) never writes its own
 * output: a task owns a band, the pool window's rows of the convolution over a run of pooled
 * columns, computes it with the same blocks and tiles into per-thread scratch (at most 64 KiB,
 * so it is still in L1/L2 when read back) and writes only each window's max.
 */
final class Conv2dNhwcVector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    /** One A panel column: MR floats. */
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    /** At stride 2, 8 pixels' tap is the even lanes of 15 contiguous floats: moved to lanes 0-7. */
    private static final int MR = 8;
    /** Deepest k slice: a B panel slice (KC x 32) is 128 KiB and stays in L2. */
    private static final int KC = 1024;
    /** Floats of a task's im2col block (256 KiB), and its most rows. */
    private static final int A_BLOCK = 1 << 16;
    private static final int MB_MAX = 256;
    /** Most floats of a pooled band's convolution output (64 KiB): it is pooled while still in L1/L2. */
    private static final int BAND = 1 << 14;
    /** Convolution pixels a pooled task computes at least, when BAND allows: few partial 8-row tiles. */
    private static final int BAND_ROWS = 96;

    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    private Conv2dNhwcVector() {}

    /**
     * The convolution (output {@code outH x outW}); with {@code poolH > 0} also max-pooled by
     * {@code poolH x poolW} windows at
     * stride = window, floor mode: out is {@code [N, outH / poolH, outW / poolW, O]}. Computed in
     * bands (see {@link Job#band}); a 1x1 pool takes the same path (tests exercise it that way).
     */
    static void conv2d(float[] x, int xOff, int batch, int height, int width, int channels, boolean nchw,
                       float[] panels, int outChannels, int kernelH, int kernelW, float[] bias, int biasOff,
                       int strideH, int strideW, int padTop, int padLeft, int dilationH, int dilationW,
                       float[] out, int outOff, int outH, int outW, boolean relu, int poolH, int poolW) {
        Job job = JOBS.get();
        job.x = x;
        job.xOff = xOff;
        job.h = height;
        job.w = width;
        job.c = channels;
        job.nchw = nchw;
        job.b = panels;
        job.o = outChannels;
        job.kh = kernelH;
        job.kw = kernelW;
        job.bias = bias;
        job.biasOff = biasOff;
        job.sh = strideH;
        job.sw = strideW;
        job.pt = padTop;
        job.pl = padLeft;
        job.dh = dilationH;
        job.dw = dilationW;
        job.out = out;
        job.outOff = outOff;
        job.oh = outH;
        job.ow = outW;
        job.relu = relu;
        job.pooled = poolH > 0;
        job.pkh = poolH;
        job.pkw = poolW;
        try {
            job.plan(batch);
        } finally {
            job.x = null;
            job.b = null;
            job.bias = null;
            job.out = null;
        }
    }

    /** Copies n floats a vector at a time, the tail under a mask. */
    private static void copy(float[] src, int s, float[] dst, int d, int n) {
        int i = 0;
        for (; i + 16 <= n; i += 16) {
            FloatVector.fromArray(F, src, s + i).intoArray(dst, d + i);
        }
        // Not a masked vector copy: one whose full span leaves the array takes an allocating slow path.
        if (i < n) System.arraycopy(src, s + i, dst, d + i, n - i);
    }

    /** One call's operands and partition, reused per calling thread. */
    private static final class Job implements IntConsumer {
        float[] x, b, bias, out;
        int xOff, h, w, c, o, kh, kw, biasOff, sh, sw, pt, pl, dh, dw, outOff, oh, ow;
        boolean relu;
        /** x is NCHW: patches are gathered through {@link #offsets}. */
        boolean nchw;
        /** A max pooling of pkh x pkw windows follows: out is [N, ph, pw, O], computed in bands. */
        boolean pooled;
        int pkh, pkw;
        private int m, k, kc, kBlocks, mb, nSplit, panelsPerTask, panels;
        /**
         * Pooled: output rows and columns, and the partition: bands (pooled rows over all
         * images), bands per task, pooled columns per segment, segments per band.
         */
        private int ph, pw, bands, bandsPerTask, pseg, segs;
        /** Output rows per image that the walks visit (see {@link #block}): oh, or the pooled windows' ph * pkh. */
        private int walkH;
        /** 1x1, stride 1, no padding: row i of A is pixel i of x. */
        private boolean direct;
        /** For an NCHW x: where patch column p lies relative to the window's top-left input of channel 0. */
        private int[] offsets = new int[0];

        void plan(int batch) {
            k = kh * kw * c;
            direct = !nchw && kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0 && oh == h && ow == w;
            if (nchw) {
                columnOffsets();
            }
            kBlocks = Math.max(1, (k + KC - 1) / KC);
            kc = (k + kBlocks - 1) / kBlocks;
            panels = PackedMatrix.panelCount(o);
            if (pooled) {
                ph = oh / pkh;
                pw = ow / pkw;
            }
            walkH = pooled ? ph * pkh : oh;
            // Rows of the convolution actually computed: a pooling skips those past its last whole window.
            m = pooled ? batch * ph * pkh * pw * pkw : batch * oh * ow;
            long work = (long) m * o * k;
            int threads = work < Gemm.PARALLEL_MIN ? 1 : Parallel.threads();
            int mbMax = Math.max(MR, Math.min(MB_MAX, A_BLOCK / Math.max(kc, 1) / MR * MR));
            int target = threads == 1 ? 1 : 4 * threads;
            int tasks = pooled ? planBands(batch, mbMax, target) : planBlocks(mbMax, target, threads);
            if (threads == 1) {
                for (int t = 0; t < tasks; t++) {
                    accept(t);
                }
            } else {
                Parallel.forRange(tasks, this);
            }
        }

        /** Tasks of rows x panels: row blocks that split evenly over the threads, panels split when there are few blocks. */
        private int planBlocks(int mbMax, int target, int threads) {
            mb = RowBlocks.rows(m, mbMax, target, MR, threads);
            int mBlocks = (m + mb - 1) / mb;
            splitPanels(mBlocks, target);
            return mBlocks * nSplit;
        }

        /**
         * Tasks of bands: a run of pooled rows (image after image), a segment of pooled columns,
         * and a range of panels. A task's convolution output (its bands' pkh rows x its columns
         * x O) must fit in {@code BAND} floats. A run is long enough for {@code BAND_ROWS}
         * convolution pixels, or a whole number of tiles, so that few tiles are partial; with too
         * few tasks for the threads (a late layer at batch 1) runs shrink to one band, then the
         * panels are split (no extra partial tiles), then the columns.
         */
        private int planBands(int batch, int mbMax, int target) {
            bands = batch * ph;
            // Scratch floats of one pooled column of a band.
            int columnFloats = pkh * pkw * Math.max(o, 1);
            pseg = Math.max(1, Math.min(pw, BAND / columnFloats));
            segs = (pw + pseg - 1) / pseg;
            int rows = pkh * pseg * pkw;
            int most = Math.max(1, Math.min(BAND / (columnFloats * pseg), bands * segs / target));
            bandsPerTask = Math.min(most, (BAND_ROWS + rows - 1) / rows);
            // A few bands more where that makes the rows a whole number of tiles.
            for (int r = bandsPerTask; r <= Math.min(most, 2 * bandsPerTask); r++) {
                if (r * rows % MR == 0) {
                    bandsPerTask = r;
                    break;
                }
            }
            int runs = (bands + bandsPerTask - 1) / bandsPerTask;
            splitPanels(runs * segs, target);
            if (runs * segs * nSplit < target) {
                segs = Math.min(pw, (target + runs * nSplit - 1) / (runs * nSplit));
                pseg = (pw + segs - 1) / segs;
                segs = (pw + pseg - 1) / pseg;
            }
            mb = Math.min(GemmVector.roundUp(bandsPerTask * pkh * pseg * pkw, MR), mbMax);
            return runs * segs * nSplit;
        }

        /** Splits the B panels into nSplit ranges when {@code units} alone are fewer than target. */
        private void splitPanels(int units, int target) {
            nSplit = units < target ? Math.min(panels, (target + units - 1) / units) : 1;
            panelsPerTask = (panels + nSplit - 1) / nSplit;
            nSplit = (panels + panelsPerTask - 1) / panelsPerTask;
        }

        @Override
        public void accept(int t) {
            int jp0 = (t % nSplit) * panelsPerTask;
            int jp1 = Math.min(panels, jp0 + panelsPerTask);
            if (pooled) {
                band(t / nSplit, jp0, jp1);
                return;
            }
            int i0 = (t / nSplit) * mb;
            int i1 = Math.min(m, i0 + mb);
            block(i0, i1, jp0, jp1, out, outOff + i0 * o, 0, ow);
        }

        /**
         * One run of bands of a pooled convolution, panels [jp0, jp1): their pkh convolution rows
         * x (segment x pkw) columns into the thread's scratch, in blocks of at most mb rows, then
         * each window's max into out. The pixels are walked with {@code ox0} and {@code span}
         * (see {@link #block}) over the walkH = ph * pkh rows per image that the windows cover,
         * so the run's rows follow each other in the scratch, also across images.
         */
        private void band(int task, int jp0, int jp1) {
            int seg = task % segs;
            int b0 = task / segs * bandsPerTask;
            int b1 = Math.min(b0 + bandsPerTask, bands);
            int px0 = seg * pseg;
            int px1 = Math.min(pw, px0 + pseg);
            int ox0 = px0 * pkw;
            int span = (px1 - px0) * pkw;
            int bandRows = pkh * span;
            int rows = (b1 - b0) * bandRows;
            // Band b (= n * ph + py) starts at the walk's row n * walkH + py * pkh = b * pkh.
            int v0 = b0 * bandRows;
            float[] conv = GemmScratch.get().band(rows * o);
            for (int i = 0; i < rows; i += mb) {
                block(v0 + i, v0 + Math.min(rows, i + mb), jp0, jp1, conv, i * o, ox0, span);
            }
            int c0 = jp0 * NR;
            int c1 = Math.min(o, jp1 * NR);
            for (int b = b0; b < b1; b++) {
                int s = (b - b0) * bandRows * o + c0;
                for (int px = px0, d = outOff + (b * pw + px0) * o + c0; px < px1; px++, d += o, s += pkw * o) {
                    Pool2dNhwcVector.maxWindow(conv, s, span * o, o, pkh, pkw, c1 - c0, out, d);
                }
            }
        }

        /**
         * Output pixels [i0, i1) of a walk, panels [jp0, jp1), into dst: pixel i's channel j at
         * {@code dstOff + (i - i0) * o + j}. The walk visits columns [ox0, ox0 + span) of the
         * first walkH output rows in turn, image after image: pixel i is (n, oy, ox0 + i % span)
         * with {@code i / span = n * walkH + oy}. The whole output is the walk (0, ow) with
         * walkH = oh.
         */
        private void block(int i0, int i1, int jp0, int jp1, float[] dst, int dstOff, int ox0, int span) {
            GemmScratch scratch = GemmScratch.get();
            float[] tile = scratch.tile;
            // Reading x in place needs the walk's pixels to be x's, in x's order.
            boolean direct = this.direct && ox0 == 0 && span == ow && walkH == oh;
            int full = i0 + (i1 - i0) / MR * MR;
            for (int pc = 0; pc < k; pc += kc) {
                int kcs = Math.min(kc, k - pc);
                boolean last = pc + kcs >= k;
                boolean acc = pc > 0;
                if (nchw) {
                    float[] ap = scratch.padded(GemmVector.roundUp(i1 - i0, MR) * kcs);
                    nchwPanels(i0, i1, pc, kcs, ap, ox0, span);
                    int col0 = jp0 * NR;
                    GemmVector.macro(i1 - i0, Math.min(o, jp1 * NR) - col0, kcs, ap, 0, MR * kcs, b, col0 * k, NR * k, pc,
                            dst, dstOff + col0, o, acc, bias, biasOff + col0, false, relu && last, tile);
                    continue;
                }
                float[] a;
                int aBase;
                int lda;
                if (direct) {
                    a = x;
                    aBase = xOff + i0 * c + pc;
                    lda = c;
                } else {
                    a = scratch.padded(GemmVector.roundUp(i1 - i0, MR) * kcs);
                    im2col(i0, i1, pc, kcs, a, 0, kcs, ox0, span);
                    aBase = 0;
                    lda = kcs;
                }
                // A direct block's partial last group is copied, zero-padded to MR rows, so the kernel
                // never reads past x.
                float[] tail = null;
                if (direct && full < i1) {
                    tail = scratch.out(MR * kcs);
                    im2col(full, i1, pc, kcs, tail, 0, kcs, ox0, span);
                }
                for (int jp = jp0; jp < jp1; jp++) {
                    int j = jp * NR;
                    int width = PackedMatrix.panelWidth(j, o);
                    int cols = Math.min(width, o - j);
                    int bo = j * k + pc * width;
                    for (int i = i0; i < i1; i += MR) {
                        int rows = Math.min(MR, i1 - i);
                        float[] ar = a;
                        int ao = aBase + (i - i0) * lda;
                        int ld = lda;
                        if (tail != null && i >= full) {
                            ar = tail;
                            ao = 0;
                            ld = kcs;
                        }
                        int co = dstOff + (i - i0) * o + j;
                        if (rows == MR && cols == width) {
                            if (width == NR) {
                                k8x32(kcs, ar, ao, ld, b, bo, dst, co, o, acc, bias, biasOff + j, relu && last);
                            } else {
                                k8x16(kcs, ar, ao, ld, b, bo, dst, co, o, acc, bias, biasOff + j, relu && last);
                            }
                        } else {
                            if (width == NR) {
                                k8x32(kcs, ar, ao, ld, b, bo, tile, 0, NR, false, null, 0, false);
                            } else {
                                k8x16(kcs, ar, ao, ld, b, bo, tile, 0, NR, false, null, 0, false);
                            }
                            merge(tile, rows, cols, dst, co, acc, j, relu && last);
                        }
                    }
                }
            }
        }

        private void columnOffsets() {
            if (offsets.length < k) {
                offsets = new int[k];
            }
            for (int y = 0, p = 0; y < kh; y++) {
                for (int z = 0; z < kw; z++) {
                    for (int ch = 0; ch < c; ch++, p++) {
                        offsets[p] = (ch * h + y * dh) * w + z * dw;
                    }
                }
            }
        }

        /**
         * Rows [from, to) of the patch matrix of the walk (ox0, span) (see {@link #block}),
         * columns [pc, pc + kcs), into dst (row stride ld); rows up to the next multiple of MR
         * are zero. Column p is channel p % C of tap p / C. A row whose window lies inside the
         * image and that takes all of K (the usual case) is KH runs of KW·C contiguous floats
         * (dilation 1 along the width), else KH·KW runs of C.
         */
        private void im2col(int from, int to, int pc, int kcs, float[] dst, int dstOff, int ld, int ox0, int span) {
            int q = from / span;
            int n = q / walkH;
            int oy = q - n * walkH;
            int ox = ox0 + from - q * span;
            int end = ox0 + span;
            boolean whole = pc == 0 && kcs == k;
            int spanH = (kh - 1) * dh;
            int spanW = (kw - 1) * dw;
            int run = kw * c;
            for (int r = from; r < to; r++) {
                int d = dstOff + (r - from) * ld;
                int iy0 = oy * sh - pt;
                int ix0 = ox * sw - pl;
                if (whole && iy0 >= 0 && iy0 + spanH < h && ix0 >= 0 && ix0 + spanW < w) {
                    int base = xOff + ((n * h + iy0) * w + ix0) * c;
                    if (dw == 1) {
                        for (int y = 0; y < kh; y++) {
                            copyRun(base + y * dh * w * c, dst, d + y * run, run);
                        }
                    } else {
                        for (int y = 0, t = 0; y < kh; y++) {
                            for (int z = 0; z < kw; z++, t++) {
                                copyRun(base + (y * dh * w + z * dw) * c, dst, d + t * c, c);
                            }
                        }
                    }
                } else {
                    edgeRow(n, iy0, ix0, pc, kcs, dst, d);
                }
                if (++ox == end) {
                    ox = ox0;
                    if (++oy == walkH) {
                        oy = 0;
                        n++;
                    }
                }
            }
            int padded = from + GemmVector.roundUp(to - from, MR);
            if (padded > to) {
                java.util.Arrays.fill(dst, dstOff + (to - from) * ld, dstOff + (padded - from) * ld, 0f);
            }
        }

        /**
         * Rows [from, to) of the patch matrix of an NCHW x, columns [pc, pc + kcs), as MR-row
         * panels into ap: panel g at g·MR·kcs, its column p holding its MR rows. A short last
         * panel's missing rows are left as they are: the kernel for fewer rows does not read them.
         */
        private void nchwPanels(int from, int to, int pc, int kcs, float[] ap, int ox0, int span) {
            int image = c * h * w;
            int end = ox0 + span;
            for (int g = from, ao = 0; g < to; g += MR, ao += MR * kcs) {
                int rows = Math.min(MR, to - g);
                int row = g / span;
                int n = row / walkH;
                int oy = row - n * walkH;
                int ox = ox0 + g - row * span;
                if (rows == MR && sw == 2 && ox + MR <= end && inside(oy, ox, ox + MR - 1)) {
                    int base = xOff + n * image + (oy * sh - pt) * w + 2 * ox - pl;
                    // Scalar on purpose: a masked vector load whose full span leaves the array takes
                    // the Vector API's allocating slow path.
                    for (int p = 0; p < kcs; p++) {
                        int src = base + offsets[pc + p], dst = ao + p * MR;
                        for (int q = 0; q < MR; q++) ap[dst + q] = x[src + 2 * q];
                    }
                    continue;
                }
                if (rows == MR && sw == 1) {
                    if (ox + MR <= end && inside(oy, ox, ox + MR - 1)) {
                        int base = xOff + n * image + (oy * sh - pt) * w + ox - pl;
                        for (int p = 0; p < kcs; p++) {
                            FloatVector.fromArray(F8, x, base + offsets[pc + p]).intoArray(ap, ao + p * MR);
                        }
                        continue;
                    }
                    // The group wraps onto the walk's next output row (of this image or the next one).
                    int first = end - ox;
                    int n2 = (row + 1) / walkH;
                    int oy2 = row + 1 - n2 * walkH;
                    if (first < MR && MR - first <= span && inside(oy, ox, end - 1)
                            && inside(oy2, ox0, ox0 + MR - first - 1)) {
                        int base = xOff + n * image + (oy * sh - pt) * w + ox - pl;
                        // Lane l >= first reads pixel ox0 + l - first of the next row.
                        int base2 = xOff + n2 * image + (oy2 * sh - pt) * w + ox0 - pl - first;
                        for (int p = 0; p < kcs; p++) {
                            int off = offsets[pc + p], dst = ao + p * MR;
                            System.arraycopy(x, base + off, ap, dst, first);
                            System.arraycopy(x, base2 + off + first, ap, dst + first, MR - first);
                        }
                        continue;
                    }
                }
                for (int r = 0; r < rows; r++) {
                    panelRow(n, oy * sh - pt, ox * sw - pl, pc, kcs, ap, ao + r);
                    if (++ox == end) {
                        ox = ox0;
                        if (++oy == walkH) {
                            oy = 0;
                            n++;
                        }
                    }
                }
            }
        }

        /** Whether output pixels [ox0, ox1] of output row oy read no padding. */
        private boolean inside(int oy, int ox0, int ox1) {
            int iy0 = oy * sh - pt;
            return iy0 >= 0 && iy0 + (kh - 1) * dh < h && ox0 * sw - pl >= 0 && ox1 * sw - pl + (kw - 1) * dw < w;
        }

        /** One patch row of an NCHW x element by element (zeros in the padding) into a panel: columns MR apart from d. */
        private void panelRow(int n, int iy0, int ix0, int pc, int kcs, float[] ap, int d) {
            int plane = h * w;
            int image = xOff + n * c * plane;
            if (pc == 0 && kcs == k) {
                // The whole row (one k slice, the usual case): taps in order, no division per tap.
                for (int y = 0, q = d; y < kh; y++) {
                    int iy = iy0 + y * dh;
                    boolean rowIn = iy >= 0 && iy < h;
                    for (int z = 0; z < kw; z++) {
                        int ix = ix0 + z * dw;
                        if (rowIn && ix >= 0 && ix < w) {
                            for (int ch = 0, src = image + iy * w + ix; ch < c; ch++, src += plane, q += MR) {
                                ap[q] = x[src];
                            }
                        } else {
                            for (int ch = 0; ch < c; ch++, q += MR) {
                                ap[q] = 0f;
                            }
                        }
                    }
                }
                return;
            }
            int tap0 = pc / c;
            int tap1 = (pc + kcs - 1) / c;
            for (int tap = tap0; tap <= tap1; tap++) {
                int y = tap / kw;
                int z = tap - y * kw;
                int p0 = Math.max(pc, tap * c);
                int p1 = Math.min(pc + kcs, tap * c + c);
                int iy = iy0 + y * dh;
                int ix = ix0 + z * dw;
                boolean in = iy >= 0 && iy < h && ix >= 0 && ix < w;
                for (int p = p0, src = image + (p0 - tap * c) * plane + iy * w + ix; p < p1; p++, src += plane) {
                    ap[d + (p - pc) * MR] = in ? x[src] : 0f;
                }
            }
        }

        /** One patch row tap by tap, zeros where the tap falls in the padding; columns [pc, pc + kcs). */
        private void edgeRow(int n, int iy0, int ix0, int pc, int kcs, float[] dst, int d) {
            int image = xOff + n * h * w * c;
            int tap0 = pc / c;
            int tap1 = (pc + kcs - 1) / c;
            d -= pc;
            for (int tap = tap0; tap <= tap1; tap++) {
                int y = tap / kw;
                int z = tap - y * kw;
                int p0 = Math.max(pc, tap * c);
                int p1 = Math.min(pc + kcs, tap * c + c);
                int iy = iy0 + y * dh;
                int ix = ix0 + z * dw;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                    java.util.Arrays.fill(dst, d + p0, d + p1, 0f);
                } else {
                    copyRun(image + (iy * w + ix) * c + (p0 - tap * c), dst, d + p0, p1 - p0);
                }
            }
        }

        /** n floats of x from s, a vector at a time (a first layer's few channels: one short copy). */
        private void copyRun(int s, float[] dst, int d, int n) {
            copy(x, s, dst, d, n);
        }

        /** The valid part of a scratch tile into dst, with the epilogue the kernel would apply. */
        private void merge(float[] tile, int rows, int cols, float[] dst, int co, boolean acc, int j, boolean clamp) {
            for (int r = 0; r < rows; r++) {
                int row = co + r * o;
                for (int e = 0; e < cols; e++) {
                    float v = tile[r * NR + e];
                    if (acc) {
                        v += dst[row + e];
                    } else if (bias != null) {
                        v += bias[biasOff + j + e];
                    }
                    dst[row + e] = clamp ? Math.max(v, 0f) : v;
                }
            }
        }
    }

    // ---- micro-kernels: 8 rows of row-major A (stride lda) times one B panel ----------------------
    // Accumulators stay in locals so that C2 keeps them in registers (16 + 2 B + 1 broadcast of 32).

    private static void k8x32(int kc, float[] a, int ao, int lda, float[] b, int bo, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean relu) {
        int a0 = ao, a1 = ao + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda,
                a7 = a6 + lda;
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F),
                c10 = FloatVector.zero(F), c11 = FloatVector.zero(F),
                c20 = FloatVector.zero(F), c21 = FloatVector.zero(F),
                c30 = FloatVector.zero(F), c31 = FloatVector.zero(F),
                c40 = FloatVector.zero(F), c41 = FloatVector.zero(F),
                c50 = FloatVector.zero(F), c51 = FloatVector.zero(F),
                c60 = FloatVector.zero(F), c61 = FloatVector.zero(F),
                c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, bo += 32) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + 16);
            FloatVector v;
            v = FloatVector.broadcast(F, a[a0 + p]); c00 = v.fma(b0, c00); c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(F, a[a1 + p]); c10 = v.fma(b0, c10); c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(F, a[a2 + p]); c20 = v.fma(b0, c20); c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(F, a[a3 + p]); c30 = v.fma(b0, c30); c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(F, a[a4 + p]); c40 = v.fma(b0, c40); c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(F, a[a5 + p]); c50 = v.fma(b0, c50); c51 = v.fma(b1, c51);
            v = FloatVector.broadcast(F, a[a6 + p]); c60 = v.fma(b0, c60); c61 = v.fma(b1, c61);
            v = FloatVector.broadcast(F, a[a7 + p]); c70 = v.fma(b0, c70); c71 = v.fma(b1, c71);
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
        } else if (bias != null) {
            FloatVector e0 = FloatVector.fromArray(F, bias, biasOff);
            FloatVector e1 = FloatVector.fromArray(F, bias, biasOff + 16);
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

    private static void k8x16(int kc, float[] a, int ao, int lda, float[] b, int bo, float[] c, int co, int ldc,
            boolean acc, float[] bias, int biasOff, boolean relu) {
        int a0 = ao, a1 = ao + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda,
                a7 = a6 + lda;
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F),
                c3 = FloatVector.zero(F), c4 = FloatVector.zero(F), c5 = FloatVector.zero(F),
                c6 = FloatVector.zero(F), c7 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, bo += 16) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            c0 = FloatVector.broadcast(F, a[a0 + p]).fma(b0, c0);
            c1 = FloatVector.broadcast(F, a[a1 + p]).fma(b0, c1);
            c2 = FloatVector.broadcast(F, a[a2 + p]).fma(b0, c2);
            c3 = FloatVector.broadcast(F, a[a3 + p]).fma(b0, c3);
            c4 = FloatVector.broadcast(F, a[a4 + p]).fma(b0, c4);
            c5 = FloatVector.broadcast(F, a[a5 + p]).fma(b0, c5);
            c6 = FloatVector.broadcast(F, a[a6 + p]).fma(b0, c6);
            c7 = FloatVector.broadcast(F, a[a7 + p]).fma(b0, c7);
        }
        if (acc) {
            c0 = c0.add(FloatVector.fromArray(F, c, co));
            c1 = c1.add(FloatVector.fromArray(F, c, co + ldc));
            c2 = c2.add(FloatVector.fromArray(F, c, co + 2 * ldc));
            c3 = c3.add(FloatVector.fromArray(F, c, co + 3 * ldc));
            c4 = c4.add(FloatVector.fromArray(F, c, co + 4 * ldc));
            c5 = c5.add(FloatVector.fromArray(F, c, co + 5 * ldc));
            c6 = c6.add(FloatVector.fromArray(F, c, co + 6 * ldc));
            c7 = c7.add(FloatVector.fromArray(F, c, co + 7 * ldc));
        } else if (bias != null) {
            FloatVector e = FloatVector.fromArray(F, bias, biasOff);
            c0 = c0.add(e); c1 = c1.add(e); c2 = c2.add(e); c3 = c3.add(e);
            c4 = c4.add(e); c5 = c5.add(e); c6 = c6.add(e); c7 = c7.add(e);
        }
        if (relu) {
            c0 = c0.max(0f); c1 = c1.max(0f); c2 = c2.max(0f); c3 = c3.max(0f);
            c4 = c4.max(0f); c5 = c5.max(0f); c6 = c6.max(0f); c7 = c7.max(0f);
        }
        c0.intoArray(c, co);
        c1.intoArray(c, co + ldc);
        c2.intoArray(c, co + 2 * ldc);
        c3.intoArray(c, co + 3 * ldc);
        c4.intoArray(c, co + 4 * ldc);
        c5.intoArray(c, co + 5 * ldc);
        c6.intoArray(c, co + 6 * ldc);
        c7.intoArray(c, co + 7 * ldc);
    }
}
