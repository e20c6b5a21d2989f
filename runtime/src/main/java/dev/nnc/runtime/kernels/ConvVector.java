package dev.nnc.runtime.kernels;

import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import static dev.nnc.runtime.kernels.PackedMatrix.MR;
import static dev.nnc.runtime.kernels.PackedMatrix.NR;

/**
 * Convolution as implicit GEMM on {@link GemmVector}'s micro-kernel.
 *
 * <p>Per image and group, {@code out[Og, pixels] = W[Og, K] · col[K, pixels]} with
 * {@code K = Cg·KH·KW}. The weights are prepacked A panels. A task owns one tile of output
 * columns; for each k slice it gathers the tile's B panels straight from the image and runs the
 * macro-kernel, with bias (one per output channel, i.e. per row) and ReLU in the epilogue.
 *
 * <p>Stride 1 uses <em>padded-width</em> columns: in an image padded to {@code Hp x Wp}, the
 * pixel (oh, ow) is column {@code j = oh·Wp + ow}, and row (c, kh, kw) of col is then the
 * contiguous run {@code padded[c][kh·dh][kw·dw + j]}, so gathering a panel is a row copy. The
 * {@code Wp - OW} columns per row that are not outputs are computed and dropped when the tile is
 * copied out; when {@code Wp == OW} (1xN kernels without horizontal padding, e.g. 1x1) the tile
 * is written straight into the output. The padded copy covers only the tile's rows and is skipped
 * when there is no padding. Other strides gather strided runs of input rows into the panels.
 */
