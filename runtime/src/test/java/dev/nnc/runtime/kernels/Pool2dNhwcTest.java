package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Channels-last max and average pooling against a direct double reference written from
 * PyTorch's definition (the same as {@code Pool2dTest}'s, read NHWC), on the scalar and vector
 * path, one and two threads. Seeded random shapes: channel counts below, at and above a vector
 * (1, 3, 16, 17, 35, 64), padding, strides, ceil-mode output sizes, count_include_pad both ways.
 * Tolerances: max exact; average |err| <= 1e-6 * (1 + |ref|).
 */
class Pool2dNhwcTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    static double reference(float[] x, int image, int h, int w, int c, int ch, int kH, int kW, int sH, int sW,
            int pT, int pL, int pB, int pR, int oh, int ow, boolean avg, boolean countIncludePad) {
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
                    float v = x[image + (ih * w + iw) * c + ch];
                    max = Float.isNaN(v) || Double.isNaN(max) ? Double.NaN : Math.max(max, v);
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

    @Test
    void randomShapesMatchTheReference() {
        Random random = new Random(20240611);
        int[] channelCounts = {1, 3, 16, 17, 35, 64};
        for (int trial = 0; trial < 120; trial++) {
            int n = 1 + random.nextInt(3);
            int c = channelCounts[trial % channelCounts.length];
            int kH = 1 + random.nextInt(4);
            int kW = 1 + random.nextInt(4);
            int sH = 1 + random.nextInt(3);
            int sW = 1 + random.nextInt(3);
            int pT = random.nextInt(kH / 2 + 1);
            int pL = random.nextInt(kW / 2 + 1);
            int pB = random.nextInt(kH / 2 + 1);
            int pR = random.nextInt(kW / 2 + 1);
            int h = kH + random.nextInt(12);
            int w = kW + random.nextInt(12);
            boolean ceil = random.nextBoolean();
            int outH = Pool2dTest.outSize(h, kH, sH, pT, pB, ceil);
            int outW = Pool2dTest.outSize(w, kW, sW, pL, pR, ceil);
            boolean avg = random.nextBoolean();
            boolean cip = random.nextBoolean();
            float[] x = new float[3 + n * h * w * c];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextFloat() * 4 - 2;
            }
            if (trial % 10 == 0) {
                x[3 + random.nextInt(n * h * w * c)] = Float.NaN;
            }
            String what = "trial " + trial + ": " + (avg ? "avg" : "max") + " x[" + n + "," + h + "," + w + "," + c
                    + "] kernel " + kH + "x" + kW + " stride " + sH + "x" + sW + " pad " + pT + "," + pL + "," + pB + ","
                    + pR + " out " + outH + "x" + outW + " cip=" + cip;
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                for (boolean vector : VectorSupport.available() ? new boolean[] {false, true} : new boolean[] {false}) {
                    float[] out = new float[5 + n * outH * outW * c];
                    java.util.Arrays.fill(out, -777f);
                    Pool2dNhwc.pool(avg, cip, x, 3, n, h, w, c, kH, kW, sH, sW, pT, pL, pB, pR, out, 5, outH, outW, vector);
                    check(what + (vector ? " vector" : " scalar") + " threads " + threads, x, n, h, w, c, kH, kW, sH, sW,
                            pT, pL, pB, pR, outH, outW, avg, cip, out);
                }
            }
        }
    }

    @Test
    void largeCallSplitOverThreadsMatchesNchwPooling() {
        // Above the parallel threshold: NHWC pooling equals the NCHW kernel on the transposed input.
        Parallel.setThreads(2);
        Random random = new Random(3);
        int n = 4, c = 40, h = 26, w = 26;
        float[] nchw = new float[n * c * h * w];
        for (int i = 0; i < nchw.length; i++) {
            nchw[i] = random.nextFloat();
        }
        float[] nhwc = new float[nchw.length];
        Transpose.transpose(nchw, 0, new int[] {n, c, h, w}, new int[] {0, 2, 3, 1}, nhwc, 0);
        float[] expected = new float[n * c * 13 * 13];
        float[] expectedNhwc = new float[expected.length];
        float[] got = new float[expected.length];
        Pool2d.maxPool(nchw, 0, n, c, h, w, 2, 2, 2, 2, 0, 0, 0, 0, expected, 0, 13, 13);
        Transpose.transpose(expected, 0, new int[] {n, c, 13, 13}, new int[] {0, 2, 3, 1}, expectedNhwc, 0);
        Pool2dNhwc.maxPool(nhwc, 0, n, h, w, c, 2, 2, 2, 2, 0, 0, 0, 0, got, 0, 13, 13);
        for (int i = 0; i < got.length; i++) {
            assertEquals(expectedNhwc[i], got[i], "element " + i);
        }
    }

    @Test
    void steadyStateCallAllocatesNothingOnTheCaller() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Parallel.setThreads(2);
        float[] x = new float[8 * 26 * 26 * 32];
        float[] out = new float[8 * 13 * 13 * 32];
        float[] avg = new float[8 * 26 * 26 * 32];
        Runnable call = () -> {
            Pool2dNhwc.maxPool(x, 0, 8, 26, 26, 32, 2, 2, 2, 2, 0, 0, 0, 0, out, 0, 13, 13);
            Pool2dNhwc.avgPool(x, 0, 8, 26, 26, 32, 3, 3, 1, 1, 1, 1, 1, 1, false, avg, 0, 26, 26);
        };
        for (int i = 0; i < 2000; i++) {
            call.run();
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20; i++) {
            call.run();
        }
        long bytes = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(bytes < 256, "allocated " + bytes + " bytes in 20 calls");
    }

    @Test
    void rejectsBadArguments() {
        float[] x = new float[2 * 4 * 4 * 3];
        float[] out = new float[2 * 2 * 2 * 3];
        assertThrows(IllegalArgumentException.class,
                () -> Pool2dNhwc.maxPool(x, 0, 2, 4, 4, 3, 0, 2, 2, 2, 0, 0, 0, 0, out, 0, 2, 2));
        assertThrows(IllegalArgumentException.class,
                () -> Pool2dNhwc.avgPool(x, 0, 2, 4, 4, 3, 2, 2, 2, 2, -1, 0, 0, 0, true, out, 0, 2, 2));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Pool2dNhwc.maxPool(x, 1, 2, 4, 4, 3, 2, 2, 2, 2, 0, 0, 0, 0, out, 0, 2, 2));
    }

    private static void check(String what, float[] x, int n, int h, int w, int c, int kH, int kW, int sH, int sW,
            int pT, int pL, int pB, int pR, int outH, int outW, boolean avg, boolean cip, float[] out) {
        for (int i = 0; i < 5; i++) {
            assertTrue(out[i] == -777f, what + ": wrote before the output");
        }
        for (int img = 0; img < n; img++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    for (int ch = 0; ch < c; ch++) {
                        double ref = reference(x, 3 + img * h * w * c, h, w, c, ch, kH, kW, sH, sW, pT, pL, pB, pR, oy, ox,
                                avg, cip);
                        float got = out[5 + ((img * outH + oy) * outW + ox) * c + ch];
                        boolean ok = Double.isNaN(ref) ? Float.isNaN(got)
                                : avg ? Math.abs(got - ref) <= 1e-6 * (1 + Math.abs(ref)) : got == (float) ref;
                        if (!ok) {
                            fail(what + ": out[" + img + "][" + oy + "][" + ox + "][" + ch + "] = " + got + ", expected " + ref);
                        }
                    }
                }
            }
        }
    }
}
