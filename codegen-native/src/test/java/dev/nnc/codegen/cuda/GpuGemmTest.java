package dev.nnc.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.DType;
import dev.nnc.runtime.HalfFloats;
import dev.nnc.runtime.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** GPU test (skipped without a CUDA device): the f32 tiled GEMM and the f16/bf16 tensor-core GEMM against products in double. */
class GpuGemmTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 63, 130})
    void f32GemmMatchesADoubleProduct(int size) {
        GpuAvailability.assumeGpu();
        int m = size, n = size + 7, k = size + 3;
        Random rng = new Random(size);
        float[] a = random(rng, m * k), b = random(rng, k * n);
        float[] c;
        try (CudaModel model = CudaBackend.load(GemmProgram.f32(), CudaTarget.DEFAULT, Map.of())) {
            c = model.run(Map.of("a", Tensor.ofFloats(DType.F32, new int[] {m, k}, a), "b", Tensor.ofFloats(DType.F32, new int[] {k, n}, b)))
                    .get("c").floats();
        }
        check(a, b, c, m, n, k, 1e-4);
    }

    @ParameterizedTest
    @EnumSource(TensorCoreGemm.Precision.class)
    void tensorCoreGemmMatchesADoubleProductOfTheRoundedInputs(TensorCoreGemm.Precision p) {
        GpuAvailability.assumeGpu();
        int m = 128, n = 192, k = 80;
        Random rng = new Random(5);
        short[] a = new short[m * k], b = new short[k * n];
        float[] af = new float[a.length], bf = new float[b.length];
        for (int i = 0; i < a.length; i++) af[i] = round(p, rng.nextFloat() * 2 - 1, a, i);
        for (int i = 0; i < b.length; i++) bf[i] = round(p, rng.nextFloat() * 2 - 1, b, i);
        float[] c;
        try (TensorCoreGemmRunner runner = new TensorCoreGemmRunner(CudaTarget.DEFAULT, p)) {
            c = runner.multiply(a, b, m, n, k);
        }
        check(af, bf, c, m, n, k, 1e-3);
    }

    /** Rounds {@code v} to the precision, stores its bits at {@code bits[i]} and returns the rounded value. */
    private static float round(TensorCoreGemm.Precision p, float v, short[] bits, int i) {
        if (p == TensorCoreGemm.Precision.F16) {
            bits[i] = HalfFloats.floatToF16Bits(v);
            return HalfFloats.f16BitsToFloat(bits[i]);
        }
        bits[i] = HalfFloats.floatToBf16Bits(v);
        return HalfFloats.bf16BitsToFloat(bits[i]);
    }

    static float[] random(Random rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextFloat() * 2 - 1;
        return v;
    }

    static void check(float[] a, float[] b, float[] c, int m, int n, int k, double tolerance) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int l = 0; l < k; l++) sum += (double) a[i * k + l] * b[l * n + j];
                double got = c[i * n + j], want = sum;
                int row = i, col = j;
                assertTrue(Math.abs(got - want) <= tolerance * (1 + Math.abs(want)), () -> "c[" + row + ", " + col + "] = " + got + ", expected " + want);
            }
        }
    }
}
