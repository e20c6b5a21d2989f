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
 * Sum/mean/max over the middle axis against a double reference, on the scalar and vector path.
 * Tolerances: max exact; sum |err| <= 1e-6 * sum(|x|) + 1e-6; mean the same divided by the axis length.
 */
class ReduceTest {
    private static final int[] SIZES = {1, 3, 7, 17, 33, 100};

    static boolean vectorModule() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static float[] check(boolean vector, int kind, int outer, int axis, int inner, long seed) {
        Random rnd = new Random(seed);
        int xOff = 3;
        int outOff = 6;
        float[] x = new float[outer * axis * inner + xOff + 1];
        for (int i = 0; i < x.length; i++) {
            x[i] = (rnd.nextFloat() * 2 - 1) * 10;
        }
        float[] out = new float[outer * inner + outOff + 2];
        java.util.Arrays.fill(out, 99f);
        Reduce.reduce(kind, x, xOff, out, outOff, outer, axis, inner, vector);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double sum = 0;
                double abs = 0;
                double max = Double.NEGATIVE_INFINITY;
                for (int a = 0; a < axis; a++) {
                    float v = x[xOff + (o * axis + a) * inner + i];
                    sum += v;
                    abs += Math.abs(v);
                    max = Math.max(max, v);
                }
                float got = out[outOff + o * inner + i];
                String where = "vector=" + vector + " kind=" + kind + " [" + outer + "," + axis + "," + inner + "] at " + o + "," + i;
                switch (kind) {
                    case Reduce.SUM -> assertEquals(sum, got, 1e-6 * abs + 1e-6, where);
                    case Reduce.MEAN -> assertEquals(sum / axis, got, (1e-6 * abs + 1e-6) / axis, where);
                    default -> assertEquals((float) max, got, 0f, where);
                }
            }
        }
        assertEquals(99f, out[outOff - 1]);
        assertEquals(99f, out[outOff + outer * inner]);
        return out;
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void oddShapesMatchDoubleReference(boolean vector) {
        assumeTrue(!vector || vectorModule());
        long seed = 1;
        for (int kind : new int[] {Reduce.SUM, Reduce.MEAN, Reduce.MAX}) {
            for (int outer : new int[] {1, 3, 7}) {
                for (int axis : SIZES) {
                    for (int inner : new int[] {1, 3, 17, 100}) {
                        check(vector, kind, outer, axis, inner, seed++);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void longAxesAndWideColumns(boolean vector) {
        assumeTrue(!vector || vectorModule());
        for (int kind : new int[] {Reduce.SUM, Reduce.MEAN, Reduce.MAX}) {
            check(vector, kind, 2, 5000, 1, 10 + kind); // past the float-to-double flush interval
            check(vector, kind, 2, 9, 2100, 20 + kind); // past the column chunk
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void maxPropagatesNaN(boolean vector) {
        assumeTrue(!vector || vectorModule());
        float[] x = new float[2 * 40 * 3];
        x[5] = Float.NaN; // row layout [2, 40, 3]: o=0, a=1, i=2
        x[3 * 40 + 3 * 30] = Float.NaN; // o=1, a=30, i=0
        float[] out = new float[6];
        Reduce.reduce(Reduce.MAX, x, 0, out, 0, 2, 40, 3, vector);
        assertTrue(Float.isNaN(out[2]) && Float.isNaN(out[3]));
        assertEquals(0f, out[0]);
        float[] row = new float[50];
        row[49] = Float.NaN;
        float[] one = new float[1];
        Reduce.reduce(Reduce.MAX, row, 0, one, 0, 1, 50, 1, vector);
        assertTrue(Float.isNaN(one[0]));
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void oneAndTwoThreadsAgree(boolean vector) {
        assumeTrue(!vector || vectorModule());
        int saved = Parallel.threads();
        try {
            for (int kind : new int[] {Reduce.SUM, Reduce.MEAN, Reduce.MAX}) {
                for (int[] s : new int[][] {{300, 301, 1}, {3, 50, 900}, {1, 40, 3000}}) {
                    Parallel.setThreads(1);
                    float[] one = check(vector, kind, s[0], s[1], s[2], 7);
                    Parallel.setThreads(2);
                    float[] two = check(vector, kind, s[0], s[1], s[2], 7);
                    assertArrayEquals(one, two);
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void emptyAxisAndBadArguments() {
        float[] out = new float[3];
        Reduce.reduce(Reduce.SUM, new float[0], 0, out, 0, 1, 0, 3);
        assertArrayEquals(new float[3], out);
        Reduce.reduce(Reduce.MEAN, new float[0], 0, out, 0, 1, 0, 3);
        assertTrue(Float.isNaN(out[0]));
        assertThrows(IllegalArgumentException.class, () -> Reduce.reduce(Reduce.MAX, new float[0], 0, out, 0, 1, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> Reduce.reduce(7, new float[3], 0, out, 0, 1, 3, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> Reduce.reduce(Reduce.SUM, new float[5], 0, out, 0, 1, 2, 3));
        // Public entry point: mean of 1..4 per column of [1, 4, 1].
        float[] mean = new float[1];
        Reduce.reduce(Reduce.MEAN, new float[] {1, 2, 3, 4}, 0, mean, 0, 1, 4, 1);
        assertEquals(2.5f, mean[0]);
    }
}
