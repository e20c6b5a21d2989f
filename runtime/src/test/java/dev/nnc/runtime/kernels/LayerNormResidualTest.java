package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Layer norm of {@code x + residual}: against the double reference of {@link LayerNormTest} on
 * the float sum (what an add kernel before a plain layer norm computes), on both paths, with
 * offsets, a large shared offset, no affine parameters, in place over x or over the residual.
 */
class LayerNormResidualTest {
    private static final float EPS = 1e-5f;

    private static float[] random(Random rnd, int n, float center, float spread) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = center + (rnd.nextFloat() * 2 - 1) * spread;
        }
        return a;
    }

    private static void check(boolean vector, int rows, int cols, float center, boolean affine, long seed) {
        Random rnd = new Random(seed);
        int n = rows * cols;
        int xOff = 4;
        int rOff = 9;
        int outOff = 2;
        float[] x = random(rnd, n + xOff + 1, center, 2f);
        float[] res = random(rnd, n + rOff + 3, 0f, 1f);
        float[] g = affine ? random(rnd, cols + 1, 1f, 0.5f) : null;
        float[] b = affine ? random(rnd, cols + 2, 0f, 1f) : null;
        float[] out = new float[n + outOff + 1];
        java.util.Arrays.fill(out, 42f);
        LayerNorm.layerNorm(x, xOff, res, rOff, g, 1, b, 2, out, outOff, rows, cols, EPS, vector);
        float[] sum = new float[n];
        for (int i = 0; i < n; i++) {
            sum[i] = x[xOff + i] + res[rOff + i];
        }
        double[] ref = LayerNormTest.reference(sum, 0, g, 1, b, 2, rows, cols, EPS);
        for (int i = 0; i < n; i++) {
            double err = Math.abs(out[outOff + i] - ref[i]);
            if (!(err <= 1e-5 * Math.max(1, Math.abs(ref[i])))) {
                throw new AssertionError("vector=" + vector + " [" + rows + "," + cols + "] center " + center + " at " + i
                        + ": got " + out[outOff + i] + ", want " + ref[i]);
            }
        }
        assertEquals(42f, out[outOff - 1]);
        assertEquals(42f, out[outOff + n]);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void matchesTheReferenceOfTheSum(boolean vector) {
        assumeTrue(!vector || LayerNormTest.vectorModule());
        long seed = 1;
        for (int rows : new int[] {1, 3, 7}) {
            for (int cols : new int[] {1, 3, 17, 33, 100, 768}) {
                check(vector, rows, cols, 0f, true, seed++);
                check(vector, rows, cols, 0f, false, seed++);
                check(vector, rows, cols, 100f, true, seed++);
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void nullResidualIsThePlainLayerNormAndInPlaceWorks(boolean vector) {
        assumeTrue(!vector || LayerNormTest.vectorModule());
        Random rnd = new Random(5);
        int rows = 6, cols = 50;
        float[] x = random(rnd, rows * cols, 0f, 3f);
        float[] res = random(rnd, rows * cols, 0f, 3f);
        float[] g = random(rnd, cols, 1f, 0.5f);
        float[] b = random(rnd, cols, 0f, 1f);
        float[] plain = new float[x.length];
        float[] viaNull = new float[x.length];
        LayerNorm.layerNorm(x, 0, g, 0, b, 0, plain, 0, rows, cols, EPS, vector);
        LayerNorm.layerNorm(x, 0, null, 0, g, 0, b, 0, viaNull, 0, rows, cols, EPS, vector);
        assertArrayEquals(plain, viaNull, 1e-6f);

        float[] expected = new float[x.length];
        LayerNorm.layerNorm(x, 0, res, 0, g, 0, b, 0, expected, 0, rows, cols, EPS, vector);
        float[] sum = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            sum[i] = x[i] + res[i];
        }
        float[] twoStep = new float[x.length];
        LayerNorm.layerNorm(sum, 0, g, 0, b, 0, twoStep, 0, rows, cols, EPS, vector);
        assertArrayEquals(twoStep, expected, 1e-6f);

        float[] overX = x.clone();
        LayerNorm.layerNorm(overX, 0, res, 0, g, 0, b, 0, overX, 0, rows, cols, EPS, vector);
        assertArrayEquals(expected, overX, 1e-6f);
        float[] overRes = res.clone();
        LayerNorm.layerNorm(x, 0, overRes, 0, g, 0, b, 0, overRes, 0, rows, cols, EPS, vector);
        assertArrayEquals(expected, overRes, 1e-6f);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void oneAndTwoThreadsAgree(boolean vector) {
        assumeTrue(!vector || LayerNormTest.vectorModule());
        int saved = Parallel.threads();
        try {
            Random rnd = new Random(9);
            float[] x = random(rnd, 97 * 1001, 0f, 2f);
            float[] res = random(rnd, x.length, 0f, 2f);
            Parallel.setThreads(1);
            float[] one = new float[x.length];
            LayerNorm.layerNorm(x, 0, res, 0, null, 0, null, 0, one, 0, 97, 1001, EPS, vector);
            Parallel.setThreads(2);
            float[] two = new float[x.length];
            LayerNorm.layerNorm(x, 0, res, 0, null, 0, null, 0, two, 0, 97, 1001, EPS, vector);
            assertArrayEquals(one, two, 1e-6f);
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void publicEntryPointAndBoundsChecks() {
        float[] x = {1, 2, 3, 0, 0, 0};
        float[] res = {0, 0, 0, 4, 5, 6};
        float[] out = new float[6];
        LayerNorm.layerNorm(x, 0, res, 0, null, 0, null, 0, out, 0, 2, 3, 0f);
        assertEquals(-Math.sqrt(1.5), out[0], 1e-6);
        assertEquals(0f, out[4], 1e-6);
        assertThrows(IndexOutOfBoundsException.class,
                () -> LayerNorm.layerNorm(x, 0, res, 1, null, 0, null, 0, out, 0, 2, 3, 0f));
    }

    /** Scalar path, for the reason ParallelAllocationTest gives; the split job is the same either way. */
    @Test
    void steadyStateCallAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(2);
            Random rnd = new Random(1);
            float[] x = random(rnd, 256 * 256, 0f, 1f);
            float[] res = random(rnd, x.length, 0f, 1f);
            float[] g = random(rnd, 256, 1f, 0.5f);
            float[] out = new float[x.length];
            Runnable call = () -> LayerNorm.layerNorm(x, 0, res, 0, g, 0, null, 0, out, 0, 256, 256, EPS, false);
            for (int i = 0; i < 2_000; i++) {
                call.run();
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20; i++) {
                call.run();
            }
            long bytes = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(bytes < 256, "allocated " + bytes + " bytes in 20 calls");
        } finally {
            Parallel.setThreads(saved);
        }
    }
}
