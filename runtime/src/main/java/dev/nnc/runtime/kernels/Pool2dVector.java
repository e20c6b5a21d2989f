package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API path of {@link Pool2d}; load only when {@link VectorSupport#available()}.
 *
 * <p>Separable: for each output row, the window's input rows are first reduced column-wise into
 * a scratch row (vector lanes along the width; a one-row window reads the input row directly),
 * then each output reduces its {@code kernelW} columns of that row: outputs whose window lies
 * inside the row skip clipping and form a vector loop (lanes gathered with the stride when
 * {@code strideW > 1}); the few at the edges clip.
 */
final class Pool2dVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[256]});
    /** Per thread: lane offsets {@code 0, s, 2s, ...} for gathering a strided window, and the stride they hold. */
    private static final ThreadLocal<int[]> LANE_OFFSETS = ThreadLocal.withInitial(() -> new int[L + 1]);

    private Pool2dVector() {}

    static void rows(float[] x, int xOff, float[] out, int outOff, int from, int to, int h, int w, int kernelH, int kernelW,
            int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight, int outH, int outW,
            boolean avg, boolean countIncludePad) {
        float[][] holder = SCRATCH.get();
        if (holder[0].length < w) {
            holder[0] = new float[Math.max(w, 2 * holder[0].length)];
        }
        float[] col = holder[0];
        int[] laneOffsets = LANE_OFFSETS.get();
        if (laneOffsets[L] != strideW) {
            for (int i = 0; i < L; i++) {
                laneOffsets[i] = i * strideW;
            }
            laneOffsets[L] = strideW;
        }
        int upperW = S.loopBound(w);
        for (int t = from; t < to; t++) {
            int plane = xOff + (t / outH) * h * w;
            int oh = t % outH;
            int o = outOff + t * outW;
            int hs0 = oh * strideH - padTop;
            int hs = Math.max(hs0, 0);
            int he = Math.min(hs0 + kernelH, h);
            int rowDivisor = avg ? Pool2d.divisorPart(hs0, kernelH, h, padBottom, countIncludePad) : 0;

            if (he <= hs) {
                // The whole window row lies in padding.
                java.util.Arrays.fill(out, o, o + outW, avg ? 0f : Float.NEGATIVE_INFINITY);
                continue;
            }
            // Column reduction of rows [hs, he) into src[srcOff .. srcOff + w).
            float[] src;
            int srcOff;
            if (he - hs == 1) {
                src = x;
                srcOff = plane + hs * w;
            } else {
                src = col;
                srcOff = 0;
                int r0 = plane + hs * w;
                int i = 0;
                for (; i < upperW; i += L) {
                    FloatVector acc = FloatVector.fromArray(S, x, r0 + i);
                    for (int ih = hs + 1; ih < he; ih++) {
                        FloatVector v = FloatVector.fromArray(S, x, plane + ih * w + i);
                        acc = avg ? acc.add(v) : acc.lanewise(VectorOperators.MAX, v);
                    }
                    acc.intoArray(col, i);
                }
                for (; i < w; i++) {
                    float acc = x[r0 + i];
                    for (int ih = hs + 1; ih < he; ih++) {
                        float v = x[plane + ih * w + i];
                        acc = avg ? acc + v : Math.max(acc, v);
                    }
                    col[i] = acc;
                }
            }

            // Outputs [lo, hi) have their whole window inside [0, w): no clipping, one divisor.
            int lo = Math.min(outW, Math.ceilDiv(padLeft, strideW));
            int hi = Math.max(lo, Math.min(outW, Math.floorDiv(w - kernelW + padLeft, strideW) + 1));
            for (int ow = 0; ow < lo; ow++) {
                out[o + ow] = window(src, srcOff, ow * strideW - padLeft, kernelW, w, padRight, rowDivisor, avg, countIncludePad);
            }
            float divisor = rowDivisor * kernelW;
            int ow = lo;
            if (strideW > 1) {
                // Strided windows: lane i gathers column (ow + i) * strideW - padLeft + k.
                for (int upper = lo + S.loopBound(hi - lo); ow < upper; ow += L) {
                    int base = srcOff + ow * strideW - padLeft;
                    FloatVector acc = FloatVector.fromArray(S, src, base, laneOffsets, 0);
                    for (int k = 1; k < kernelW; k++) {
                        FloatVector v = FloatVector.fromArray(S, src, base + k, laneOffsets, 0);
                        acc = avg ? acc.add(v) : acc.lanewise(VectorOperators.MAX, v);
                    }
                    if (avg) {
                        acc = acc.div(divisor);
                    }
                    acc.intoArray(out, o + ow);
                }
            } else {
                for (int upper = lo + S.loopBound(hi - lo); ow < upper; ow += L) {
                    int base = srcOff + ow - padLeft;
                    FloatVector acc = FloatVector.fromArray(S, src, base);
                    for (int k = 1; k < kernelW; k++) {
                        FloatVector v = FloatVector.fromArray(S, src, base + k);
                        acc = avg ? acc.add(v) : acc.lanewise(VectorOperators.MAX, v);
                    }
                    if (avg) {
                        acc = acc.div(divisor);
                    }
                    acc.intoArray(out, o + ow);
                }
            }
            for (; ow < hi; ow++) {
                int base = srcOff + ow * strideW - padLeft;
                float acc = src[base];
                for (int k = 1; k < kernelW; k++) {
                    acc = avg ? acc + src[base + k] : Math.max(acc, src[base + k]);
                }
                out[o + ow] = avg ? acc / divisor : acc;
            }
            for (; ow < outW; ow++) {
                out[o + ow] = window(src, srcOff, ow * strideW - padLeft, kernelW, w, padRight, rowDivisor, avg, countIncludePad);
            }
        }
    }

    /** One output from a column-reduced row: its window starts (unclipped) at {@code ws0}. */
    private static float window(float[] src, int srcOff, int ws0, int kernelW, int w, int padRight, int rowDivisor,
            boolean avg, boolean countIncludePad) {
        int ws = Math.max(ws0, 0);
        int we = Math.min(ws0 + kernelW, w);
        if (avg) {
            float sum = 0;
            for (int i = ws; i < we; i++) {
                sum += src[srcOff + i];
            }
            int divisor = rowDivisor * Pool2d.divisorPart(ws0, kernelW, w, padRight, countIncludePad);
            return divisor == 0 ? 0f : sum / divisor;
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int i = ws; i < we; i++) {
            max = Math.max(max, src[srcOff + i]);
        }
        return max;
    }
}
