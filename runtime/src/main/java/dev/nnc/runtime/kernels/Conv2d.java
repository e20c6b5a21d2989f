package dev.nnc.runtime.kernels;

/**
 * 2-D convolution, NCHW input, OIHW weights (PyTorch layout {@code [O, C/groups, KH, KW]}), output
 * {@code [N, O, outH, outW]}, zero padding, optional per-channel bias and ReLU.
 *
 * <p>Computed as a GEMM per image and group, {@code out[O/g, pixels] = W[O/g, C/g·KH·KW] ·
 * col[C/g·KH·KW, pixels]}, on the same micro-kernel as {@link Gemm}: the weights are the A panels
 * (pack them once with {@link #packWeights}), and the column matrix is never materialised, its
 * panels are gathered straight from the image inside each task. Work is split over images, groups
 * and pixel tiles. Runs on the Vector API when {@link Gemm} does, otherwise on a direct scalar
 * loop nest.
 */
public final class Conv2d {
    private Conv2d() {}

    /** Convolution with weights as given (repacked into per-thread scratch on every call). */
    public static void conv2d(float[] x, int xOff, int batch, int channels, int height, int width,
                              float[] weight, int wOff, int outChannels, int kernelH, int kernelW,
                              float[] bias, int biasOff,
                              int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                              int dilationH, int dilationW, int groups,
                              float[] out, int outOff, int outH, int outW, boolean relu) {
        check(x, xOff, batch, channels, height, width, outChannels, kernelH, kernelW, bias, biasOff,
                strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, groups,
                out, outOff, outH, outW);
        int cg = channels / groups;
        long weights = (long) outChannels * cg * kernelH * kernelW;
        if (weight == null || wOff < 0 || wOff + weights > weight.length) {
            throw new IndexOutOfBoundsException("weight: " + weights + " floats at offset " + wOff
                    + " do not fit in " + (weight == null ? "null" : weight.length + " floats"));
        }
        if (batch == 0 || outChannels == 0 || outH == 0 || outW == 0) {
            return;
        }
        if (Gemm.VECTOR) {
            int og = outChannels / groups;
            int k = cg * kernelH * kernelW;
            int stride = PackedMatrix.aPanelsSize(og, k);
            float[] packed = GemmScratch.get().weights(stride * groups);
            for (int g = 0; g < groups; g++) {
                PackedMatrix.packAPanels(weight, wOff + g * og * k, k, false, 0, og, 0, k, packed, g * stride, k);
            }
            ConvVector.conv2d(x, xOff, batch, channels, height, width, packed, stride, outChannels, kernelH, kernelW,
                    bias, biasOff, strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW,
                    groups, out, outOff, outH, outW, relu);
        } else {
            ConvScalar.conv2d(x, xOff, batch, channels, height, width, weight, wOff, -1, outChannels, kernelH,
                    kernelW, bias, biasOff, strideH, strideW, padTop, padLeft, padBottom, padRight,
                    dilationH, dilationW, groups, out, outOff, outH, outW, relu);
        }
    }

    /** Convolution with weights from {@link #packWeights}. */
    public static void conv2d(float[] x, int xOff, int batch, int channels, int height, int width,
                              PackedMatrix weight, int outChannels, int kernelH, int kernelW,
                              float[] bias, int biasOff,
                              int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                              int dilationH, int dilationW, int groups,
                              float[] out, int outOff, int outH, int outW, boolean relu) {
        check(x, xOff, batch, channels, height, width, outChannels, kernelH, kernelW, bias, biasOff,
                strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, groups,
                out, outOff, outH, outW);
        int cg = channels / groups;
        if (weight.layout != PackedMatrix.Layout.A_PANELS || weight.groups != groups
                || weight.rows != outChannels / groups || weight.cols != cg * kernelH * kernelW) {
            throw new IllegalArgumentException("packed weights " + weight + " do not match " + outChannels + " x "
                    + cg + " x " + kernelH + " x " + kernelW + " in " + groups + " group(s)");
        }
        if (batch == 0 || outChannels == 0 || outH == 0 || outW == 0) {
            return;
        }
        if (Gemm.VECTOR) {
            ConvVector.conv2d(x, xOff, batch, channels, height, width, weight.data, weight.groupStride, outChannels,
                    kernelH, kernelW, bias, biasOff, strideH, strideW, padTop, padLeft, padBottom, padRight,
                    dilationH, dilationW, groups, out, outOff, outH, outW, relu);
        } else {
            ConvScalar.conv2d(x, xOff, batch, channels, height, width, weight.data, 0, weight.groupStride, outChannels,
                    kernelH, kernelW, bias, biasOff, strideH, strideW, padTop, padLeft, padBottom, padRight,
                    dilationH, dilationW, groups, out, outOff, outH, outW, relu);
        }
    }

    /** Packs OIHW weights ({@code [outChannels, channelsPerGroup, kernelH, kernelW]}) for the second overload. */
    public static PackedMatrix packWeights(float[] weight, int wOff, int outChannels, int channelsPerGroup,
                                           int kernelH, int kernelW, int groups) {
        if (groups < 1 || outChannels < 0 || outChannels % groups != 0 || channelsPerGroup < 0
                || kernelH < 1 || kernelW < 1) {
            throw new IllegalArgumentException("bad weight shape: " + outChannels + " x " + channelsPerGroup + " x "
                    + kernelH + " x " + kernelW + " in " + groups + " group(s)");
        }
        int k = channelsPerGroup * kernelH * kernelW;
        Gemm.checkMatrix("weight", weight, wOff, k, outChannels, k);
        return PackedMatrix.packA(weight, wOff, outChannels / groups, k, groups);
    }

    /** Output extent of one spatial dimension, as PyTorch computes it (floor). */
    public static int outputSize(int in, int kernel, int stride, int padBefore, int padAfter, int dilation) {
        return Math.floorDiv(in + padBefore + padAfter - dilation * (kernel - 1) - 1, stride) + 1;
    }

    private static void check(float[] x, int xOff, int batch, int channels, int height, int width,
                              int outChannels, int kernelH, int kernelW, float[] bias, int biasOff,
                              int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                              int dilationH, int dilationW, int groups,
                              float[] out, int outOff, int outH, int outW) {
        if (groups < 1 || channels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(groups + " groups do not divide " + channels + " input and "
                    + outChannels + " output channels");
        }
        if (batch < 0 || channels < 0 || height < 0 || width < 0 || outChannels < 0 || kernelH < 1 || kernelW < 1
                || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1
                || padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new IllegalArgumentException("bad convolution parameters: input " + batch + "x" + channels + "x"
                    + height + "x" + width + ", kernel " + kernelH + "x" + kernelW + ", stride " + strideH + "x"
                    + strideW + ", dilation " + dilationH + "x" + dilationW + ", padding " + padTop + "," + padLeft
                    + "," + padBottom + "," + padRight);
        }
        int oh = Math.max(0, outputSize(height, kernelH, strideH, padTop, padBottom, dilationH));
        int ow = Math.max(0, outputSize(width, kernelW, strideW, padLeft, padRight, dilationW));
        if (oh != outH || ow != outW) {
            throw new IllegalArgumentException("output " + outH + "x" + outW + " does not match the computed "
                    + oh + "x" + ow);
        }
        Gemm.checkMatrix("x", x, xOff, channels * height * width, batch, channels * height * width);
        Gemm.checkMatrix("out", out, outOff, outChannels * outH * outW, batch, outChannels * outH * outW);
        Gemm.checkBias(bias, biasOff, outChannels);
    }
}
