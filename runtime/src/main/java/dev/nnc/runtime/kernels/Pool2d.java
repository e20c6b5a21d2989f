package dev.nnc.runtime.kernels;

import java.util.Objects;

/**
 * 2-D max and average pooling over NCHW planes, as {@code torch.nn.functional.max_pool2d} /
 * {@code avg_pool2d} (dilation 1), with separate top/left/bottom/right padding.
 *
 * <p>The caller chooses {@code outH}/{@code outW} (floor or ceil mode); output {@code (oh, ow)}
 * covers input rows {@code oh * strideH - padTop ...} plus {@code kernelH - 1}, clipped to the
 * input, and likewise for columns. Padding never wins a max (it is -inf); a max propagates NaN.
 * For the average, with {@code countIncludePad} the divisor is the window clipped to the padded
 * bounds ({@code h + padBottom}, {@code w + padRight}), otherwise the number of input elements in
 * the window. A window with no input element gives -inf (max) or 0 (average); PyTorch's own
 * limits ({@code pad <= kernel / 2}) never produce one.
 *
 * <p>Work is split over output rows of all {@code batch * channels} planes. The vector path is
 * separable: a vectorized column reduction over the window's rows, then the row reduction
 * (vector lanes too, gathered with the stride when {@code strideW > 1}). {@code out} must not
 * overlap {@code x}.
 */
public final class Pool2d {
    /** Below this many output-window elements a call stays on the calling thread. */
    static final int PARALLEL_MIN = 1 << 16;

    private static final boolean VECTOR = VectorSupport.available();

    /** The calling thread's reusable job, so that splitting a call over the pool allocates nothing. */
    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    private Pool2d() {}

    /** Max pooling; padding is -inf. */
    public static void maxPool(float[] x, int xOff, int batch, int channels, int h, int w, int kernelH, int kernelW,
            int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
            float[] out, int outOff, int outH, int outW) {
        pool(false, false, x, xOff, batch, channels, h, w, kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom,
                padRight, out, outOff, outH, outW, VECTOR);
    }

    /** Average pooling with PyTorch's {@code count_include_pad} divisor rule. */
    public static void avgPool(float[] x, int xOff, int batch, int channels, int h, int w, int kernelH, int kernelW,
            int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight, boolean countIncludePad,
            float[] out, int outOff, int outH, int outW) {
        pool(true, countIncludePad, x, xOff, batch, channels, h, w, kernelH, kernelW, strideH, strideW, padTop, padLeft,
                padBottom, padRight, out, outOff, outH, outW, VECTOR);
    }

