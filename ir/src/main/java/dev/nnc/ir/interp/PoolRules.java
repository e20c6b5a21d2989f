package dev.nnc.ir.interp;

import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;

/**
 * Pooling over NCHW windows as PyTorch's {@code max_pool2d}/{@code avg_pool2d} (floor mode):
 * padding is [top, left, bottom, right]; a padded position never wins a max, and counts
 * towards an average's divisor only when {@code count_include_pad} is true.
 */
final class PoolRules {
    private PoolRules() {}

    static Tensor maxPool(Tensor x, int[] kernel, int[] stride, int[] padding, String where) {
        return pool(x, kernel, stride, padding, true, false, where);
    }

    static Tensor avgPool(Tensor x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad,
            String where) {
        return pool(x, kernel, stride, padding, false, countIncludePad, where);
    }

    private static Tensor pool(Tensor x, int[] kernel, int[] stride, int[] padding, boolean max,
            boolean countIncludePad, String where) {
        Numerics.requireFloat(x, where);
        DType dt = x.dtype();
        int[] xs = x.shape();
        if (xs.length != 4) throw new IllegalStateException(where + ": needs x [N,C,H,W], got " + x);
        if (kernel.length != 2 || stride.length != 2 || padding.length != 4) {
            throw new IllegalStateException(where + ": kernel and stride need 2 values, padding 4");
        }
        int n = xs[0], c = xs[1], h = xs[2], w = xs[3];
        int kh = kernel[0], kw = kernel[1], sh = stride[0], sw = stride[1];
        int pt = padding[0], pl = padding[1], pb = padding[2], pr = padding[3];
        int oh = ConvRules.outSize(h, pt + pb, kh, sh, 1, where);
        int ow = ConvRules.outSize(w, pl + pr, kw, sw, 1, where);
        float[] xv = x.floats();
        float[] out = new float[n * c * oh * ow];
        int idx = 0;
        for (int plane = 0; plane < n * c; plane++) {
            int base = plane * h * w;
            for (int y = 0; y < oh; y++) {
                for (int xx = 0; xx < ow; xx++) {
                    double best = Double.NEGATIVE_INFINITY, sum = 0;
                    int inside = 0;
                    for (int i = 0; i < kh; i++) {
                        int iy = y * sh - pt + i;
                        if (iy < 0 || iy >= h) continue;
                        for (int j = 0; j < kw; j++) {
                            int ix = xx * sw - pl + j;
                            if (ix < 0 || ix >= w) continue;
                            double v = xv[base + iy * w + ix];
                            best = Math.max(best, v); // NaN propagates, as in PyTorch
                            sum += v;
                            inside++;
                        }
                    }
                    double r;
                    if (max) {
                        r = best;
                    } else {
                        // In floor mode every window lies inside the padded input, so counting
                        // padding means dividing by the full window.
                        r = sum / (countIncludePad ? kh * kw : inside);
                    }
                    out[idx++] = Numerics.round(dt, r);
                }
            }
        }
        return Numerics.floats(dt, new int[] {n, c, oh, ow}, out);
    }

    /** [N, C, H, W] -> [N, C, 1, 1]: the mean (or max) of each plane. */
    static Tensor global(Tensor x, boolean max, String where) {
        Numerics.requireFloat(x, where);
        DType dt = x.dtype();
        int[] xs = x.shape();
        if (xs.length != 4) throw new IllegalStateException(where + ": needs x [N,C,H,W], got " + x);
        int planes = xs[0] * xs[1], hw = xs[2] * xs[3];
        float[] xv = x.floats();
        float[] out = new float[planes];
        for (int p = 0; p < planes; p++) {
            double best = Double.NEGATIVE_INFINITY, sum = 0;
            for (int i = 0; i < hw; i++) {
                double v = xv[p * hw + i];
                best = Math.max(best, v); // NaN propagates, as in PyTorch
                sum += v;
            }
            out[p] = Numerics.round(dt, max ? best : sum / hw);
        }
        return Numerics.floats(dt, new int[] {xs[0], xs[1], 1, 1}, out);
    }
}
