package dev.nnc.runtime.kernels;

/**
 * 2-D convolution on channels-last activations: x is {@code [N, H, W, C]}, out is
 * {@code [N, OH, OW, O]}, the weights are PyTorch's OIHW {@code [O, C, KH, KW]} (only
 * {@code groups = 1}), zero padding, optional per-channel bias and ReLU.
 *
 * <p>Computed as one GEMM over the whole batch, {@code out[N·OH·OW, O] = patches[N·OH·OW, K] ·
 * Wt[K, O]} with {@code K = KH·KW·C} ordered (kh, kw, c), which is how an NHWC patch lies in
 * memory: each kernel tap is a run of C contiguous channels. The weights are the right operand,
 * packed once into GEMM B panels by {@link #packWeights}; the bias is a column bias. The batch
 * folds into the rows, so small late layers (3×3 outputs) still give long row counts. Runs on the
 * Vector API when {@link Gemm} does, otherwise on a direct scalar loop nest; both split rows over
 * {@link Parallel} and allocate nothing in steady state.
 *
 * <p>x may also be NCHW, {@code [N, C, H, W]} ({@code nchwInput}): the patch gather then reads
 * each channel H·W floats apart instead of next to each other, which converts the layout on the
 * way, so the model needs no transpose before its first NHWC convolution. That gather copies
 * 8 neighbouring pixels' tap at once (see {@link Conv2dNhwcVector}), which is also the fastest
 * way to read one channel (the same memory in both layouts), so one-channel convolutions take
 * it too.
 *
 * <p>{@code conv2dMaxPool} is the convolution followed by a max pooling whose stride is its
 * window (the CNNs' {@code max_pool(2)}), in one pass: the convolution's output is computed a
 * band at a time into per-thread scratch and pooled there, so only the pooled tensor reaches
 * memory and no kernel boundary separates the two.
 */
public final class Conv2dNhwc {
    private Conv2dNhwc() {}

    /**
     * Packs OIHW weights into the B panels of {@code Wt[K, O]}, K ordered (kh, kw, c). Only
     * {@code groups = 1}: a grouped convolution is no single GEMM in this layout.
     */
    public static PackedMatrix packWeights(float[] weight, int wOff, int outChannels, int channels,
                                           int kernelH, int kernelW, int groups) {
        checkGroups(groups);
        if (outChannels < 0 || channels < 0 || kernelH < 1 || kernelW < 1) {
            throw new IllegalArgumentException("bad weight shape: " + outChannels + " x " + channels + " x "
                    + kernelH + " x " + kernelW);
        }
        int k = kernelH * kernelW * channels;
        Gemm.checkMatrix("weight", weight, wOff, k, outChannels, k);
        // OHWI rows are the columns of Wt: pack them as a transposed B.
        float[] ohwi = new float[Math.multiplyExact(outChannels, k)];
        toOhwi(weight, wOff, outChannels, channels, kernelH, kernelW, ohwi);
        return Gemm.packB(ohwi, 0, k, true, k, outChannels);
    }

    /** Convolution of an NHWC x with weights from {@link #packWeights}. */
    public static void conv2d(float[] x, int xOff, int batch, int height, int width, int channels,
                              PackedMatrix weight, int outChannels, int kernelH, int kernelW,
                              float[] bias, int biasOff,
                              int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                              int dilationH, int dilationW, int groups,
                              float[] out, int outOff, int outH, int outW, boolean relu) {
        conv2d(x, xOff, batch, height, width, channels, false, weight, outChannels, kernelH, kernelW, bias, biasOff,
                strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, groups,
                out, outOff, outH, outW, relu);
    }

    /**
     * Convolution with weights from {@link #packWeights}; x is NCHW when {@code nchwInput}, else
     * NHWC (its sizes are given in the same order either way).
     */
    public static void conv2d(float[] x, int xOff, int batch, int height, int width, int channels, boolean nchwInput,
                              PackedMatrix weight, int outChannels, int kernelH, int kernelW,
                              float[] bias, int biasOff,
                              int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                              int dilationH, int dilationW, int groups,
                              float[] out, int outOff, int outH, int outW, boolean relu) {
        conv2dMaxPool(x, xOff, batch, height, width, channels, nchwInput, weight, outChannels, kernelH, kernelW,
                bias, biasOff, strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, groups,
                out, outOff, outH, outW, relu, 1, 1);
    }

