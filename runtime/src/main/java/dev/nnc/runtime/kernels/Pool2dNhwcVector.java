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
