package dev.nnc.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nnc.ir.Dim;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.DType;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The GEMM kernels alone: the f32 tiled GEMM (shared memory, FMA) and the f16/bf16 tensor-core GEMM (mma through WMMA) assemble for sm_80 and sm_90. */
class PtxGemmTest {

    /** The f32 GEMM of the benchmark: {@code c[M, N] = a[M, K] @ b[K, N]} with symbolic sizes. */
    static KernelProgram f32Gemm() {
        Dim m = Dim.sym("M"), n = Dim.sym("N"), k = Dim.sym("K");
        Buf a = Buf.input("a", new TensorType(DType.F32, dev.nnc.ir.Shape.of(m, k)));
        Buf b = Buf.input("b", new TensorType(DType.F32, dev.nnc.ir.Shape.of(k, n)));
        Buf c = Buf.output("c", new TensorType(DType.F32, dev.nnc.ir.Shape.of(m, n)));
        return new KernelProgram("gemm", List.of(a, b), List.of(), List.of(c), Dim.of(0),
                List.of(new Kernel.MatMul(c, a, b, null, false, false, Kernel.Epilogue.NONE)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sm_80", "sm_90"})
    void f32TiledGemmUsesSharedMemoryAndFmaAndAssembles(String gpu) throws Exception {
        CudaTarget t = new CudaTarget(gpu);
        String ptx = CudaBackend.ptx(f32Gemm(), t);
        assertTrue(ptx.contains(".shared"), "stages tiles in shared memory");
        assertTrue(ptx.contains("fma.rn.f32"), "accumulates with FMA");
        assertTrue(ptx.contains("bar.sync"), "synchronizes the block");
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