    /**
     * Convolution with weights from {@link #packWeights} followed by a max pooling of
     * {@code poolH x poolW} windows at stride = window, no padding, floor mode (NaN wins, as in
     * {@link Pool2dNhwc#maxPool}): out is the pooled {@code [N, outH, outW, O]}, outH = the
     * convolution's height / poolH, outW likewise; convolution rows and columns past the last
     * whole window are not computed. The convolution output is never written: each band of
     * it is pooled from per-thread scratch. x is NCHW when {@code nchwInput}, else NHWC.
     */
    public static void conv2dMaxPool(float[] x, int xOff, int batch, int height, int width, int channels,
                                     boolean nchwInput, PackedMatrix weight, int outChannels, int kernelH, int kernelW,
                                     float[] bias, int biasOff,
                                     int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                                     int dilationH, int dilationW, int groups,
                                     float[] out, int outOff, int outH, int outW, boolean relu, int poolH, int poolW) {
        check(x, xOff, batch, height, width, channels, outChannels, kernelH, kernelW, bias, biasOff,
                strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, groups,
                out, outOff, outH, outW, poolH, poolW);
        int k = kernelH * kernelW * channels;
        if (weight.layout != PackedMatrix.Layout.B_PANELS || weight.rows != k || weight.cols != outChannels) {
            throw new IllegalArgumentException("packed weights " + weight + " do not match " + outChannels + " x "
                    + channels + " x " + kernelH + " x " + kernelW + " (need Conv2dNhwc.packWeights)");
        }
        run(x, xOff, batch, height, width, channels, nchwInput, weight.data, outChannels, kernelH, kernelW, bias, biasOff,
                strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, out, outOff, outH, outW,
                relu, poolH, poolW);
    }

    /** Convolution of an NHWC x with OIHW weights as given, packed into the calling thread's scratch on every call. */
    public static void conv2d(float[] x, int xOff, int batch, int height, int width, int channels,
                              float[] weight, int wOff, int outChannels, int kernelH, int kernelW,
                              float[] bias, int biasOff,
                              int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                              int dilationH, int dilationW, int groups,
                              float[] out, int outOff, int outH, int outW, boolean relu) {
        conv2d(x, xOff, batch, height, width, channels, false, weight, wOff, outChannels, kernelH, kernelW, bias, biasOff,
                strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, groups,
                out, outOff, outH, outW, relu);
    }

    /**
     * Convolution with OIHW weights as given, packed on every call; x is NCHW when
     * {@code nchwInput}, else NHWC.
     */
    public static void conv2d(float[] x, int xOff, int batch, int height, int width, int channels, boolean nchwInput,
                              float[] weight, int wOff, int outChannels, int kernelH, int kernelW,
                              float[] bias, int biasOff,
                              int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                              int dilationH, int dilationW, int groups,
                              float[] out, int outOff, int outH, int outW, boolean relu) {
        conv2dMaxPool(x, xOff, batch, height, width, channels, nchwInput, weight, wOff, outChannels, kernelH, kernelW,
                bias, biasOff, strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, groups,
                out, outOff, outH, outW, relu, 1, 1);
    }

    /** The convolution and max pooling of the overload above, with OIHW weights as given, packed on every call. */
    public static void conv2dMaxPool(float[] x, int xOff, int batch, int height, int width, int channels,
                                     boolean nchwInput, float[] weight, int wOff, int outChannels, int kernelH,
                                     int kernelW, float[] bias, int biasOff,
                                     int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                                     int dilationH, int dilationW, int groups,
                                     float[] out, int outOff, int outH, int outW, boolean relu, int poolH, int poolW) {
        check(x, xOff, batch, height, width, channels, outChannels, kernelH, kernelW, bias, biasOff,
                strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, groups,
                out, outOff, outH, outW, poolH, poolW);
        int k = kernelH * kernelW * channels;
        Gemm.checkMatrix("weight", weight, wOff, k, outChannels, k);
        float[] panels = GemmScratch.get().weights(PackedMatrix.bPanelsSize(k, outChannels));
        packPanels(weight, wOff, outChannels, channels, kernelH, kernelW, panels);
        run(x, xOff, batch, height, width, channels, nchwInput, panels, outChannels, kernelH, kernelW, bias, biasOff,
                strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, out, outOff, outH, outW,
                relu, poolH, poolW);
    }

