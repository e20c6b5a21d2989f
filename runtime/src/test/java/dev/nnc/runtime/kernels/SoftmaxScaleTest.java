package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Softmax of {@code scale * x}: against a double reference of the float-scaled input (what a
 * multiply kernel before an unscaled softmax computes), on both paths, rows and columns, with
 * positive, negative and tiny scales; a scale of 1 matches the unscaled overload exactly.
 */
class SoftmaxScaleTest {
    private static final float[] SCALES = {0.125f, 1f, -0.5f, 3f, 1e-4f};

    private static float[] random(Random rnd, int n, float spread) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (rnd.nextFloat() * 2 - 1) * spread;
        }
        return a;
    }

    private static float[] scaled(float[] x, float scale) {
        float[] t = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            t[i] = scale * x[i];
        }
        return t;
    }

    private static void check(boolean vector, int outer, int axis, int inner, boolean log, float scale, long seed) {
        Random rnd = new Random(seed);
        int n = outer * axis * inner;
        int xOff = 3;
        int outOff = 6;
        float[] x = random(rnd, n + xOff + 1, 20f);
        float[] out = new float[n + outOff + 2];
        java.util.Arrays.fill(out, -9f);
        Softmax.softmax(x, xOff, out, outOff, outer, axis, inner, log, scale, vector);
        double[] ref = SoftmaxTest.reference(scaled(x, scale), xOff, outer, axis, inner, log);
        for (int i = 0; i < n; i++) {
            double err = Math.abs(out[outOff + i] - ref[i]);
            // Far below the max, x - max rounds in float first: tiny probabilities get an absolute bound.
            double tol = log ? 2e-6 * Math.abs(ref[i]) + 1e-6 : 2e-6 * Math.abs(ref[i]) + 1e-9;
            if (!(err <= tol)) {
                throw new AssertionError("vector=" + vector + " log=" + log + " scale=" + scale + " [" + outer + "," + axis + ","
                        + inner + "] at " + i + ": got " + out[outOff + i] + ", want " + ref[i]);
            }
        }
        for (int i = 0; i < outOff; i++) {
            assertEquals(-9f, out[i]);
        }
        for (int i = outOff + n; i < out.length; i++) {
            assertEquals(-9f, out[i]);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void scaledRowsAndColumnsMatchTheReference(boolean vector) {
        assumeTrue(!vector || SoftmaxTest.vectorModule());
        long seed = 100;
        for (float scale : SCALES) {
            for (int outer : new int[] {1, 4}) {
                for (int axis : new int[] {1, 5, 17, 64, 130}) {
                    for (int inner : new int[] {1, 7, 40}) {
                        check(vector, outer, axis, inner, false, scale, seed++);
                        check(vector, outer, axis, inner, true, scale, seed++);
                    }
                }
            }
        }
        // Long rows (past the flush interval) and wide slabs (past the column chunk).
        check(vector, 2, 4100, 1, false, 0.0625f, 7);
        check(vector, 1, 70, 600, true, -2f, 8);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void scaleOneIsThePlainSoftmaxAndScalingFirstIsTheSame(boolean vector) {
        assumeTrue(!vector || SoftmaxTest.vectorModule());
        Random rnd = new Random(3);
        for (int inner : new int[] {1, 9}) {
            for (boolean log : new boolean[] {false, true}) {
                float[] x = random(rnd, 5 * 33 * inner, 6f);
                float[] plain = new float[x.length];
                float[] one = new float[x.length];
                Softmax.softmax(x, 0, plain, 0, 5, 33, inner, log, vector);
                Softmax.softmax(x, 0, one, 0, 5, 33, inner, log, 1f, vector);
                assertSame(plain, one, vector);
                float[] fused = new float[x.length];
                float[] twoStep = new float[x.length];
                Softmax.softmax(x, 0, fused, 0, 5, 33, inner, log, 0.125f, vector);
                Softmax.softmax(scaled(x, 0.125f), 0, twoStep, 0, 5, 33, inner, log, vector);
                for (int i = 0; i < x.length; i++) {
                    assertEquals(twoStep[i], fused[i], 1e-6 * Math.abs(twoStep[i]) + 1e-7, "at " + i);
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void scaledInPlaceAndTwoThreadsGiveTheSameResult(boolean vector) {
        assumeTrue(!vector || SoftmaxTest.vectorModule());
        int saved = Parallel.threads();
        try {
            for (int[] s : new int[][] {{300, 257, 1}, {2, 70, 600}}) {
                float[] x = random(new Random(s[1]), s[0] * s[1] * s[2], 4f);
                Parallel.setThreads(1);
                float[] one = new float[x.length];
                Softmax.softmax(x, 0, one, 0, s[0], s[1], s[2], false, -0.25f, vector);
                Parallel.setThreads(2);
                float[] two = new float[x.length];
                Softmax.softmax(x, 0, two, 0, s[0], s[1], s[2], false, -0.25f, vector);
                assertSame(one, two, vector);
                Softmax.softmax(x, 0, x, 0, s[0], s[1], s[2], false, -0.25f, vector);
                assertSame(one, x, vector);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /**
     * Bit for bit on the scalar path; within the last float digit on the vector path, whose lane
     * sums may round differently once the JIT has recompiled the kernel between two calls.
     */
    private static void assertSame(float[] expected, float[] actual, boolean vector) {
        if (!vector) {
            assertArrayEquals(expected, actual);
            return;
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 * Math.abs(expected[i]) + 1e-9, "at " + i);
        }
    }

    @Test
    void publicScaledEntryPoint() {
        float[] out = new float[2];
        // softmax(2 * [0, ln(3)/2]) = softmax([0, ln 3]) = [1/4, 3/4].
        Softmax.softmax(new float[] {0, (float) (Math.log(3) / 2)}, 0, out, 0, 1, 2, 1, false, 2f);
        assertArrayEquals(new float[] {0.25f, 0.75f}, out, 1e-7f);
    }

    /**
     * Scalar path: warming the vector path with thousands of calls here would change which JIT
     * tier SoftmaxTest's bit-exact thread check runs in (ParallelAllocationTest covers the
     * vector path, which the unscaled entry point now shares). The split job is the same.
     */
    @Test
    void steadyStateScaledCallAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(2);
            float[] rows = random(new Random(1), 256 * 256, 3f);
            float[] cols = random(new Random(2), 4 * 64 * 512, 3f);
            // The scaled overload with the default path, once, for its argument checks.
            Softmax.softmax(rows, 0, new float[rows.length], 0, 256, 256, 1, false, 0.125f);
            float[] out = new float[cols.length];
            Runnable call = () -> {
                Softmax.softmax(rows, 0, out, 0, 256, 256, 1, false, 0.125f, false);
                Softmax.softmax(cols, 0, out, 0, 4, 64, 512, true, 0.125f, false);
            };
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
