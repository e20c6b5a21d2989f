package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Strided slices against a naive reference; data movement, so results are exact. */
class SliceTest {
    static float[] reference(float[] x, int xOff, int[] shape, int[] starts, int[] steps, int[] outShape) {
        int n = shape.length;
        int total = Arrays.stream(outShape).reduce(1, (a, b) -> a * b);
        float[] y = new float[total];
        int[] idx = new int[n];
        for (int o = 0; o < total; o++) {
            int rest = o;
            for (int d = n - 1; d >= 0; d--) {
                idx[d] = rest % outShape[d];
                rest /= outShape[d];
            }
            int src = 0;
            for (int d = 0; d < n; d++) {
                src = src * shape[d] + starts[d] + idx[d] * steps[d];
            }
            y[o] = x[xOff + src];
        }
        return y;
    }

    private static float[] check(int[] shape, int[] starts, int[] steps, int[] outShape, long seed) {
        int inTotal = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        int total = Arrays.stream(outShape).reduce(1, (a, b) -> a * b);
        Random rnd = new Random(seed);
        int xOff = 6;
        int outOff = 2;
        float[] x = new float[inTotal + xOff + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat();
        }
        float[] out = new float[total + outOff + 1];
        Arrays.fill(out, -1f);
        Slice.slice(x, xOff, shape, starts, steps, outShape, out, outOff);
        assertArrayEquals(reference(x, xOff, shape, starts, steps, outShape), Arrays.copyOfRange(out, outOff, outOff + total),
                () -> "shape " + Arrays.toString(shape) + " starts " + Arrays.toString(starts) + " steps " + Arrays.toString(steps)
                        + " out " + Arrays.toString(outShape));
        assertEquals(-1f, out[outOff - 1]);
        assertEquals(-1f, out[outOff + total]);
        return out;
    }

    @Test
    void typicalSlices() {
        check(new int[] {2, 7, 5, 3}, new int[] {0, 2, 0, 0}, new int[] {1, 1, 1, 1}, new int[] {2, 3, 5, 3}, 1); // channels
        check(new int[] {3, 17, 33}, new int[] {0, 0, 1}, new int[] {1, 1, 2}, new int[] {3, 17, 16}, 2); // strided last dim
        check(new int[] {3, 17, 33}, new int[] {1, 3, 0}, new int[] {2, 3, 1}, new int[] {1, 5, 33}, 3);
        check(new int[] {100}, new int[] {7}, new int[] {1}, new int[] {93}, 4);
        check(new int[] {100}, new int[] {99}, new int[] {5}, new int[] {1}, 5);
        check(new int[] {4, 6}, new int[] {0, 0}, new int[] {1, 1}, new int[] {4, 6}, 6); // identity
        check(new int[] {4, 1, 6}, new int[] {1, 0, 5}, new int[] {1, 3, 1}, new int[] {3, 1, 1}, 7);
        check(new int[] {4, 6, 1}, new int[] {0, 1, 0}, new int[] {1, 2, 1}, new int[] {4, 3, 1}, 8);
        check(new int[] {}, new int[] {}, new int[] {}, new int[] {}, 9);
        check(new int[] {5, 3}, new int[] {0, 0}, new int[] {1, 1}, new int[] {0, 3}, 10); // empty
    }

    @Test
    void randomSlicesUpToRankFive() {
        Random rnd = new Random(7);
        int[] sizes = {1, 3, 7, 17, 33};
        for (int trial = 0; trial < 500; trial++) {
            int n = 1 + rnd.nextInt(5);
            int[] shape = new int[n];
            int[] starts = new int[n];
            int[] steps = new int[n];
            int[] outShape = new int[n];
            long total = 1;
            for (int d = 0; d < n; d++) {
                shape[d] = sizes[rnd.nextInt(n > 3 ? 3 : sizes.length)];
                starts[d] = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(shape[d]);
                steps[d] = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(4) : 1;
                int max = (shape[d] - starts[d] - 1) / steps[d] + 1;
                outShape[d] = rnd.nextBoolean() ? max : 1 + rnd.nextInt(max);
                total *= shape[d];
            }
            assertTrue(total < 1_000_000);
            check(shape, starts, steps, outShape, trial);
        }
    }

    @Test
    void oneAndTwoThreadsAgree() {
        int saved = Parallel.threads();
        try {
            int[][][] cases = {
                {{4, 100, 90, 7}, {1, 3, 0, 0}, {1, 1, 1, 1}, {3, 90, 90, 7}},
                {{300, 600}, {0, 1}, {1, 2}, {300, 299}},
                {{60, 60, 70}, {2, 1, 3}, {3, 1, 1}, {20, 59, 60}},
            };
            for (int[][] c : cases) {
                Parallel.setThreads(1);
                float[] one = check(c[0], c[1], c[2], c[3], 5);
                Parallel.setThreads(2);
                float[] two = check(c[0], c[1], c[2], c[3], 5);
                assertArrayEquals(one, two);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void steadyStateAllocatesNothing() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int[] shape = {3, 5, 7, 9, 2, 3};
        int[] starts = {1, 0, 2, 1, 0, 0};
        int[] steps = {1, 2, 1, 3, 1, 2};
        int[] outShape = {2, 3, 5, 3, 2, 2};
        float[] x = new float[3 * 5 * 7 * 9 * 2 * 3];
        float[] out = new float[x.length];
        for (int i = 0; i < 3000; i++) {
            Slice.slice(x, 0, shape, starts, steps, outShape, out, 0);
        }
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1000; i++) {
            Slice.slice(x, 0, shape, starts, steps, outShape, out, 0);
        }
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes in 1000 calls");
    }

    @Test
    void rejectsOutOfBoundsSlices() {
        float[] x = new float[12];
        float[] out = new float[12];
        assertThrows(IllegalArgumentException.class,
                () -> Slice.slice(x, 0, new int[] {3, 4}, new int[] {0, 2}, new int[] {1, 1}, new int[] {3, 3}, out, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Slice.slice(x, 0, new int[] {3, 4}, new int[] {0, 0}, new int[] {1, 0}, new int[] {3, 2}, out, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Slice.slice(x, 0, new int[] {3, 4}, new int[] {0}, new int[] {1, 1}, new int[] {3, 3}, out, 0));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Slice.slice(x, 1, new int[] {3, 4}, new int[] {0, 0}, new int[] {1, 1}, new int[] {3, 4}, out, 0));
    }
}
