package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;

/**
 * Batched matmul on {@link GemmTiles}: blockIdx.z is the flat batch index of the output, from
 * which each operand's batch offset follows by broadcasting; transposed operands only change
 * the accessors. The bias and the epilogue are applied as each element is stored.
 */
final class MatMulCuda implements CudaKernel<Kernel.MatMul> {
    @Override
    public Grid grid(Kernel.MatMul k) {
        Shape out = k.out().type().shape();
        int r = out.rank();
        return GemmTiles.grid(out.dim(r - 2), out.dim(r - 1), Indexing.product(out, 0, r - 2));
    }

    @Override
    public void body(Kernel.MatMul k, KernelEnv env, FunctionWriter f) {
        Shape out = k.out().type().shape(), as = k.a().type().shape(), bs = k.b().type().shape();
        int r = out.rank();
        String m = env.dim(f, out.dim(r - 2)), n = env.dim(f, out.dim(r - 1));
        String depth = env.dim(f, k.transA() ? as.dim(-2) : as.dim(-1));
        Shape batchShape = Indexing.part(out, 0, r - 2);
        List<String> batch = Indexing.coordinates(f, env, Gpu.block(f, 'z'), batchShape);
        String aBase = Gpu.at(f, env.ptr(f, k.a()), Gpu.mul(f, Indexing.broadcastOffset(f, env, Indexing.part(as, 0, as.rank() - 2), batch),
                Gpu.mul(f, m, depth)));
        String bBase = Gpu.at(f, env.ptr(f, k.b()), Gpu.mul(f, Indexing.broadcastOffset(f, env, Indexing.part(bs, 0, bs.rank() - 2), batch),
                Gpu.mul(f, depth, n)));
        String cBase = Gpu.at(f, env.ptr(f, k.out()), Gpu.mul(f, Gpu.block(f, 'z'), Gpu.mul(f, m, n)));
        String bias = k.bias() == null ? null : env.ptr(f, k.bias());
        GemmTiles.emit(f, env.kernelName(), m, n, depth, !k.transA(), !k.transB(), new GemmTiles.Operands() {
            @Override public String a(FunctionWriter w, String row, String kk) {
                return Gpu.load(w, aBase, k.transA() ? Gpu.add(w, Gpu.mul(w, kk, m), row) : Gpu.add(w, Gpu.mul(w, row, depth), kk));
            }

            @Override public String b(FunctionWriter w, String kk, String col) {
                return Gpu.load(w, bBase, k.transB() ? Gpu.add(w, Gpu.mul(w, col, depth), kk) : Gpu.add(w, Gpu.mul(w, kk, n), col));
            }

            @Override public void store(FunctionWriter w, String row, String col, String value) {
                String v = bias == null ? value : w.let("fadd float %s, %s", value, Gpu.load(w, bias, col));
                List<String> coords = new ArrayList<>(batch);
                coords.add(row);
                coords.add(col);
                Gpu.store(w, Epilogue.apply(w, env, k.epilogue(), v, coords), cBase, Gpu.add(w, Gpu.mul(w, row, n), col));
            }
        });
    }
}
