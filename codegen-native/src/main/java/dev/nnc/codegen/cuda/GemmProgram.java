package dev.nnc.codegen.cuda;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.DType;
import java.util.List;

/** The f32 GEMM of the benchmarks and the GEMM tests as a one-kernel program: {@code c[M, N] = a[M, K] @ b[K, N]}, sizes symbolic. */
public final class GemmProgram {
    private GemmProgram() {}

    public static KernelProgram f32() {
        Dim m = Dim.sym("M"), n = Dim.sym("N"), k = Dim.sym("K");
        Buf a = Buf.input("a", new TensorType(DType.F32, Shape.of(m, k)));
        Buf b = Buf.input("b", new TensorType(DType.F32, Shape.of(k, n)));
        Buf c = Buf.output("c", new TensorType(DType.F32, Shape.of(m, n)));
        return new KernelProgram("gemm", List.of(a, b), List.of(), List.of(c), Dim.of(0),
                List.of(new Kernel.MatMul(c, a, b, null, false, false, Kernel.Epilogue.NONE)));
    }
}
