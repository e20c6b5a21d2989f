package dev.nnc.codegen.cuda;

import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The f32 tiled GEMM with symbolic sizes on the {@link EmulatedDevice}: partial tiles on every side, K not a multiple of the step. */
class EmulatedGemmTest {

    @ParameterizedTest
    @CsvSource({"1, 1, 1", "64, 64, 16", "65, 70, 17", "130, 3, 100"})
    void tiledGemmMatchesADoubleProduct(int m, int n, int k) {
        Random rng = new Random(m * 31 + n);
        float[] a = GpuGemmTest.random(rng, m * k), b = GpuGemmTest.random(rng, k * n);
        PtxModule module = PtxModuleEmitter.emit(GemmProgram.f32(), CudaTarget.DEFAULT);
        float[] c;
        try (CudaModel model = new CudaModel(module, new EmulatedDevice(module), Map.of())) {
            c = model.run(Map.of("a", Tensor.ofFloats(DType.F32, new int[] {m, k}, a), "b", Tensor.ofFloats(DType.F32, new int[] {k, n}, b)))
                    .get("c").floats();
        }
        GpuGemmTest.check(a, b, c, m, n, k, 1e-4);
    }
}
