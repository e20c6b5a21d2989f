package dev.nnc.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The GEMM kernels alone: the f32 tiled GEMM (shared memory, FMA) and the f16/bf16 tensor-core GEMM (mma through WMMA) assemble for sm_80 and sm_90. */
class PtxGemmTest {

    @ParameterizedTest
    @ValueSource(strings = {"sm_80", "sm_90"})
    void f32TiledGemmUsesSharedMemoryAndFmaAndAssembles(String gpu) throws Exception {
        CudaTarget t = new CudaTarget(gpu);
        String ptx = CudaBackend.ptx(GemmProgram.f32(), t);
        assertTrue(ptx.contains(".shared"), "stages tiles in shared memory");
        assertTrue(ptx.contains("fma.rn.f32"), "accumulates with FMA");
        assertTrue(ptx.contains("bar.sync"), "synchronizes the block");
        assertTrue(ptx.contains(".maxntid 256, 1, 1"), "tells ptxas the block size");
        assemble(ptx, gpu);
    }

    @ParameterizedTest
    @CsvSource({"sm_80, F16", "sm_80, BF16", "sm_90, F16", "sm_90, BF16"})
    void tensorCoreGemmUsesMmaAndAssembles(String gpu, TensorCoreGemm.Precision p) throws Exception {
        String ptx = TensorCoreGemm.ptx(new CudaTarget(gpu), p);
        assertTrue(ptx.contains("wmma.mma.sync"), "tensor-core mma");
        assertTrue(ptx.contains("wmma.load.a.sync"), "fragment loads");
        assemble(ptx, gpu);
    }

    private static void assemble(String ptx, String gpu) throws Exception {
        var ptxas = Ptxas.find();
        assumeTrue(ptxas.isPresent(), Ptxas.MISSING);
        assertNull(Ptxas.assemble(ptxas.get(), ptx, gpu));
    }
}
