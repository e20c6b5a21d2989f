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
 * Softmax and log-softmax against a double-precision reference, on the scalar and the vector path.
 * Tolerances: softmax |err| <= 2e-6 * |ref|; log-softmax |err| <= 2e-6 * |ref| + 1e-6.
 */
class SoftmaxTest {
    private static final int[] SIZES = {1, 3, 7, 17, 33, 100};

    static boolean vectorModule() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static float[] random(Random rnd, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return a;
    }

    static double[] reference(float[] x, int xOff, int outer, int axis, int inner, boolean log) {
        double[] y = new double[outer * axis * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int a = 0; a < axis; a++) {
                    max = Math.max(max, x[xOff + (o * axis + a) * inner + i]);
                }
                double sum = 0;
                for (int a = 0; a < axis; a++) {
                    sum += Math.exp(x[xOff + (o * axis + a) * inner + i] - max);
                }
                for (int a = 0; a < axis; a++) {
                    double t = x[xOff + (o * axis + a) * inner + i] - max;
                    y[(o * axis + a) * inner + i] = log ? t - Math.log(sum) : Math.exp(t) / sum;
                }
            }
        }
        return y;
    }

    /** Runs one case and checks it; returns the output for cross-checks. */
    private static float[] check(boolean vector, int outer, int axis, int inner, boolean log, long seed) {
        Random rnd = new Random(seed);
        int n = outer * axis * inner;
        int xOff = 5;
        int outOff = 3;
        float[] x = random(rnd, n + xOff + 2, 8f);
        float[] out = new float[n + outOff + 4];
        java.util.Arrays.fill(out, -7f);
        Softmax.softmax(x, xOff, out, outOff, outer, axis, inner, log, vector);
        double[] ref = reference(x, xOff, outer, axis, inner, log);
        for (int i = 0; i < n; i++) {
            double err = Math.abs(out[outOff + i] - ref[i]);
            double tol = log ? 2e-6 * Math.abs(ref[i]) + 1e-6 : 2e-6 * Math.abs(ref[i]);
            if (err > tol) {
                throw new AssertionError("vector=" + vector + " log=" + log + " [" + outer + "," + axis + "," + inner + "] at " + i
                        + ": got " + out[outOff + i] + ", want " + ref[i] + " (rel " + err / Math.abs(ref[i]) + ")");
            }
        }
        for (int i = 0; i < outOff; i++) {
            assertEquals(-7f, out[i]);
        }
        for (int i = outOff + n; i < out.length; i++) {
            assertEquals(-7f, out[i]);
        }
        return out;
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void oddShapesMatchDoubleReference(boolean vector) {
        assumeTrue(!vector || vectorModule());
        long seed = 1;
        for (int outer : new int[] {1, 3, 7}) {
            for (int axis : SIZES) {
                for (int inner : new int[] {1, 3, 17, 33}) {
                    check(vector, outer, axis, inner, false, seed++);
                    check(vector, outer, axis, inner, true, seed++);
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void longRowsAndColumnsStayAccurate(boolean vector) {
        assumeTrue(!vector || vectorModule());
        // Past the float-to-double flush interval (64 vector steps) and the column chunk (512).
        check(vector, 2, 4096, 1, false, 11);
        check(vector, 2, 4099, 1, true, 12);
        check(vector, 1, 300, 5, false, 13);
        check(vector, 2, 130, 700, false, 14);
        check(vector, 2, 130, 700, true, 15);
        check(vector, 1, 33000, 1, false, 16);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void inPlaceGivesTheSameResult(boolean vector) {
        assumeTrue(!vector || vectorModule());
        for (int inner : new int[] {1, 9}) {
            for (boolean log : new boolean[] {false, true}) {
                Random rnd = new Random(inner);
                float[] x = random(rnd, 4 * 37 * inner, 5f);
                float[] expected = new float[x.length];
                Softmax.softmax(x, 0, expected, 0, 4, 37, inner, log, vector);
                Softmax.softmax(x, 0, x, 0, 4, 37, inner, log, vector);
                assertArrayEquals(expected, x);
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void nanAndInfinityRowsGiveNaN(boolean vector) {
        assumeTrue(!vector || vectorModule());
        float[] x = new float[3 * 20];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 5;
        }
        x[3] = Float.NaN;
        x[20 + 19] = Float.POSITIVE_INFINITY;
        float[] out = new float[x.length];
        Softmax.softmax(x, 0, out, 0, 3, 20, 1, false, vector);
        for (int i = 0; i < 40; i++) {
            assertTrue(Float.isNaN(out[i]), "row with NaN/inf at " + i);
        }
        double sum = 0;
        for (int i = 40; i < 60; i++) {
            sum += out[i];
        }
        assertEquals(1.0, sum, 1e-6);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void oneAndTwoThreadsAgree(boolean vector) {
        assumeTrue(!vector || vectorModule());
        int saved = Parallel.threads();
        try {
            for (int[] s : new int[][] {{300, 257, 1}, {2, 70, 600}}) {
                Parallel.setThreads(1);
                float[] one = check(vector, s[0], s[1], s[2], false, 21);
                Parallel.setThreads(2);
                float[] two = check(vector, s[0], s[1], s[2], false, 21);
                if (vector) {
                    // Same rows, same arithmetic; but the vector exp and lane sums may round differently
                    // once the JIT has recompiled the kernel between the two runs (as for LayerNormTest).
                    assertArrayEquals(one, two, 1e-6f);
                } else {
                    assertArrayEquals(one, two);
                }
                check(vector, s[0], s[1], s[2], true, 22);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @ParameterizedTest(name = "log={0}")
    @ValueSource(booleans = {false, true})
    void vectorAndScalarAgreeClosely(boolean log) {
        assumeTrue(vectorModule());
        Random rnd = new Random(5);
        float[] x = random(rnd, 7 * 100 * 3, 6f);
        float[] a = new float[x.length];
        float[] b = new float[x.length];
        Softmax.softmax(x, 0, a, 0, 7, 100, 3, log, false);
        Softmax.softmax(x, 0, b, 0, 7, 100, 3, log, true);
        for (int i = 0; i < x.length; i++) {
            assertEquals(a[i], b[i], 4e-6 * Math.abs(a[i]) + 1e-6, "at " + i);
        }
    }

    @Test
    void publicEntryPointAndBadArguments() {
        float[] out = new float[4];
        Softmax.softmax(new float[] {0, (float) Math.log(3), 5, 5}, 0, out, 0, 2, 2, 1, false);
        assertArrayEquals(new float[] {0.25f, 0.75f, 0.5f, 0.5f}, out, 1e-7f);
        Softmax.softmax(new float[] {1, 1}, 0, out, 0, 1, 2, 1, true);
        assertEquals((float) -Math.log(2), out[0], 1e-7f);
        assertThrows(IllegalArgumentException.class, () -> Softmax.softmax(new float[4], 0, out, 0, -1, 2, 2, false));
        assertThrows(IndexOutOfBoundsException.class, () -> Softmax.softmax(new float[4], 1, out, 0, 1, 2, 2, false));
    }
}
