package dev.nnc.runtime.kernels;

import java.util.Objects;

/**
 * 2-D max and average pooling over channels-last activations: x is {@code [N, H, W, C]}, out is
 * {@code [N, OH, OW, C]}, with exactly the window, padding and divisor rules of {@link Pool2d}
 * (padding never wins a max, NaN propagates, {@code countIncludePad} clips the divisor to the
 * padded bounds, an empty window gives -inf or 0).
 *
 * <p>Each output pixel combines the window's pixels a vector of contiguous channels at a time
 * (the tail under a mask), so no pass depends on the image width; work is split over output
 * rows of all images. Runs on the Vector API when {@link VectorSupport#available()}, otherwise on
 * the scalar twin. {@code out} must not overlap {@code x}.
 */
public final class Pool2dNhwc {
    private static final boolean VECTOR = VectorSupport.available();

    /** The calling thread's reusable job, so that splitting a call over the pool allocates nothing. */
    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    private Pool2dNhwc() {}

    /** Max pooling; padding is -inf. */
    public static void maxPool(float[] x, int xOff, int batch, int h, int w, int channels, int kernelH, int kernelW,
            int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
            float[] out, int outOff, int outH, int outW) {
        pool(false, false, x, xOff, batch, h, w, channels, kernelH, kernelW, strideH, strideW, padTop, padLeft,
                padBottom, padRight, out, outOff, outH, outW, VECTOR);
    }

    /** Average pooling with PyTorch's {@code count_include_pad} divisor rule. */
    public static void avgPool(float[] x, int xOff, int batch, int h, int w, int channels, int kernelH, int kernelW,
            int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight, boolean countIncludePad,
            float[] out, int outOff, int outH, int outW) {
        pool(true, countIncludePad, x, xOff, batch, h, w, channels, kernelH, kernelW, strideH, strideW, padTop, padLeft,
                padBottom, padRight, out, outOff, outH, outW, VECTOR);
    }

    /** Both pools, with the vector or the scalar path chosen by the caller (tests). */
    static void pool(boolean avg, boolean countIncludePad, float[] x, int xOff, int batch, int h, int w, int channels,
            int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
            float[] out, int outOff, int outH, int outW, boolean vector) {
        if (batch < 0 || channels < 0 || h < 0 || w < 0 || outH < 0 || outW < 0) {
            throw new IllegalArgumentException("negative extent: batch=" + batch + " h=" + h + " w=" + w
                    + " channels=" + channels + " outH=" + outH + " outW=" + outW);
        }
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("kernel and stride must be >= 1: kernel=" + kernelH + "x" + kernelW
                    + " stride=" + strideH + "x" + strideW);
        }
        if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new IllegalArgumentException("negative padding: " + padTop + "," + padLeft + "," + padBottom + "," + padRight);
        }
        long inTotal = (long) batch * h * w * channels;
        long outTotal = (long) batch * outH * outW * channels;
        if (inTotal > Integer.MAX_VALUE || outTotal > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor too large");
        }
        Objects.checkFromIndexSize(xOff, (int) inTotal, x.length);
        Objects.checkFromIndexSize(outOff, (int) outTotal, out.length);
        if (outTotal == 0) {
            return;
        }
        Job job = JOBS.get();
        job.x = x;
        job.out = out;
        job.xOff = xOff;
        job.outOff = outOff;
        job.h = h;
        job.w = w;
        job.c = channels;
        job.kernelH = kernelH;
        job.kernelW = kernelW;
        job.strideH = strideH;
        job.strideW = strideW;
        job.padTop = padTop;
        job.padLeft = padLeft;
        job.padBottom = padBottom;
        job.padRight = padRight;
        job.outH = outH;
        job.outW = outW;
        job.avg = avg;
        job.countIncludePad = countIncludePad;
        job.vector = vector;
        int rows = batch * outH;
        long work = outTotal * kernelH * kernelW;
        try {
            if (work >= Pool2d.PARALLEL_MIN && Parallel.threads() > 1) {
                int grain = (int) Math.max(1, (Pool2d.PARALLEL_MIN / 4) / ((long) outW * channels * kernelH * kernelW));
                Parallel.forBlocks(rows, grain, job);
            } else {
                job.run(0, rows);
            }
        } finally {
            job.x = null;
            job.out = null;
        }
    }

    /** One call's operands; output rows {@code [from, to)} counted over all images. */
    private static final class Job implements Parallel.RangeBody {
        float[] x, out;
        int xOff, outOff, h, w, c, kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight, outH, outW;
        boolean avg, countIncludePad, vector;

        @Override
        public void run(int from, int to) {
            for (int t = from; t < to; t++) {
                int image = xOff + (t / outH) * h * w * c;
                int oy = t % outH;
                int hs0 = oy * strideH - padTop;
                int hs = Math.max(hs0, 0);
                int he = Math.min(hs0 + kernelH, h);
                int rowDivisor = avg ? Pool2d.divisorPart(hs0, kernelH, h, padBottom, countIncludePad) : 0;
                for (int ox = 0; ox < outW; ox++) {
                    int ws0 = ox * strideW - padLeft;
                    int ws = Math.max(ws0, 0);
                    int we = Math.min(ws0 + kernelW, w);
                    int o = outOff + (t * outW + ox) * c;
                    int divisor = avg ? rowDivisor * Pool2d.divisorPart(ws0, kernelW, w, padRight, countIncludePad) : 1;
                    if (divisor == 0) {
                        // An average over padding alone (PyTorch's limits never produce one).
                        java.util.Arrays.fill(out, o, o + c, 0f);
                    } else if (vector) {
                        Pool2dNhwcVector.pixel(x, image, w, c, hs, he, ws, we, avg, divisor, out, o);
                    } else {
                        pixel(image, hs, he, ws, we, divisor, o);
                    }
                }
            }
        }

        /** Scalar: the window's pixels combined into the output row of C channels. */
        private void pixel(int image, int hs, int he, int ws, int we, float divisor, int o) {
            java.util.Arrays.fill(out, o, o + c, avg ? 0f : Float.NEGATIVE_INFINITY);
            for (int iy = hs; iy < he; iy++) {
                for (int ix = ws; ix < we; ix++) {
                    int s = image + (iy * w + ix) * c;
                    for (int ch = 0; ch < c; ch++) {
                        // Math.max: NaN wins, as in PyTorch.
                        out[o + ch] = avg ? out[o + ch] + x[s + ch] : Math.max(out[o + ch], x[s + ch]);
                    }
                }
            }
            if (avg) {
                for (int ch = 0; ch < c; ch++) {
                    out[o + ch] /= divisor;
                }
            }
        }
    }
}
