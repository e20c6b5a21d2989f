package dev.nnc.runtime.kernels;

/**
 * The scalar twin of {@link ConvVector}: a direct loop nest, parallel over (image, output
 * channel). Reads weights either in OIHW order ({@code groupStride < 0}) or as A panels.
 */
final class ConvScalar {
    private ConvScalar() {}

    static void conv2d(float[] x, int xOff, int batch, int channels, int height, int width,
                       float[] w, int wOff, int groupStride, int outChannels, int kernelH, int kernelW,
                       float[] bias, int biasOff,
                       int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                       int dilationH, int dilationW, int groups,
                       float[] out, int outOff, int outH, int outW, boolean relu) {
        int cg = channels / groups;
        int og = outChannels / groups;
        int k = cg * kernelH * kernelW;
        long work = (long) batch * outChannels * outH * outW * k;
        Parallel.RangeBody body = (from, to) -> {
            for (int unit = from; unit < to; unit++) {
                int n = unit / outChannels;
                int o = unit % outChannels;
                int g = o / og;
                int oig = o % og;
                float b = bias == null ? 0f : bias[biasOff + o];
                int xImage = xOff + (n * channels + g * cg) * height * width;
                int dst = outOff + (n * outChannels + o) * outH * outW;
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++) {
                        float sum = b;
                        for (int c = 0; c < cg; c++) {
                            for (int ky = 0; ky < kernelH; ky++) {
                                int iy = oy * strideH - padTop + ky * dilationH;
                                if (iy < 0 || iy >= height) {
                                    continue;
                                }
                                for (int kx = 0; kx < kernelW; kx++) {
                                    int ix = ox * strideW - padLeft + kx * dilationW;
                                    if (ix < 0 || ix >= width) {
                                        continue;
                                    }
                                    int p = (c * kernelH + ky) * kernelW + kx;
                                    float wv = groupStride < 0
                                            ? w[wOff + o * k + p]
                                            : w[wOff + g * groupStride + (oig / PackedMatrix.MR) * PackedMatrix.MR * k
                                                    + p * PackedMatrix.MR + oig % PackedMatrix.MR];
                                    sum += wv * x[xImage + (c * height + iy) * width + ix];
                                }
                            }
                        }
                        out[dst + oy * outW + ox] = relu ? Math.max(sum, 0f) : sum;
                    }
                }
            }
        };
        int units = batch * outChannels;
        if (work < Gemm.PARALLEL_MIN) {
            body.run(0, units);
        } else {
            Parallel.forBlocks(units, 1, body);
        }
    }
}
