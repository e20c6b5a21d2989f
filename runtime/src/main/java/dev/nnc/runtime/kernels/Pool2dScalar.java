package dev.nnc.runtime.kernels;

/** Scalar twin of {@link Pool2dVector}: each output reads its clipped window directly. Runs on any JVM. */
final class Pool2dScalar {
    private Pool2dScalar() {}

    static void rows(float[] x, int xOff, float[] out, int outOff, int from, int to, int h, int w, int kernelH, int kernelW,
            int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight, int outH, int outW,
            boolean avg, boolean countIncludePad) {
        for (int t = from; t < to; t++) {
            int plane = xOff + (t / outH) * h * w;
            int oh = t % outH;
            int o = outOff + t * outW;
            int hs0 = oh * strideH - padTop;
            int hs = Math.max(hs0, 0);
            int he = Math.min(hs0 + kernelH, h);
            int rowDivisor = avg ? Pool2d.divisorPart(hs0, kernelH, h, padBottom, countIncludePad) : 0;
            for (int ow = 0; ow < outW; ow++) {
                int ws0 = ow * strideW - padLeft;
                int ws = Math.max(ws0, 0);
                int we = Math.min(ws0 + kernelW, w);
                if (avg) {
                    double sum = 0;
                    for (int ih = hs; ih < he; ih++) {
                        int row = plane + ih * w;
                        for (int iw = ws; iw < we; iw++) {
                            sum += x[row + iw];
                        }
                    }
                    int divisor = rowDivisor * Pool2d.divisorPart(ws0, kernelW, w, padRight, countIncludePad);
                    out[o + ow] = divisor == 0 ? 0f : (float) (sum / divisor);
                } else {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int ih = hs; ih < he; ih++) {
                        int row = plane + ih * w;
                        for (int iw = ws; iw < we; iw++) {
                            // Math.max: branch-free, and NaN wins as in PyTorch.
                            max = Math.max(max, x[row + iw]);
                        }
                    }
                    out[o + ow] = max;
                }
            }
        }
    }
}
