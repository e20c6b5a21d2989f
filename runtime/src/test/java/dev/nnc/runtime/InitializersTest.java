package dev.nnc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Statistics are checked on seeded draws of at least 100k values. With n samples the
 * sample mean's standard error is std/sqrt(n) (about 0.3% of std here) and the sample
 * standard deviation's about std/sqrt(2n) (0.2%); the tolerances below, 2% of std for the
 * mean and 2% relative for the standard deviation, are several standard errors wide, so
 * the fixed seeds pass with a wide margin while a wrong formula (a factor of sqrt(2) or
 * sqrt(3) off, a fan swapped) fails.
 */
class InitializersTest {
    private static final double TOLERANCE = 0.02;

    private static Tensor init(String kind, Map<String, Double> args, int... shape) {
        return Initializers.initialize(kind, args, DType.F32, shape, new SplittableRandom(42));
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double std(float[] v) {
        double m = mean(v);
        double s = 0;
        for (float x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static void assertStats(Tensor t, double expectedMean, double expectedStd) {
        float[] v = t.floats();
        assertEquals(expectedMean, mean(v), TOLERANCE * expectedStd, "mean");
        assertEquals(expectedStd, std(v), TOLERANCE * expectedStd, "std");
    }

    @Test
    void constants() {
        assertArrayEquals(new float[6], init("zeros", Map.of(), 2, 3).floats());
        assertArrayEquals(new float[] {1, 1, 1}, init("ones", null, 3).floats());
        assertArrayEquals(new float[] {-2.5f, -2.5f}, init("constant", Map.of("value", -2.5), 2).floats());
        Tensor scalar = init("ones", Map.of());
        assertEquals(0, scalar.rank());
        assertEquals(1.0, scalar.getDouble(0));
    }

    @Test
    void uniformDefaultsAndBounds() {
        Tensor t = init("uniform", Map.of(), 400, 250);
        assertTrue(maxAbs(t.floats()) <= 0.05, "within [-0.05, 0.05]");
        assertStats(t, 0, 0.1 / Math.sqrt(12));
        Tensor shifted = init("uniform", Map.of("low", 2.0, "high", 3.0), 100_000);
        for (float x : shifted.floats()) {
            assertTrue(x >= 2 && x <= 3, "value " + x);
        }
        assertStats(shifted, 2.5, 1 / Math.sqrt(12));
    }

    @Test
    void normalDefaultsAndArguments() {
        assertStats(init("normal", Map.of(), 100_000), 0, 0.05);
        assertStats(init("normal", Map.of("mean", 1.0, "std", 2.0), 100_000), 1, 2);
    }

    @Test
    void fanBasedInitializersOnAConvKernel() {
        int[] shape = {256, 128, 3, 3}; // fan_in = 128 * 9 = 1152, fan_out = 256 * 9 = 2304
        double fanIn = 1152;
        double fanOut = 2304;
        double glorotLimit = Math.sqrt(6 / (fanIn + fanOut));
        Tensor gu = init("glorot_uniform", Map.of(), shape);
        assertTrue(maxAbs(gu.floats()) <= glorotLimit);
        assertStats(gu, 0, glorotLimit / Math.sqrt(3));
        assertStats(init("glorot_normal", Map.of(), shape), 0, Math.sqrt(2 / (fanIn + fanOut)));
        double heLimit = Math.sqrt(6 / fanIn);
        Tensor hu = init("he_uniform", Map.of(), shape);
        assertTrue(maxAbs(hu.floats()) <= heLimit);
        assertStats(hu, 0, heLimit / Math.sqrt(3));
        assertStats(init("he_normal", Map.of(), shape), 0, Math.sqrt(2 / fanIn));
        assertStats(init("lecun_normal", Map.of(), shape), 0, Math.sqrt(1 / fanIn));
    }

    @Test
    void fanBasedInitializersOnADenseMatrix() {
        // PyTorch's Linear weight is [out, in]: fan_in = 500, fan_out = 200.
        assertStats(init("he_normal", Map.of(), 200, 500), 0, Math.sqrt(2.0 / 500));
        assertStats(init("glorot_normal", Map.of(), 200, 500), 0, Math.sqrt(2.0 / 700));
    }

    @Test
    void fansAsPytorchComputesThem() {
        assertArrayEquals(new long[] {1152, 2304}, Initializers.fans(new int[] {256, 128, 3, 3}));
        assertArrayEquals(new long[] {100, 10}, Initializers.fans(new int[] {10, 100}));
        assertArrayEquals(new long[] {7, 7}, Initializers.fans(new int[] {7}));
        assertArrayEquals(new long[] {1, 1}, Initializers.fans(new int[0]));
        assertArrayEquals(new long[] {6, 12}, Initializers.fans(new int[] {4, 2, 3}));
        assertArrayEquals(new long[] {5, 20}, Initializers.fans(new int[] {4, 1, 5, 1, 1}));
        assertArrayEquals(new long[] {3, 1}, Initializers.fans(new int[] {0, 3}), "a zero fan becomes 1, never 0");
    }

    @Test
    void seededDrawsReproduce() {
        Tensor a = init("he_uniform", Map.of(), 16, 16);
        assertEquals(a, init("he_uniform", Map.of(), 16, 16));
        assertNotEquals(a, Initializers.initialize("he_uniform", Map.of(), DType.F32, new int[] {16, 16},
                new SplittableRandom(43)));
    }

    @Test
    void halfPrecisionResultsAreRounded() {
        Tensor t = Initializers.initialize("normal", Map.of(), DType.BF16, new int[] {1000}, new SplittableRandom(1));
        assertEquals(DType.BF16, t.dtype());
        for (float x : t.floats()) {
            assertEquals(HalfFloats.roundToBf16(x), x);
        }
        Tensor h = Initializers.initialize("glorot_uniform", Map.of(), DType.F16, new int[] {30, 30},
                new SplittableRandom(1));
        for (float x : h.floats()) {
            assertEquals(HalfFloats.roundToF16(x), x);
        }
    }

    @Test
    void integerTensors() {
        Tensor z = Initializers.initialize("zeros", Map.of(), DType.I64, new int[] {3}, new SplittableRandom(0));
        assertArrayEquals(new long[3], z.longs());
        Tensor c = Initializers.initialize("constant", Map.of("value", 7.0), DType.I32, new int[] {2},
                new SplittableRandom(0));
        assertArrayEquals(new long[] {7, 7}, c.longs());
        Tensor b = Initializers.initialize("ones", Map.of(), DType.BOOL, new int[] {2}, new SplittableRandom(0));
        assertArrayEquals(new long[] {1, 1}, b.longs());
        var e = assertThrows(IllegalArgumentException.class, () -> Initializers.initialize("uniform", Map.of(),
                DType.I32, new int[] {2}, new SplittableRandom(0)));
        assertTrue(e.getMessage().contains("cannot fill a i32 tensor"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Initializers.initialize("constant", Map.of("value", 2.5),
                DType.I64, new int[] {2}, new SplittableRandom(0)));
    }

    @Test
    void unknownKindListsTheKinds() {
        var e = assertThrows(IllegalArgumentException.class, () -> init("xavier", Map.of(), 2));
        assertEquals("Unknown initializer 'xavier'; the initializers are zeros, ones, constant, uniform, normal, "
                + "glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_normal.", e.getMessage());
    }

    @Test
    void unknownArgumentListsTheArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> init("uniform", Map.of("min", 0.0), 2));
        assertEquals("Initializer 'uniform' has no argument 'min'; its arguments are low, high.", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> init("he_normal", Map.of("gain", 1.0), 2));
        assertEquals("Initializer 'he_normal' has no argument 'gain'; it takes no arguments.", e.getMessage());
    }

    @Test
    void invalidArgumentValues() {
        var e = assertThrows(IllegalArgumentException.class, () -> init("constant", Map.of(), 2));
        assertEquals("Initializer 'constant' needs argument 'value'.", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> init("uniform", Map.of("low", 1.0, "high", 0.0), 2));
        assertThrows(IllegalArgumentException.class, () -> init("normal", Map.of("std", -1.0), 2));
        assertThrows(IllegalArgumentException.class, () -> init("constant", Map.of("value", Double.NaN), 2));
    }

    @Test
    void kindsAndArgumentNamesForTheFrontend() {
        assertEquals(List.of("zeros", "ones", "constant", "uniform", "normal", "glorot_uniform", "glorot_normal",
                "he_uniform", "he_normal", "lecun_normal"), List.copyOf(Initializers.kinds()));
        assertEquals(List.of("low", "high"), List.copyOf(Initializers.argumentNames("uniform")));
        assertEquals(List.of("mean", "std"), List.copyOf(Initializers.argumentNames("normal")));
        assertEquals(List.of("value"), List.copyOf(Initializers.argumentNames("constant")));
        assertTrue(Initializers.argumentNames("glorot_uniform").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Initializers.argumentNames("bogus"));
        assertThrows(UnsupportedOperationException.class, () -> Initializers.kinds().add("x"));
    }
}
