package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Layer norm against a double-precision two-pass reference, on the scalar and the vector path.
 * Tolerance: |err| <= 1e-5 * max(1, |ref|), including rows of 100 ± 1 (large shared offset).
 */
class LayerNormTest {
    private static final float EPS = 1e-5f;

    static boolean vectorModule() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    static double[] reference(float[] x, int xOff, float[] g, int gOff, float[] b, int bOff, int rows, int cols, float eps) {
        double[] y = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            for (int i = 0; i < cols; i++) {
                mean += x[xOff + r * cols + i];
            }
            mean /= cols;
            double var = 0;
            for (int i = 0; i < cols; i++) {
                double d = x[xOff + r * cols + i] - mean;
                var += d * d;
            }
            var /= cols;
            double rstd = 1 / Math.sqrt(var + eps);
            for (int i = 0; i < cols; i++) {
                double v = (x[xOff + r * cols + i] - mean) * rstd;
                v = v * (g == null ? 1 : g[gOff + i]) + (b == null ? 0 : b[bOff + i]);
                y[r * cols + i] = v;
            }
        }
        return y;
    }

    /** Values {@code center + U(-spread, spread)}; gamma in [0.5, 1.5], beta in [-1, 1] unless null. */
    private static float[] check(boolean vector, int rows, int cols, float center, float spread, boolean affine, long seed) {
        Random rnd = new Random(seed);
        int n = rows * cols;
        int xOff = 7;
        int gOff = 2;
        int bOff = 5;
        int outOff = 1;
        float[] x = new float[n + xOff + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = center + (rnd.nextFloat() * 2 - 1) * spread;
        }
        float[] g = null;
        float[] b = null;
        if (affine) {
            g = new float[cols + gOff];
            b = new float[cols + bOff + 1];
            for (int i = 0; i < g.length; i++) {
                g[i] = 0.5f + rnd.nextFloat();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = rnd.nextFloat() * 2 - 1;
            }
        }
        float[] out = new float[n + outOff + 2];
        java.util.Arrays.fill(out, 42f);
        LayerNorm.layerNorm(x, xOff, g, gOff, b, bOff, out, outOff, rows, cols, EPS, vector);
        double[] ref = reference(x, xOff, g, gOff, b, bOff, rows, cols, EPS);
        for (int i = 0; i < n; i++) {
            double err = Math.abs(out[outOff + i] - ref[i]);
            if (err > 1e-5 * Math.max(1, Math.abs(ref[i]))) {
                throw new AssertionError("vector=" + vector + " [" + rows + "," + cols + "] center " + center + " at " + i + ": got "
                        + out[outOff + i] + ", want " + ref[i]);
            }
        }
        assertEquals(42f, out[0]);
        assertEquals(42f, out[outOff + n]);
        return out;
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void oddShapesMatchDoubleReference(boolean vector) {
        assumeTrue(!vector || vectorModule());
        long seed = 1;
        for (int rows : new int[] {1, 3, 7}) {
            for (int cols : new int[] {1, 3, 7, 17, 33, 100, 4096}) {
                check(vector, rows, cols, 0f, 3f, true, seed++);
                check(vector, rows, cols, 0f, 1f, false, seed++);
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void largeOffsetLosesNothingToCancellation(boolean vector) {
        assumeTrue(!vector || vectorModule());
        long seed = 100;
        for (int cols : new int[] {17, 100, 768, 4096}) {
            check(vector, 3, cols, 100f, 1f, true, seed++);
            check(vector, 3, cols, 100f, 1f, false, seed++);
            check(vector, 2, cols, -1000f, 0.5f, false, seed++);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void constantRowGivesBeta(boolean vector) {
        assumeTrue(!vector || vectorModule());
        float[] x = new float[40];
        java.util.Arrays.fill(x, 3.25f);
        float[] beta = new float[20];
        for (int i = 0; i < 20; i++) {
            beta[i] = i;
        }
        float[] gamma = new float[20];
        java.util.Arrays.fill(gamma, 2f);
        float[] out = new float[40];
        LayerNorm.layerNorm(x, 0, gamma, 0, beta, 0, out, 0, 2, 20, EPS, vector);
        for (int i = 0; i < 40; i++) {
            assertEquals(i % 20, out[i], 0f);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void inPlaceAndThreadsAgree(boolean vector) {
        assumeTrue(!vector || vectorModule());
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = check(vector, 97, 1001, 0f, 2f, true, 9);
            Parallel.setThreads(2);
            float[] two = check(vector, 97, 1001, 0f, 2f, true, 9);
            // Same rows, same arithmetic; but the vector lane sums may round differently once the
            // JIT has recompiled the kernel between the two runs, so allow the last float digit.
            assertArrayEquals(one, two, 1e-6f);
        } finally {
            Parallel.setThreads(saved);
        }
        Random rnd = new Random(3);
        float[] x = new float[5 * 33];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat();
        }
        float[] expected = new float[x.length];
        LayerNorm.layerNorm(x, 0, null, 0, null, 0, expected, 0, 5, 33, EPS, vector);
        LayerNorm.layerNorm(x, 0, null, 0, null, 0, x, 0, 5, 33, EPS, vector);
        assertArrayEquals(expected, x, 1e-6f);
    }

    @Test
    void publicEntryPointAndBoundsChecks() {
        float[] x = {1, 2, 3, 4, 5, 6};
        float[] out = new float[6];
        LayerNorm.layerNorm(x, 0, null, 0, null, 0, out, 0, 2, 3, 0f);
        assertEquals(-Math.sqrt(1.5), out[0], 1e-6);
        assertEquals(0f, out[4], 1e-6);
        assertThrows(IndexOutOfBoundsException.class, () -> LayerNorm.layerNorm(x, 1, null, 0, null, 0, out, 0, 2, 3, 0f));
        assertThrows(IndexOutOfBoundsException.class, () -> LayerNorm.layerNorm(x, 0, new float[2], 0, null, 0, out, 0, 2, 3, 0f));
    }
}