    /** Both pools, with the vector or the scalar path chosen by the caller (tests). */
    static void pool(boolean avg, boolean countIncludePad, float[] x, int xOff, int batch, int channels, int h, int w,
            int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
            float[] out, int outOff, int outH, int outW, boolean vector) {
        if (batch < 0 || channels < 0 || h < 0 || w < 0 || outH < 0 || outW < 0) {
            throw new IllegalArgumentException("negative extent: batch=" + batch + " channels=" + channels + " h=" + h
                    + " w=" + w + " outH=" + outH + " outW=" + outW);
        }
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("kernel and stride must be >= 1: kernel=" + kernelH + "x" + kernelW
                    + " stride=" + strideH + "x" + strideW);
        }
        if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new IllegalArgumentException("negative padding: " + padTop + "," + padLeft + "," + padBottom + "," + padRight);
        }
        long planes = (long) batch * channels;
        long inTotal = planes * h * w;
        long outTotal = planes * outH * outW;
        if (inTotal > Integer.MAX_VALUE || outTotal > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor too large");
        }
        Objects.checkFromIndexSize(xOff, (int) inTotal, x.length);
        Objects.checkFromIndexSize(outOff, (int) outTotal, out.length);
        if (outTotal == 0) {
            return;
        }
        int rows = (int) (planes * outH);
        long work = outTotal * kernelH * kernelW;
        if (work >= PARALLEL_MIN && Parallel.threads() > 1) {
            int grain = (int) Math.max(1, (PARALLEL_MIN / 4) / ((long) outW * kernelH * kernelW));
            JOBS.get().split(rows, grain, x, xOff, out, outOff, h, w, kernelH, kernelW, strideH, strideW, padTop, padLeft,
                    padBottom, padRight, outH, outW, avg, countIncludePad, vector);
        } else {
            rows(x, xOff, out, outOff, 0, rows, h, w, kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight,
                    outH, outW, avg, countIncludePad, vector);
        }
    }

    /** Output rows {@code [from, to)} counted over all planes: row t is plane {@code t / outH}, row {@code t % outH}. */
    private static void rows(float[] x, int xOff, float[] out, int outOff, int from, int to, int h, int w, int kernelH,
            int kernelW, int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight, int outH, int outW,
            boolean avg, boolean countIncludePad, boolean vector) {
        if (kernelH == 2 && kernelW == 2 && strideH == 2 && strideW == 2 && padTop == 0 && padLeft == 0
                && padBottom == 0 && padRight == 0 && 2 * outH <= h && 2 * outW <= w) {
            // The CNNs' 2x2/2 pooling: every window is whole, so a tight loop beats the general
            // clipping path, which for rows narrower than a vector never reaches its vector loop.
            halves(x, xOff, out, outOff, from, to, h, w, outH, outW, avg);
            return;
        }
        if (vector) {
            Pool2dVector.rows(x, xOff, out, outOff, from, to, h, w, kernelH, kernelW, strideH, strideW, padTop, padLeft,
                    padBottom, padRight, outH, outW, avg, countIncludePad);
        } else {
            Pool2dScalar.rows(x, xOff, out, outOff, from, to, h, w, kernelH, kernelW, strideH, strideW, padTop, padLeft,
                    padBottom, padRight, outH, outW, avg, countIncludePad);
        }
    }

    /** 2x2 windows with stride 2 and no padding, max or mean, output rows [from, to). */
    private static void halves(float[] x, int xOff, float[] out, int outOff, int from, int to, int h, int w, int outH,
            int outW, boolean avg) {
        for (int t = from; t < to; t++) {
            int plane = t / outH, oh = t % outH;
            int r0 = xOff + (plane * h + 2 * oh) * w;
            int o = outOff + t * outW;
            for (int ow = 0; ow < outW; ow++) {
                int i = r0 + 2 * ow;
                float a = x[i], b = x[i + 1], c = x[i + w], d = x[i + w + 1];
                out[o + ow] = avg ? (a + b + c + d) * 0.25f : Math.max(Math.max(a, b), Math.max(c, d));
            }
        }
    }

    /** One parallel call's operands: set before the split, cleared after so that no array is retained. */
    private static final class Job implements Parallel.RangeBody {
        private float[] x, out;
        private int xOff, outOff, h, w, kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight, outH, outW;
        private boolean avg, countIncludePad, vector;

        void split(int rows, int grain, float[] x, int xOff, float[] out, int outOff, int h, int w, int kernelH, int kernelW,
                int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight, int outH, int outW, boolean avg,
                boolean countIncludePad, boolean vector) {
            this.x = x;
            this.xOff = xOff;
            this.out = out;
            this.outOff = outOff;
            this.h = h;
            this.w = w;
            this.kernelH = kernelH;
            this.kernelW = kernelW;
            this.strideH = strideH;
            this.strideW = strideW;
            this.padTop = padTop;
            this.padLeft = padLeft;
            this.padBottom = padBottom;
            this.padRight = padRight;
            this.outH = outH;
            this.outW = outW;
            this.avg = avg;
            this.countIncludePad = countIncludePad;
            this.vector = vector;
            try {
                Parallel.forBlocks(rows, grain, this);
            } finally {
                this.x = null;
                this.out = null;
            }
        }

        @Override
        public void run(int from, int to) {
            rows(x, xOff, out, outOff, from, to, h, w, kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight,
                    outH, outW, avg, countIncludePad, vector);
        }
    }

    /**
     * The average divisor along one axis for a window starting (unclipped) at {@code start}:
     * the window clipped to the padded extent {@code [-padLow, size + padHigh)} when padding
     * counts, else to the input {@code [0, size)}.
     */
    static int divisorPart(int start, int kernel, int size, int padHigh, boolean countIncludePad) {
        int end = Math.min(start + kernel, size + padHigh);
        if (!countIncludePad) {
            end = Math.min(end, size);
            start = Math.max(start, 0);
        }
        return Math.max(0, end - start);
    }
}
