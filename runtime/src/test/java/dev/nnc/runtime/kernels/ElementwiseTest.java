package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** copy and fill: exact, with offsets, overlap, and the threaded path for large buffers. */
class ElementwiseTest {
    @Test
    void copyAndFillWithOffsets() {
        Random rnd = new Random(1);
        for (int n : new int[] {0, 1, 3, 7, 17, 33, 100}) {
            float[] x = new float[n + 5];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextFloat();
            }
            float[] out = new float[n + 4];
            Arrays.fill(out, -1f);
            Elementwise.copy(x, 5, out, 3, n);
            assertArrayEquals(Arrays.copyOfRange(x, 5, 5 + n), Arrays.copyOfRange(out, 3, 3 + n));
            assertEquals(-1f, out[2]);
            assertEquals(-1f, out[n + 3]);
            Elementwise.fill(out, 1, n, 2.5f);
            assertEquals(-1f, out[0]);
            for (int i = 1; i < n + 1; i++) {
                assertEquals(2.5f, out[i]);
            }
        }
    }

    @Test
    void overlappingCopyBehavesLikeATemporary() {
        float[] a = {0, 1, 2, 3, 4, 5, 6, 7};
        Elementwise.copy(a, 0, a, 2, 6);
        assertArrayEquals(new float[] {0, 1, 0, 1, 2, 3, 4, 5}, a);
        Elementwise.copy(a, 2, a, 0, 6);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 4, 5}, a);
    }

    @Test
    void oneAndTwoThreadsAgree() {
        int saved = Parallel.threads();
        try {
            int n = (1 << 20) + 17;
            float[] x = new float[n + 1];
            for (int i = 0; i < x.length; i++) {
                x[i] = i;
            }
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                float[] out = new float[n + 2];
                Elementwise.copy(x, 1, out, 2, n);
                assertEquals(0f, out[1]);
                for (int i = 0; i < n; i++) {
                    assertEquals(i + 1, out[i + 2], 0f);
                }
                Elementwise.fill(out, 1, n, -3f);
                assertEquals(0f, out[0]);
                assertEquals((float) n, out[n + 1]);
                for (int i = 1; i <= n; i++) {
                    assertEquals(-3f, out[i]);
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void boundsAreChecked() {
        assertThrows(IndexOutOfBoundsException.class, () -> Elementwise.copy(new float[3], 1, new float[3], 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> Elementwise.fill(new float[3], 2, 2, 0f));
    }
}
