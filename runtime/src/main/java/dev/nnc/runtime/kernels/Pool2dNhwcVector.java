package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API path of {@link Pool2dNhwc}: lanes along the channels. Load only when {@link VectorSupport#available()}. */
final class Pool2dNhwcVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Pool2dNhwcVector() {}

    /**
     * out[o .. o + c) = max, or sum / divisor, of the window rows [hs, he) x columns [ws, we) of the
     * image at {@code image} (row width w, c channels per pixel). An empty window gives -inf or 0.
     */
    static void pixel(float[] x, int image, int w, int c, int hs, int he, int ws, int we, boolean avg, float divisor,
            float[] out, int o) {
        if (avg) {
            avgPixel(x, image, w, c, hs, he, ws, we, divisor, out, o);
        } else if (he - hs == 2 && we - ws == 2) {
            maxOf4(x, image + (hs * w + ws) * c, w * c, c, out, o);
        } else {
            maxPixel(x, image, w, c, hs, he, ws, we, out, o);
        }
    }

    /**
     * out[o .. o + c) = max over a kh x kw window of pixels of c channels, pixel (wy, wx) at
     * {@code s + wy * rowStride + wx * pixelStride} (a fused convolution's band scratch). NaN
     * wins, as in {@link #pixel}.
     */
    static void maxWindow(float[] x, int s, int rowStride, int pixelStride, int kh, int kw, int c, float[] out, int o) {
        int upper = S.loopBound(c);
        int ch = 0;
        for (; ch < upper; ch += L) {
            FloatVector acc = FloatVector.fromArray(S, x, s + ch);
            for (int wy = 0; wy < kh; wy++) {
                for (int wx = wy == 0 ? 1 : 0, p = s + wy * rowStride + wx * pixelStride + ch; wx < kw; wx++, p += pixelStride) {
                    acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, p));
                }
            }
            acc.intoArray(out, o + ch);
        }
        // The tail is scalar: a masked access whose full span leaves the array (the end of the
        // scratch or of out) takes the Vector API's allocating slow path.
        for (; ch < c; ch++) {
            float acc = x[s + ch];
            for (int wy = 0; wy < kh; wy++) {
                for (int wx = wy == 0 ? 1 : 0, p = s + wy * rowStride + wx * pixelStride + ch; wx < kw; wx++, p += pixelStride) {
                    acc = Math.max(acc, x[p]);
                }
            }
            out[o + ch] = acc;
        }
    }

    /** The max of a whole 2x2 window (the CNNs' pooling): four loads per vector of channels. */
    private static void maxOf4(float[] x, int s, int row, int c, float[] out, int o) {
        int upper = S.loopBound(c);
        int ch = 0;
        for (; ch < upper; ch += L) {
            FloatVector a = FloatVector.fromArray(S, x, s + ch).lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, s + c + ch));
            FloatVector b = FloatVector.fromArray(S, x, s + row + ch)
                    .lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, s + row + c + ch));
            a.lanewise(VectorOperators.MAX, b).intoArray(out, o + ch);
        }
        if (ch < c) {
            VectorMask<Float> m = S.indexInRange(ch, c);
            FloatVector a = FloatVector.fromArray(S, x, s + ch, m)
                    .lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, s + c + ch, m));
            FloatVector b = FloatVector.fromArray(S, x, s + row + ch, m)
                    .lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, s + row + c + ch, m));
            a.lanewise(VectorOperators.MAX, b).intoArray(out, o + ch, m);
        }
    }

    private static void maxPixel(float[] x, int image, int w, int c, int hs, int he, int ws, int we, float[] out, int o) {
        int upper = S.loopBound(c);
        int ch = 0;
        for (; ch < upper; ch += L) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int iy = hs; iy < he; iy++) {
                for (int ix = ws, s = image + (iy * w + ws) * c + ch; ix < we; ix++, s += c) {
                    acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, s));
                }
            }
            acc.intoArray(out, o + ch);
        }
        if (ch < c) {
            VectorMask<Float> m = S.indexInRange(ch, c);
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int iy = hs; iy < he; iy++) {
                for (int ix = ws, s = image + (iy * w + ws) * c + ch; ix < we; ix++, s += c) {
                    acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, s, m));
                }
            }
            acc.intoArray(out, o + ch, m);
        }
    }

    private static void avgPixel(float[] x, int image, int w, int c, int hs, int he, int ws, int we, float divisor,
            float[] out, int o) {
        int upper = S.loopBound(c);
        int ch = 0;
        for (; ch < upper; ch += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int iy = hs; iy < he; iy++) {
                for (int ix = ws, s = image + (iy * w + ws) * c + ch; ix < we; ix++, s += c) {
                    acc = acc.add(FloatVector.fromArray(S, x, s));
                }
            }
            acc.div(divisor).intoArray(out, o + ch);
        }
        if (ch < c) {
            VectorMask<Float> m = S.indexInRange(ch, c);
            FloatVector acc = FloatVector.zero(S);
            for (int iy = hs; iy < he; iy++) {
                for (int ix = ws, s = image + (iy * w + ws) * c + ch; ix < we; ix++, s += c) {
                    acc = acc.add(FloatVector.fromArray(S, x, s, m));
                }
            }
            acc.div(divisor).intoArray(out, o + ch, m);
        }
    }
}
