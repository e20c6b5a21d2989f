package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/**
 * Matmul: {@code out[..., m, n] = epilogue(op(a) @ op(b) + bias)} as a blocked GEMM. A weight B
 * is packed into the micro-kernel's panels at load time; at run time {@link GemmGrid} splits C
 * into units and computes each around {@link GemmMicroKernel}. The bias and a relu are applied
 * in registers; other epilogues run over each unit's rows once they are done
 * ({@link Epilogues}), while they are in cache.
 */
final class MatMulCodegen implements KernelCodegen<Kernel.MatMul> {

    @Override
    public String units(Kernel.MatMul k, KernelEnv env, FunctionWriter f) {
        return new GemmGrid(k, env, f).units();
    }

    @Override
    public void body(Kernel.MatMul k, KernelEnv env, FunctionWriter f, String from, String to) {
        GemmGrid grid = new GemmGrid(k, env, f);
        f.loop(from, to, 1, grid::unit);
    }

    @Override
    public boolean hasPrepare(Kernel.MatMul k) {
        return GemmProblem.of(k).bPackedAtLoad();
    }

    /** Packs the weight B into panels, each of its matrices in turn. */
    @Override
    public void prepare(Kernel.MatMul k, KernelEnv env, FunctionWriter f) {
        GemmProblem p = GemmProblem.of(k);
        GemmPacking packing = new GemmPacking(GemmBlocking.forTarget(env.target()));
        String kk = env.dim(f, p.k()), n = env.dim(f, p.n());
        String packed = p.packedB(env, f), b = env.ptr(f, k.b());
        String matrix = GemmIr.mul(f, kk, n), packedMatrix = Long.toString(p.packedMatrixFloats(env.lanes()));
        String sk = k.transB() ? "1" : n, sn = k.transB() ? kk : "1";
        f.loop("0", env.dim(f, p.bMatrices()), 1, q -> packing.packMatrix(f, GemmIr.at(f, b, GemmIr.mul(f, q, matrix)), sk, sn,
                kk, n, GemmIr.at(f, packed, GemmIr.mul(f, q, packedMatrix))));
    }
}