    /** out is outH x outW pooled by poolH x poolW (1 x 1: no pooling). */
    private static void run(float[] x, int xOff, int batch, int height, int width, int channels, boolean nchwInput,
                            float[] panels, int outChannels, int kernelH, int kernelW, float[] bias, int biasOff,
                            int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                            int dilationH, int dilationW, float[] out, int outOff, int outH, int outW, boolean relu,
                            int poolH, int poolW) {
        if (batch == 0 || outChannels == 0 || outH == 0 || outW == 0) {
            return;
        }
        boolean pooled = poolH * poolW > 1;
        if (pooled) {
            // From here on outH x outW is the convolution's own output.
            outH = Conv2d.outputSize(height, kernelH, strideH, padTop, padBottom, dilationH);
            outW = Conv2d.outputSize(width, kernelW, strideW, padLeft, padRight, dilationW);
        }
        boolean nchw = nchwInput;
        if (channels == 1 || height * width == 1) {
            // The same memory in both layouts: read it the way that suits the shape. One channel at
            // stride 1 or 2 is gathered fastest as NCHW (8 pixels' tap is one vector copy), unless
            // a 1x1 convolution can read x in place.
            boolean inPlace = kernelH == 1 && kernelW == 1 && strideH == 1 && padTop == 0 && padLeft == 0
                    && outH == height && outW == width;
            nchw = channels == 1 && height * width > 1 && strideW <= 2 && !inPlace;
        }
        // With no input channels the output is the bias, which the scalar loop writes.
        int ph = pooled ? poolH : 0, pw = pooled ? poolW : 0;
        if (Gemm.VECTOR && channels > 0) {
            Conv2dNhwcVector.conv2d(x, xOff, batch, height, width, channels, nchw, panels, outChannels, kernelH, kernelW,
                    bias, biasOff, strideH, strideW, padTop, padLeft, dilationH, dilationW, out, outOff, outH, outW, relu, ph, pw);
        } else {
            Conv2dNhwcScalar.conv2d(x, xOff, batch, height, width, channels, nchw, panels, outChannels, kernelH, kernelW,
                    bias, biasOff, strideH, strideW, padTop, padLeft, dilationH, dilationW, out, outOff, outH, outW, relu, ph, pw);
        }
    }

    /** OIHW to OHWI: row o of the result is output channel o's weights in patch order (kh, kw, c). */
    private static void toOhwi(float[] w, int wOff, int o, int c, int kh, int kw, float[] dst) {
        int k = kh * kw * c;
        for (int oc = 0; oc < o; oc++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < kh; y++) {
                    for (int z = 0; z < kw; z++) {
                        dst[oc * k + (y * kw + z) * c + ch] = w[wOff + ((oc * c + ch) * kh + y) * kw + z];
                    }
                }
            }
        }
    }

    /** The B-panel layout of {@link PackedMatrix#packB} written straight from OIHW (no temporary). */
    private static void packPanels(float[] w, int wOff, int o, int c, int kh, int kw, float[] dst) {
        int k = kh * kw * c;
        for (int oc = 0; oc < o; oc++) {
            int j0 = oc / PackedMatrix.NR * PackedMatrix.NR;
            int width = PackedMatrix.panelWidth(j0, o);
            int base = j0 * Math.max(k, 1) + (oc - j0);
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < kh; y++) {
                    for (int z = 0; z < kw; z++) {
                        dst[base + ((y * kw + z) * c + ch) * width] = w[wOff + ((oc * c + ch) * kh + y) * kw + z];
                    }
                }
            }
        }
    }

    private static void checkGroups(int groups) {
        if (groups != 1) {
            throw new IllegalArgumentException("NHWC convolution supports groups = 1 only, got " + groups
                    + " (run grouped convolutions with the NCHW kernel, Conv2d)");
        }
    }

    private static void check(float[] x, int xOff, int batch, int height, int width, int channels,
                              int outChannels, int kernelH, int kernelW, float[] bias, int biasOff,
                              int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                              int dilationH, int dilationW, int groups,
                              float[] out, int outOff, int outH, int outW, int poolH, int poolW) {
        checkGroups(groups);
        if (batch < 0 || channels < 0 || height < 0 || width < 0 || outChannels < 0 || kernelH < 1 || kernelW < 1
                || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1
                || padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new IllegalArgumentException("bad convolution parameters: input " + batch + "x" + height + "x"
                    + width + "x" + channels + " (H x W x C), kernel " + kernelH + "x" + kernelW + ", stride " + strideH
                    + "x" + strideW + ", dilation " + dilationH + "x" + dilationW + ", padding " + padTop + ","
                    + padLeft + "," + padBottom + "," + padRight);
        }
        if (poolH < 1 || poolW < 1) {
            throw new IllegalArgumentException("bad pooling window " + poolH + "x" + poolW);
        }
        // Floor mode: the convolution's output pooled by whole windows.
        int oh = Math.max(0, Conv2d.outputSize(height, kernelH, strideH, padTop, padBottom, dilationH)) / poolH;
        int ow = Math.max(0, Conv2d.outputSize(width, kernelW, strideW, padLeft, padRight, dilationW)) / poolW;
        if (oh != outH || ow != outW) {
            throw new IllegalArgumentException("output " + outH + "x" + outW + " does not match the computed "
                    + oh + "x" + ow + (poolH * poolW > 1 ? " (pooled by " + poolH + "x" + poolW + ")" : ""));
        }
        Gemm.checkMatrix("x", x, xOff, height * width * channels, batch, height * width * channels);
        Gemm.checkMatrix("out", out, outOff, outH * outW * outChannels, batch, outH * outW * outChannels);
        Gemm.checkBias(bias, biasOff, outChannels);
    }
}
