package dev.nnc.runtime.kernels;

/**
 * Scalar twin of {@link Conv2dNhwcVector}, for JVMs without the Vector API: per output pixel,
 * the bias row, then one multiply-add of each in-bounds input value with its row of Wt (read
 * from the B panels) over all output channels. Pixels are split over {@link Parallel}. An NCHW
 * x ({@code nchw}) is read with its channels H·W apart.
 */
final class Conv2dNhwcScalar {
    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    private Conv2dNhwcScalar() {}

    static void conv2d(float[] x, int xOff, int batch, int height, int width, int channels, boolean nchw,
                       float[] panels, int outChannels, int kernelH, int kernelW, float[] bias, int biasOff,
                       int strideH, int strideW, int padTop, int padLeft, int dilationH, int dilationW,
                       float[] out, int outOff, int outH, int outW, boolean relu) {
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
        int pixels = batch * outH * outW;
        long work = (long) pixels * outChannels * kernelH * kernelW * channels;
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
        boolean relu, nchw;

        @Override
        public void run(int from, int to) {
            int k = kh * kw * c;
            int pixels = oh * ow;
            // Where channel 0 of pixel (n, iy, ix) lies: xOff + n * image + iy * rowStride + ix * pixelStride.
            int pixelStride = nchw ? 1 : c;
            int channelStride = nchw ? h * w : 1;
            for (int r = from; r < to; r++) {
                int n = r / pixels;
                int q = r - n * pixels;
                int oy = q / ow;
                int ox = q - oy * ow;
                int row = outOff + r * o;
                for (int e = 0; e < o; e++) {
                    out[row + e] = bias == null ? 0f : bias[biasOff + e];
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
                                    out[oo + e] += v * b[bo + e];
                                }
                            }
                        }
                    }
                }
                if (relu) {
                    for (int e = 0; e < o; e++) {
                        out[row + e] = Math.max(out[row + e], 0f);
                    }
                }
            }
        }
    }
}
