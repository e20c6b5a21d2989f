package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API path of {@link Pool2dNhwc}: one output pixel, lanes along the channels. Load only when {@link VectorSupport#available()}. */
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
        float empty = avg ? 0f : Float.NEGATIVE_INFINITY;
        int upper = S.loopBound(c);
        int ch = 0;
        for (; ch < upper; ch += L) {
            FloatVector acc = FloatVector.broadcast(S, empty);
            for (int iy = hs; iy < he; iy++) {
                for (int ix = ws, s = image + (iy * w + ws) * c + ch; ix < we; ix++, s += c) {
                    FloatVector v = FloatVector.fromArray(S, x, s);
                    acc = avg ? acc.add(v) : acc.lanewise(VectorOperators.MAX, v);
                }
            }
            (avg ? acc.div(divisor) : acc).intoArray(out, o + ch);
        }
        if (ch < c) {
            VectorMask<Float> tail = S.indexInRange(ch, c);
            FloatVector acc = FloatVector.broadcast(S, empty);
            for (int iy = hs; iy < he; iy++) {
                for (int ix = ws, s = image + (iy * w + ws) * c + ch; ix < we; ix++, s += c) {
                    FloatVector v = FloatVector.fromArray(S, x, s, tail);
                    acc = avg ? acc.add(v) : acc.lanewise(VectorOperators.MAX, v);
                }
            }
            (avg ? acc.div(divisor) : acc).intoArray(out, o + ch, tail);
        }
    }
}
