package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Concatenation along the middle axis against a naive reference; exact. */
class ConcatTest {
    private static float[] check(int outer, int inner, int[] axisLens, long seed) {
        Random rnd = new Random(seed);
        int count = axisLens.length;
        float[][] xs = new float[count + 1][];
        int[] offs = new int[count + 1];
        for (int i = 0; i < count; i++) {
            offs[i] = rnd.nextInt(4);
            xs[i] = new float[outer * axisLens[i] * inner + offs[i] + 1];
            for (int k = 0; k < xs[i].length; k++) {
                xs[i][k] = rnd.nextFloat();
            }
        }
        xs[count] = new float[0]; // beyond count: ignored
        int total = Arrays.stream(axisLens).sum();
        int outOff = 3;
        float[] out = new float[outer * total * inner + outOff + 1];
        Arrays.fill(out, -1f);
        Concat.concat(xs, offs, axisLens, count, outer, inner, out, outOff);
        for (int o = 0; o < outer; o++) {
            int a0 = 0;
            for (int i = 0; i < count; i++) {
                for (int a = 0; a < axisLens[i]; a++) {
                    for (int k = 0; k < inner; k++) {
                        assertEquals(xs[i][offs[i] + (o * axisLens[i] + a) * inner + k], out[outOff + (o * total + a0 + a) * inner + k]);
                    }
                }
                a0 += axisLens[i];
            }
        }
        assertEquals(-1f, out[outOff - 1]);
        assertEquals(-1f, out[out.length - 1]);
        return out;
    }

    @Test
    void oddShapes() {
        long seed = 1;
        for (int outer : new int[] {1, 3, 7}) {
            for (int inner : new int[] {1, 3, 17, 100}) {
                check(outer, inner, new int[] {1}, seed++);
                check(outer, inner, new int[] {3, 7}, seed++);
                check(outer, inner, new int[] {17, 0, 33, 1}, seed++);
            }
        }
    }

    @Test
    void oneAndTwoThreadsAgree() {
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = check(300, 7, new int[] {17, 33, 1}, 3);
            Parallel.setThreads(2);
            float[] two = check(300, 7, new int[] {17, 33, 1}, 3);
            assertArrayEquals(one, two);
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void rejectsBadArguments() {
        float[][] xs = {new float[6], new float[6]};
        float[] out = new float[12];
        assertThrows(IllegalArgumentException.class, () -> Concat.concat(xs, new int[2], new int[] {3, 3}, 3, 2, 1, out, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Concat.concat(xs, new int[] {0, 1}, new int[] {3, 3}, 2, 2, 1, out, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Concat.concat(xs, new int[2], new int[] {3, 3}, 2, 2, 1, out, 1));
    }
}
