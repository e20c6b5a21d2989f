package dev.nnc.runtime.kernels;

/**
 * Scalar twin of {@link Conv2dNhwcVector}, for JVMs without the Vector API: per output pixel,
 * the bias row, then one multiply-add of each in-bounds input value with its row of Wt (read
 * from the B panels) over all output channels. Pixels are split over {@link Parallel}. An NCHW
 * x ({@code nchw}) is read with its channels H·W apart. With a fused max pooling each pooled
 * pixel computes its window's pixels into per-thread scratch and keeps their max.
 */
final class Conv2dNhwcScalar {
    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    private Conv2dNhwcScalar() {}

    /**
     * The convolution (output {@code outH x outW}); with {@code poolH > 0} also max-pooled by
     * {@code poolH x poolW} windows at
     * stride = window, floor mode, into out {@code [N, outH / poolH, outW / poolW, O]}: per pooled
     * pixel, its window's convolution pixels into per-thread scratch, then their max.
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
        job.pkh = poolH;
        job.pkw = poolW;
        // Tasks are output pixels: the pooled ones when pooling, each computing its window.
        int window = poolH > 0 ? poolH * poolW : 1;
        int pixels = poolH > 0 ? batch * (outH / poolH) * (outW / poolW) : batch * outH * outW;
        long work = (long) pixels * window * outChannels * kernelH * kernelW * channels;
        try {
            if (work < Gemm.PARALLEL_MIN) {
                job.run(0, pixels);
            } else {
                Parallel.forBlocks(pixels, 64, job);
            }
        } finally {
            job.x = null;
            job.b = null;
            job.bias = null;
            job.out = null;
        }
    }

    private static final class Job implements Parallel.RangeBody {
        float[] x, b, bias, out;
        int xOff, h, w, c, o, kh, kw, biasOff, sh, sw, pt, pl, dh, dw, outOff, oh, ow;
        /** The max pooling's window, 0 x 0 when there is none. */
        int pkh, pkw;
        boolean relu, nchw;

        @Override
        public void run(int from, int to) {
            if (pkh > 0) {
                runPooled(from, to);
                return;
            }
            int pixels = oh * ow;
            for (int r = from; r < to; r++) {
                int n = r / pixels;
                int q = r - n * pixels;
                int oy = q / ow;
                pixel(n, oy, q - oy * ow, out, outOff + r * o);
            }
        }

        /** Pooled pixels [from, to): the window's convolution pixels into scratch, then their max (NaN wins, as in {@link Pool2dNhwc}). */
        private void runPooled(int from, int to) {
            int ph = oh / pkh;
            int pw = ow / pkw;
            int window = pkh * pkw;
            float[] conv = GemmScratch.get().band(window * o);
            for (int r = from; r < to; r++) {
                int n = r / (ph * pw);
                int q = r - n * ph * pw;
                int py = q / pw;
                int px = q - py * pw;
                for (int wy = 0, t = 0; wy < pkh; wy++) {
                    for (int wx = 0; wx < pkw; wx++, t++) {
                        pixel(n, py * pkh + wy, px * pkw + wx, conv, t * o);
                    }
                }
                int d = outOff + r * o;
                for (int e = 0; e < o; e++) {
                    float v = conv[e];
                    for (int t = 1; t < window; t++) {
                        v = Math.max(v, conv[t * o + e]);
                    }
                    out[d + e] = v;
                }
            }
        }

        /** Output pixel (n, oy, ox), all O channels, into dst from {@code row}. */
        private void pixel(int n, int oy, int ox, float[] dst, int row) {
            int k = kh * kw * c;
            // Where channel 0 of pixel (n, iy, ix) lies: xOff + n * image + iy * rowStride + ix * pixelStride.
            int pixelStride = nchw ? 1 : c;
            int channelStride = nchw ? h * w : 1;
            for (int e = 0; e < o; e++) {
                dst[row + e] = bias == null ? 0f : bias[biasOff + e];
            }
            for (int y = 0; y < kh; y++) {
                int iy = oy * sh - pt + y * dh;
                if (iy < 0 || iy >= h) {
                    continue;
                }
                for (int z = 0; z < kw; z++) {
                    int ix = ox * sw - pl + z * dw;
                    if (ix < 0 || ix >= w) {
                        continue;
                    }
                    int src = xOff + n * h * w * c + (iy * w + ix) * pixelStride;
                    int p0 = (y * kw + z) * c;
                    for (int ch = 0; ch < c; ch++) {
                        float v = x[src + ch * channelStride];
                        int p = p0 + ch;
                        for (int j = 0; j < o; j += PackedMatrix.NR) {
                            int width = PackedMatrix.panelWidth(j, o);
                            int cols = Math.min(width, o - j);
                            int bo = j * k + p * width;
                            int oo = row + j;
                            for (int e = 0; e < cols; e++) {
                                dst[oo + e] += v * b[bo + e];
                            }
                        }
                    }
                }
            }
            if (relu) {
                for (int e = 0; e < o; e++) {
                    dst[row + e] = Math.max(dst[row + e], 0f);
                }
            }
        }
    }
}