final class ConvVector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    /** Deepest k slice; the B block of a tile (kc x tile) is sized to stay in L2. */
    private static final int KC = 1024;
    /** Floats in a tile's B block (512 KiB). */
    private static final int B_BLOCK = 1 << 17;
    private static final int TILE_MAX = 512;

    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    private ConvVector() {}

    static void conv2d(float[] x, int xOff, int batch, int channels, int height, int width,
                       float[] w, int wGroupStride, int outChannels, int kernelH, int kernelW,
                       float[] bias, int biasOff,
                       int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                       int dilationH, int dilationW, int groups,
                       float[] out, int outOff, int outH, int outW, boolean relu) {
        Job job = JOBS.get();
        job.x = x;
        job.xOff = xOff;
        job.c = channels;
        job.h = height;
        job.w = width;
        job.weights = w;
        job.wStride = wGroupStride;
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
        job.groups = groups;
        job.out = out;
        job.outOff = outOff;
        job.oh = outH;
        job.ow = outW;
        job.relu = relu;
        job.plan(batch, padBottom, padRight);
        job.x = null;
        job.weights = null;
        job.bias = null;
        job.out = null;
    }

    /**
     * Copies a short run a vector at a time, the tail under a mask: cheaper than
     * System.arraycopy at the lengths here (an output row, the end of a panel).
     */
    private static void copy(float[] src, int s, float[] dst, int d, int n) {
        int i = 0;
        for (; i + 16 <= n; i += 16) {
            FloatVector.fromArray(F, src, s + i).intoArray(dst, d + i);
        }
        if (i < n) {
            VectorMask<Float> tail = F.indexInRange(i, n);
            FloatVector.fromArray(F, src, s + i, tail).intoArray(dst, d + i, tail);
        }
    }

    /** One convolution call's parameters and partition, reused per calling thread. */
    private static final class Job implements IntConsumer {
        float[] x, weights, bias, out;
        int xOff, c, h, w, wStride, o, kh, kw, biasOff, sh, sw, pt, pl, dh, dw, groups, outOff, oh, ow;
        boolean relu;
        // derived
        private int cg, og, k, kc, kBlocks;
        /** Padded-width (stride 1) scheme, and whether it needs a zero-padded copy. */
        private boolean rowCopy, padCopy, direct;
        private int wp, cols, tile, tiles;

        void plan(int batch, int padBottom, int padRight) {
            cg = c / groups;
            og = o / groups;
            k = cg * kh * kw;
            kBlocks = Math.max(1, (k + KC - 1) / KC);
            kc = (k + kBlocks - 1) / kBlocks;
            rowCopy = sh == 1 && sw == 1;
            wp = w + pl + padRight;
            padCopy = rowCopy && (pt | pl | padBottom | padRight) != 0;
            direct = !rowCopy || wp == ow;
            cols = rowCopy ? (oh - 1) * wp + ow : oh * ow;
            int units = batch * groups;
            long work = (long) units * og * k * cols;
            int threads = work < Gemm.PARALLEL_MIN ? 1 : Parallel.threads();
            int maxTile = Math.max(NR, Math.min(TILE_MAX, B_BLOCK / kc / NR * NR));
            tiles = (cols + maxTile - 1) / maxTile;
            if (threads > 1 && units * tiles < 2 * threads) {
                tiles = Math.min((cols + NR - 1) / NR, (2 * threads + units - 1) / units);
            }
            tile = GemmVector.roundUp((cols + tiles - 1) / tiles, NR);
            tiles = (cols + tile - 1) / tile;
            if (threads == 1) {
                for (int t = 0, n = units * tiles; t < n; t++) {
                    accept(t);
                }
            } else {
                Parallel.forRange(units * tiles, this);
            }
        }

        @Override
        public void accept(int t) {
            int unit = t / tiles;
            int n = unit / groups;
            int g = unit % groups;
            int t0 = (t % tiles) * tile;
            int nt = Math.min(cols, t0 + tile) - t0;
            GemmScratch scratch = GemmScratch.get();
            int xImage = xOff + (n * c + g * cg) * h * w;
            int outBase = outOff + (n * o + g * og) * oh * ow;

            // Where row (c, kh, kw) of col starts, for the padded-width scheme.
            float[] src = x;
            int srcBase = xImage;
            int chanStride = h * w;
            if (padCopy) {
                int r0 = t0 / wp;
                int rows = (t0 + nt - 1) / wp - r0 + (kh - 1) * dh + 2;
                src = scratch.padded(cg * rows * wp);
                padRows(src, xImage, r0, rows);
                srcBase = -r0 * wp;
                chanStride = rows * wp;
            }
            int[] rowOff = scratch.offsets(k);
            for (int p = 0, cc = 0; cc < cg; cc++) {
                for (int y = 0; y < kh; y++) {
                    for (int z = 0; z < kw; z++, p++) {
                        rowOff[p] = rowCopy ? cc * chanStride + y * dh * wp + z * dw : (cc * kh + y) * kw + z;
                    }
                }
            }

            int ntPadded = GemmVector.roundUp(nt, NR);
            float[] bBlock = scratch.b(kc * ntPadded);
            float[] cBuf;
            int cOff;
            int ldc;
            if (direct) {
                cBuf = out;
                cOff = outBase + t0;
                ldc = oh * ow;
            } else {
                cBuf = scratch.out(og * nt);
                cOff = 0;
                ldc = nt;
            }
            int wBase = g * wStride;
            for (int pc = 0; pc < k; pc += kc) {
                int kcs = Math.min(kc, k - pc);
                if (rowCopy) {
                    gatherRows(src, srcBase, rowOff, pc, kcs, t0, nt, bBlock);
                } else {
                    gatherStrided(xImage, rowOff, pc, kcs, t0, nt, bBlock);
                }
                GemmVector.macro(og, nt, kcs, weights, wBase + pc * MR, MR * k, bBlock, 0, NR * kcs, 0,
                        cBuf, cOff, ldc, pc > 0, bias, biasOff + g * og, true, relu && pc + kcs >= k, scratch.tile);
            }
            if (!direct) {
                scatter(cBuf, nt, t0, outBase);
            }
        }

        /** Copies padded rows [r0, r0 + rows) of every channel of the group, zeros outside the image. */
        private void padRows(float[] dst, int xImage, int r0, int rows) {
            for (int cc = 0; cc < cg; cc++) {
                for (int r = 0; r < rows; r++) {
                    int d = (cc * rows + r) * wp;
                    int iy = r0 + r - pt;
                    if (iy < 0 || iy >= h) {
                        java.util.Arrays.fill(dst, d, d + wp, 0f);
                    } else {
                        java.util.Arrays.fill(dst, d, d + pl, 0f);
                        System.arraycopy(x, xImage + (cc * h + iy) * w, dst, d + pl, w);
                        java.util.Arrays.fill(dst, d + pl + w, d + wp, 0f);
                    }
                }
            }
        }

        /**
         * B panels of rows [p0, p0 + kcs), columns [t0, t0 + nt) of col; each row is a run of the
         * padded image, copied a vector at a time.
         */
        private void gatherRows(float[] src, int srcBase, int[] rowOff, int p0, int kcs, int t0, int nt, float[] dst) {
            int full = nt / NR * NR;
            for (int j = 0; j < full; j += NR) {
                int from = srcBase + t0 + j;
                for (int p = 0, d = j * kcs; p < kcs; p++, d += NR) {
                    int s = from + rowOff[p0 + p];
                    FloatVector.fromArray(F, src, s).intoArray(dst, d);
                    FloatVector.fromArray(F, src, s + 16).intoArray(dst, d + 16);
                }
            }
            if (full < nt) {
                int width = PackedMatrix.panelWidth(full, nt);
                int n = nt - full;
                int from = srcBase + t0 + full;
                for (int p = 0, d = full * kcs; p < kcs; p++, d += width) {
                    copy(src, from + rowOff[p0 + p], dst, d, n);
                }
            }
        }

        /**
         * B panels for any stride. Within one output row, row (c, kh, kw) of col reads the input
         * row {@code oy·sh - pt + kh·dh} at a constant stride; the columns whose input falls in
         * the padding are found up front, so the copy loop has no bounds tests.
         */
        private void gatherStrided(int xImage, int[] rowOff, int p0, int kcs, int t0, int nt, float[] dst) {
            int khw = kh * kw;
            for (int j = 0; j < nt; j += NR) {
                int width = PackedMatrix.panelWidth(j, nt);
                int pix0 = t0 + j;
                int pix1 = t0 + Math.min(j + width, nt);
                for (int p = 0; p < kcs; p++) {
                    int q = rowOff[p0 + p];
                    int cc = q / khw;
                    int y = q / kw % kh;
                    int z = q % kw;
                    int chan = xImage + cc * h * w;
                    // output columns ox whose input column ox·sw - pl + z·dw lies in [0, w)
                    int shift = z * dw - pl;
                    int oxLo = shift >= 0 ? 0 : (-shift + sw - 1) / sw;
                    int oxHi = w - 1 - shift < 0 ? -1 : (w - 1 - shift) / sw; // inclusive
                    int d = j * kcs + p * width;
                    for (int pix = pix0; pix < pix1; ) {
                        int oy = pix / ow;
                        int ox0 = pix - oy * ow;
                        int ox1 = Math.min(ow, ox0 + (pix1 - pix)); // exclusive, within this output row
                        int iy = oy * sh - pt + y * dh;
                        if (iy < 0 || iy >= h) {
                            java.util.Arrays.fill(dst, d, d + ox1 - ox0, 0f);
                        } else {
                            int lo = Math.min(Math.max(oxLo, ox0), ox1);
                            int hi = Math.max(Math.min(oxHi + 1, ox1), lo);
                            java.util.Arrays.fill(dst, d, d + lo - ox0, 0f);
                            int src = chan + iy * w + lo * sw + shift;
                            for (int e = d + lo - ox0, end = d + hi - ox0; e < end; e++, src += sw) {
                                dst[e] = x[src];
                            }
                            java.util.Arrays.fill(dst, d + hi - ox0, d + ox1 - ox0, 0f);
                        }
                        d += ox1 - ox0;
                        pix += ox1 - ox0;
                    }
                }
            }
        }

        /** Copies the output pixels of a padded-width tile into the output. */
        private void scatter(float[] buf, int nt, int t0, int outBase) {
            int t1 = t0 + nt;
            for (int row = t0 / wp; row * wp < t1; row++) {
                int from = Math.max(t0, row * wp);
                int to = Math.min(t1, row * wp + ow);
                if (from >= to) {
                    continue;
                }
                for (int oc = 0; oc < og; oc++) {
                    copy(buf, oc * nt + from - t0, out, outBase + oc * oh * ow + row * ow + from - row * wp, to - from);
                }
            }
        }
    }
}
