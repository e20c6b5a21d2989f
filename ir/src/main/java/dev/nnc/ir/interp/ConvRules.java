package dev.nnc.ir.interp;

import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;

/**
 * 2-D convolution as PyTorch's {@code conv2d} (a cross-correlation): x [N, C, H, W], weight
 * [O, C/groups, KH, KW] (OIHW), optional bias [O]; padding [top, left, bottom, right] adds
 * zeros. Each output is a double sum over its window, in (channel, kh, kw) order, plus bias.
 */
final class ConvRules {
    private ConvRules() {}

    static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int[] dilation,
            int groups, String where) {
        Numerics.requireFloat(x, where);
        DType dt = x.dtype();
        if (w.dtype() != dt || (bias != null && bias.dtype() != dt)) {
            throw new IllegalStateException(where + ": operand dtypes differ: " + x + ", " + w
                    + (bias != null ? ", " + bias : ""));
        }
        int[] xs = x.shape(), ws = w.shape();
        if (xs.length != 4 || ws.length != 4) {
            throw new IllegalStateException(where + ": needs x [N,C,H,W] and weight [O,C/groups,KH,KW], got " + x
                    + " and " + w);
        }
        if (stride.length != 2 || dilation.length != 2 || padding.length != 4) {
            throw new IllegalStateException(where + ": stride and dilation need 2 values, padding 4");
        }
        int n = xs[0], c = xs[1], h = xs[2], wd = xs[3];
        int o = ws[0], cg = ws[1], kh = ws[2], kw = ws[3];
        if (groups < 1 || c % groups != 0 || o % groups != 0 || cg != c / groups) {
            throw new IllegalStateException(where + ": " + x + " with weight " + w + " does not fit groups=" + groups);
        }
        if (bias != null && (bias.rank() != 1 || bias.shape()[0] != o)) {
            throw new IllegalStateException(where + ": bias " + bias + " does not match " + o + " output channels");
        }
        int sh = stride[0], sw = stride[1], dh = dilation[0], dw = dilation[1];
        int pt = padding[0], pl = padding[1], pb = padding[2], pr = padding[3];
        int oh = outSize(h, pt + pb, kh, sh, dh, where);
        int ow = outSize(wd, pl + pr, kw, sw, dw, where);
        int og = o / groups; // output channels per group

        float[] xv = x.floats(), wv = w.floats();
        float[] bv = bias != null ? bias.floats() : null;
        float[] out = new float[n * o * oh * ow];
        int idx = 0;
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                int c0 = (oc / og) * cg; // first input channel of this output channel's group
                for (int y = 0; y < oh; y++) {
                    for (int xx = 0; xx < ow; xx++) {
                        double acc = 0;
                        for (int ci = 0; ci < cg; ci++) {
                            int xPlane = ((b * c) + c0 + ci) * h;
                            int wPlane = (oc * cg + ci) * kh;
                            for (int i = 0; i < kh; i++) {
                                int iy = y * sh - pt + i * dh;
                                if (iy < 0 || iy >= h) continue; // zero padding contributes nothing
                                int xRow = (xPlane + iy) * wd, wRow = (wPlane + i) * kw;
                                for (int j = 0; j < kw; j++) {
                                    int ix = xx * sw - pl + j * dw;
                                    if (ix < 0 || ix >= wd) continue;
                                    acc += (double) xv[xRow + ix] * wv[wRow + j];
                                }
                            }
                        }
                        if (bv != null) acc += bv[oc];
                        out[idx++] = Numerics.round(dt, acc);
                    }
                }
            }
        }
        return Numerics.floats(dt, new int[] {n, o, oh, ow}, out);
    }

    /** floor((in + pad - dilation*(k-1) - 1) / stride) + 1, as PyTorch computes output sizes. */
    static int outSize(int in, int pad, int k, int stride, int dilation, String where) {
        if (stride < 1 || dilation < 1) {
            throw new IllegalStateException(where + ": stride and dilation must be positive");
        }
        int span = dilation * (k - 1) + 1;
        if (in + pad < span) {
            // Types admit this only over a symbolic size, so the input is what is too small.
            throw new InputError(where + ": its window of " + span + " is larger than the padded input size "
                    + (in + pad) + " (" + in + " plus padding " + pad + ")");
        }
        return (in + pad - span) / stride + 1;
    }
}
