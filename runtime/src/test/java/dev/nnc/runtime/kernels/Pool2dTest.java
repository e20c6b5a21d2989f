package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Max and average pooling against a direct double reference written from PyTorch's definition,
 * on the scalar and vector path. Tolerances: max exact; average |err| <= 1e-6 * (1 + |ref|).
 */
class Pool2dTest {
    static boolean vectorModule() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** PyTorch's output size, floor or ceil mode (a last window starting in the bottom/right padding is dropped). */
    static int outSize(int in, int k, int s, int padLow, int padHigh, boolean ceil) {
        int span = in + padLow + padHigh - k;
        int o = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (o - 1) * s >= in + padLow) {
            o--;
        }
        return o;
    }

    static double reference(float[] x, int plane, int h, int w, int kH, int kW, int sH, int sW, int pT, int pL, int pB, int pR,
            int oh, int ow, boolean avg, boolean countIncludePad) {
        int hs0 = oh * sH - pT;
        int ws0 = ow * sW - pL;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        int valid = 0;
        int padded = 0;
        for (int ih = hs0; ih < hs0 + kH; ih++) {
            for (int iw = ws0; iw < ws0 + kW; iw++) {
                if (ih < h + pB && iw < w + pR) {
                    padded++;
                }
                if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                    float v = x[plane + ih * w + iw];
                    max = Math.max(max, v);
                    sum += v;
                    valid++;
                }
            }
        }
        if (!avg) {
            return max;
        }
        int divisor = countIncludePad ? padded : valid;
        return divisor == 0 ? 0 : sum / divisor;
    }

    /** One configuration {kH, kW, sH, sW, pT, pL, pB, pR}, both pools, both divisor rules, floor and ceil. */
    private static void check(boolean vector, int batch, int channels, int h, int w, int[] c, long seed) {
        int kH = c[0], kW = c[1], sH = c[2], sW = c[3], pT = c[4], pL = c[5], pB = c[6], pR = c[7];
        if (h + pT + pB < kH || w + pL + pR < kW) {
            return;
        }
        Random rnd = new Random(seed);
        int xOff = 3;
        float[] x = new float[batch * channels * h * w + xOff];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        for (boolean ceil : new boolean[] {false, true}) {
            int outH = outSize(h, kH, sH, pT, pB, ceil);
            int outW = outSize(w, kW, sW, pL, pR, ceil);
            int outOff = 2;
            int n = batch * channels * outH * outW;
            for (int mode = 0; mode < 3; mode++) {
                boolean avg = mode > 0;
                boolean include = mode == 2;
                float[] out = new float[n + outOff + 1];
                java.util.Arrays.fill(out, 5f);
                Pool2d.pool(avg, include, x, xOff, batch, channels, h, w, kH, kW, sH, sW, pT, pL, pB, pR, out, outOff, outH, outW,
                        vector);
                for (int p = 0; p < batch * channels; p++) {
                    for (int oh = 0; oh < outH; oh++) {
                        for (int ow = 0; ow < outW; ow++) {
                            double want = reference(x, xOff + p * h * w, h, w, kH, kW, sH, sW, pT, pL, pB, pR, oh, ow, avg, include);
                            float got = out[outOff + (p * outH + oh) * outW + ow];
                            double tol = avg ? 1e-6 * (1 + Math.abs(want)) : 0;
                            if (!(Math.abs(got - want) <= tol) && !(want == got)) {
                                throw new AssertionError("vector=" + vector + " mode=" + mode + " ceil=" + ceil + " " + h + "x" + w
                                        + " cfg=" + java.util.Arrays.toString(c) + " at p=" + p + " (" + oh + "," + ow + "): got "
                                        + got + ", want " + want);
                            }
                        }
                    }
                }
                assertEquals(5f, out[outOff - 1]);
                assertEquals(5f, out[outOff + n]);
            }
        }
    }

    private static final int[][] CONFIGS = {
        {1, 1, 1, 1, 0, 0, 0, 0},
        {2, 2, 2, 2, 0, 0, 0, 0},
        {3, 3, 2, 2, 1, 1, 1, 1},
        {3, 3, 1, 1, 1, 1, 1, 1},
        {3, 2, 1, 2, 1, 0, 0, 1},
        {1, 3, 3, 1, 0, 1, 0, 1},
        {5, 5, 3, 3, 2, 2, 2, 2},
        {2, 3, 1, 1, 0, 1, 1, 0},
        {7, 7, 1, 1, 3, 3, 3, 3},
        {2, 2, 2, 2, 2, 2, 2, 2}, // windows wholly in padding: max -inf, average 0
    };

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void oddShapesMatchReference(boolean vector) {
        assumeTrue(!vector || vectorModule());
        long seed = 1;
        int[][] sizes = {{1, 1}, {3, 7}, {7, 7}, {17, 33}, {33, 17}, {100, 3}, {5, 100}};
        for (int[] hw : sizes) {
            for (int[] c : CONFIGS) {
                check(vector, 2, 3, hw[0], hw[1], c, seed++);
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void maxPropagatesNaNAndPaddingNeverWins(boolean vector) {
        assumeTrue(!vector || vectorModule());
        float[] x = new float[5 * 40];
        java.util.Arrays.fill(x, -3f);
        x[2 * 40 + 20] = Float.NaN;
        float[] out = new float[5 * 40];
        Pool2d.pool(false, false, x, 0, 1, 1, 5, 40, 3, 3, 1, 1, 1, 1, 1, 1, out, 0, 5, 40, vector);
        for (int oh = 0; oh < 5; oh++) {
            for (int ow = 0; ow < 40; ow++) {
                boolean seesNaN = Math.abs(oh - 2) <= 1 && Math.abs(ow - 20) <= 1;
                float v = out[oh * 40 + ow];
                assertTrue(seesNaN ? Float.isNaN(v) : v == -3f, "at " + oh + "," + ow + ": " + v);
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void oneAndTwoThreadsAgree(boolean vector) {
        assumeTrue(!vector || vectorModule());
        int saved = Parallel.threads();
        try {
            for (int mode = 0; mode < 2; mode++) {
                Random rnd = new Random(mode);
                float[] x = new float[2 * 8 * 57 * 61];
                for (int i = 0; i < x.length; i++) {
                    x[i] = rnd.nextFloat();
                }
                int outH = outSize(57, 3, 2, 1, 1, false);
                int outW = outSize(61, 3, 2, 1, 1, false);
                float[] one = new float[2 * 8 * outH * outW];
                float[] two = new float[one.length];
                Parallel.setThreads(1);
                Pool2d.pool(mode == 1, false, x, 0, 2, 8, 57, 61, 3, 3, 2, 2, 1, 1, 1, 1, one, 0, outH, outW, vector);
                Parallel.setThreads(2);
                Pool2d.pool(mode == 1, false, x, 0, 2, 8, 57, 61, 3, 3, 2, 2, 1, 1, 1, 1, two, 0, outH, outW, vector);
                assertArrayEquals(one, two);
                check(vector, 2, 8, 57, 61, CONFIGS[2], 3);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void publicEntryPointsAndBadArguments() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] out = new float[4];
        Pool2d.maxPool(x, 0, 1, 1, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, out, 0, 2, 2);
        assertArrayEquals(new float[] {5, 6, 8, 9}, out);
        Pool2d.avgPool(x, 0, 1, 1, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, true, out, 0, 2, 2);
        assertArrayEquals(new float[] {1 / 4f, 5 / 4f, 11 / 4f, 7}, out);
        Pool2d.avgPool(x, 0, 1, 1, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, false, out, 0, 2, 2);
        assertArrayEquals(new float[] {1, 2.5f, 5.5f, 7}, out);
        assertThrows(IllegalArgumentException.class, () -> Pool2d.maxPool(x, 0, 1, 1, 3, 3, 0, 2, 1, 1, 0, 0, 0, 0, out, 0, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Pool2d.maxPool(x, 0, 1, 1, 3, 3, 2, 2, 1, 1, -1, 0, 0, 0, out, 0, 2, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> Pool2d.maxPool(x, 0, 1, 1, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, out, 1, 2, 2));
    }
}
