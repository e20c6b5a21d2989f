package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** N-d permutations against a naive index-by-index reference; data movement, so results are exact. */
class TransposeTest {
    static float[] reference(float[] x, int xOff, int[] shape, int[] perm) {
        int n = shape.length;
        int[] stride = new int[n];
        int total = 1;
        for (int d = n - 1; d >= 0; d--) {
            stride[d] = total;
            total *= shape[d];
        }
        float[] y = new float[total];
        int[] idx = new int[n];
        for (int o = 0; o < total; o++) {
            int rest = o;
            for (int i = n - 1; i >= 0; i--) {
                idx[i] = rest % shape[perm[i]];
                rest /= shape[perm[i]];
            }
            int src = 0;
            for (int i = 0; i < n; i++) {
                src += idx[i] * stride[perm[i]];
            }
            y[o] = x[xOff + src];
        }
        return y;
    }

    private static float[] check(int[] shape, int[] perm, long seed) {
        int total = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        Random rnd = new Random(seed);
        int xOff = 4;
        int outOff = 9;
        float[] x = new float[total + xOff + 1];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat();
        }
        float[] out = new float[total + outOff + 2];
        Arrays.fill(out, -1f);
        Transpose.transpose(x, xOff, shape, perm, out, outOff);
        float[] want = reference(x, xOff, shape, perm);
        assertArrayEquals(want, Arrays.copyOfRange(out, outOff, outOff + total),
                () -> "shape " + Arrays.toString(shape) + " perm " + Arrays.toString(perm));
        assertEquals(-1f, out[outOff - 1]);
        assertEquals(-1f, out[outOff + total]);
        return out;
    }

    @Test
    void lastTwoSwapped() {
        int[] sizes = {1, 3, 7, 17, 33, 100};
        long seed = 1;
        for (int r : sizes) {
            for (int c : sizes) {
                check(new int[] {r, c}, new int[] {1, 0}, seed++);
                check(new int[] {3, r, c}, new int[] {0, 2, 1}, seed++);
                check(new int[] {2, 1, r, c}, new int[] {0, 1, 3, 2}, seed++);
            }
        }
    }

    @Test
    void lastDimensionKept() {
        check(new int[] {2, 3, 7, 17}, new int[] {0, 2, 1, 3}, 1); // [B, H, S, D] -> [B, S, H, D]
        check(new int[] {7, 3, 33}, new int[] {1, 0, 2}, 2);
        check(new int[] {3, 5, 7, 2}, new int[] {2, 1, 0, 3}, 3);
        check(new int[] {1, 1, 100}, new int[] {1, 0, 2}, 4);
    }

    @Test
    void generalPermutationsAndMergedDims() {
        check(new int[] {2, 3, 7, 17}, new int[] {0, 2, 3, 1}, 1); // NCHW -> NHWC, merges H and W
        check(new int[] {2, 7, 17, 3}, new int[] {0, 3, 1, 2}, 2); // NHWC -> NCHW
        check(new int[] {3, 5, 7}, new int[] {2, 1, 0}, 3);
        check(new int[] {3, 5, 7}, new int[] {2, 0, 1}, 4);
        check(new int[] {3, 5, 7}, new int[] {1, 2, 0}, 5);
        check(new int[] {7}, new int[] {0}, 6);
        check(new int[] {}, new int[] {}, 7);
        check(new int[] {1, 1, 1}, new int[] {2, 0, 1}, 8);
        check(new int[] {2, 0, 3}, new int[] {2, 0, 1}, 9);
    }

    @Test
    void randomPermutationsUpToRankSix() {
        Random rnd = new Random(42);
        int[] sizes = {1, 2, 3, 5, 7};
        for (int trial = 0; trial < 400; trial++) {
            int n = 1 + rnd.nextInt(6);
            int[] shape = new int[n];
            int[] perm = new int[n];
            for (int d = 0; d < n; d++) {
                shape[d] = sizes[rnd.nextInt(sizes.length)];
                perm[d] = d;
            }
            for (int d = n - 1; d > 0; d--) {
                int j = rnd.nextInt(d + 1);
                int t = perm[d];
                perm[d] = perm[j];
                perm[j] = t;
            }
            check(shape, perm, trial);
        }
    }

    @Test
    void oneAndTwoThreadsAgree() {
        int saved = Parallel.threads();
        try {
            int[][][] cases = {
                {{4, 130, 170}, {0, 2, 1}},
                {{8, 40, 30, 9}, {0, 2, 1, 3}},
                {{6, 20, 30, 25}, {3, 1, 0, 2}},
            };
            for (int[][] c : cases) {
                Parallel.setThreads(1);
                float[] one = check(c[0], c[1], 5);
                Parallel.setThreads(2);
                float[] two = check(c[0], c[1], 5);
                assertArrayEquals(one, two);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void steadyStateAllocatesNothing() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int[] shape = {2, 3, 5, 7, 3, 2};
        int[] perm = {5, 3, 1, 0, 2, 4};
        float[] x = new float[2 * 3 * 5 * 7 * 3 * 2];
        float[] out = new float[x.length];
        int[] shape2 = {3, 17, 9};
        int[] perm2 = {0, 2, 1};
        for (int i = 0; i < 2000; i++) {
            Transpose.transpose(x, 0, shape, perm, out, 0);
            Transpose.transpose(x, 0, shape2, perm2, out, 0);
        }
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1000; i++) {
            Transpose.transpose(x, 0, shape, perm, out, 0);
            Transpose.transpose(x, 0, shape2, perm2, out, 0);
        }
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        // Per-call allocation would be >= 16 bytes * 2000 calls; leave slack for the measurement itself.
        assertEquals(true, allocated < 4096, "allocated " + allocated + " bytes in 2000 calls");
    }

    @Test
    void rejectsBadPermutations() {
        float[] x = new float[6];
        assertThrows(IllegalArgumentException.class, () -> Transpose.transpose(x, 0, new int[] {2, 3}, new int[] {0, 0}, x.clone(), 0));
        assertThrows(IllegalArgumentException.class, () -> Transpose.transpose(x, 0, new int[] {2, 3}, new int[] {0, 2}, x.clone(), 0));
        assertThrows(IllegalArgumentException.class, () -> Transpose.transpose(x, 0, new int[] {2, 3}, new int[] {0}, x.clone(), 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Transpose.transpose(x, 1, new int[] {2, 3}, new int[] {1, 0}, x.clone(), 0));
    }
}
