package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Gather along the middle axis against a naive reference; exact. */
class GatherTest {
    private static float[] check(int outer, int axisLen, int inner, int count, long seed) {
        Random rnd = new Random(seed);
        int dOff = 3;
        int iOff = 2;
        int outOff = 5;
        float[] data = new float[outer * axisLen * inner + dOff + 1];
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextFloat();
        }
        long[] idx = new long[count + iOff + 1];
        idx[0] = 1L << 40; // outside the window: must be ignored
        for (int j = 0; j < count; j++) {
            idx[iOff + j] = rnd.nextInt(2 * axisLen) - axisLen;
        }
        float[] out = new float[outer * count * inner + outOff + 1];
        Arrays.fill(out, -1f);
        Gather.gather(data, dOff, outer, axisLen, inner, idx, iOff, count, out, outOff);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < count; j++) {
                long k = idx[iOff + j] < 0 ? idx[iOff + j] + axisLen : idx[iOff + j];
                for (int i = 0; i < inner; i++) {
                    assertEquals(data[dOff + (int) ((o * axisLen + k) * inner + i)], out[outOff + (o * count + j) * inner + i]);
                }
            }
        }
        assertEquals(-1f, out[outOff - 1]);
        assertEquals(-1f, out[out.length - 1]);
        return out;
    }

    @Test
    void oddShapesWithNegativeIndices() {
        long seed = 1;
        for (int outer : new int[] {1, 3, 7}) {
            for (int axisLen : new int[] {1, 3, 17, 100}) {
                for (int inner : new int[] {1, 3, 33}) {
                    for (int count : new int[] {0, 1, 7, 17}) {
                        check(outer, axisLen, inner, count, seed++);
                    }
                }
            }
        }
    }

    @Test
    void oneAndTwoThreadsAgree() {
        int saved = Parallel.threads();
        try {
            for (int[] s : new int[][] {{1, 50000, 1, 70000}, {3, 1000, 64, 400}}) {
                Parallel.setThreads(1);
                float[] one = check(s[0], s[1], s[2], s[3], 9);
                Parallel.setThreads(2);
                float[] two = check(s[0], s[1], s[2], s[3], 9);
                assertArrayEquals(one, two);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void outOfRangeIndexNamesIndexAndRange() {
        float[] data = new float[2 * 5 * 3];
        float[] out = new float[2 * 3 * 3];
        Arrays.fill(out, 8f);
        // An index out of range is bad input data; an offset out of range is a caller bug.
        RuntimeException e = assertThrows(dev.nnc.runtime.InputMismatchException.class,
                () -> Gather.gather(data, 0, 2, 5, 3, new long[] {0, 4, 5}, 0, 3, out, 0));
        assertTrue(e.getMessage().contains("index 5"), e.getMessage());
        assertTrue(e.getMessage().contains("[-5, 4]"), e.getMessage());
        e = assertThrows(dev.nnc.runtime.InputMismatchException.class, () -> Gather.gather(data, 0, 2, 5, 3, new long[] {-6}, 0, 1, out, 0));
        assertTrue(e.getMessage().contains("index -6"), e.getMessage());
        // Nothing was written by the failing calls.
        for (float v : out) {
            assertEquals(8f, v);
        }
        assertThrows(dev.nnc.runtime.InputMismatchException.class,
                () -> Gather.gather(data, 0, 2, 5, 3, new long[] {Long.MIN_VALUE}, 0, 1, out, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Gather.gather(data, 0, 2, 5, 3, new long[] {0}, 1, 1, out, 0));
    }
}
