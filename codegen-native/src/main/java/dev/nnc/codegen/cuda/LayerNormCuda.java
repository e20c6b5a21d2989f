package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Kernel;

/**
 * Layer norm over dims {@code [axis, rank)} of {@code x (+ residual)}: one block per row, the
 * mean and then the biased variance (of the centred values, for accuracy) as {@link BlockReduce}s,
 * then {@code (v - mean) / sqrt(var + eps) * gamma + beta}.
 */
final class LayerNormCuda implements CudaKernel<Kernel.LayerNorm> {
    @Override
    public Grid grid(Kernel.LayerNorm k) {
        Shape x = k.x().type().shape();
        return Grid.perRow(Indexing.product(x, 0, k.axis()), RowBlock.threads(Indexing.product(x, k.axis(), x.rank())));
    }

    @Override
    public void body(Kernel.LayerNorm k, KernelEnv env, FunctionWriter f) {
        Shape x = k.x().type().shape();
        var lengthDim = Indexing.product(x, k.axis(), x.rank());
        int threads = RowBlock.threads(lengthDim);
        String length = env.dim(f, lengthDim);
        String first = Gpu.mul(f, Gpu.block(f, 'x'), length);
        String in = env.ptr(f, k.x()), out = env.ptr(f, k.out()), gamma = env.ptr(f, k.gamma()), beta = env.ptr(f, k.beta());
        String residual = k.residual() == null ? null : env.ptr(f, k.residual());
        java.util.function.Function<String, String> value = j -> {
            String at = Gpu.add(f, first, j);
            String v = Gpu.load(f, in, at);
            return residual == null ? v : f.let("fadd float %s, %s", v, Gpu.load(f, residual, at));
        };
        BlockReduce block = new BlockReduce(f, env.kernelName() + "_red", threads);
        String count = f.let("uitofp i64 %s to float", length);
        String sum = block.reduce(RowBlock.fold(f, length, threads, "0.0", (acc, j) -> f.let("fadd float %s, %s", acc, value.apply(j))),
                BlockReduce.sum(f));
        String mean = f.let("fdiv float %s, %s", sum, count);
        String squares = block.reduce(RowBlock.fold(f, length, threads, "0.0", (acc, j) -> {
            String d = f.let("fsub float %s, %s", value.apply(j), mean);
            return Gpu.fma(f, d, d, acc);
        }), BlockReduce.sum(f));
        String variance = f.let("fdiv float %s, %s", squares, count);
        f.module().declare("declare float @llvm.sqrt.f32(float)");
        String deviation = f.let("call float @llvm.sqrt.f32(float %s)", f.let("fadd float %s, %s", variance, Gpu.constant(k.eps())));
        RowBlock.forEach(f, length, threads, j -> {
            String normalized = f.let("fdiv float %s, %s", f.let("fsub float %s, %s", value.apply(j), mean), deviation);
            String v = Gpu.fma(f, normalized, Gpu.load(f, gamma, j), Gpu.load(f, beta, j));
            Gpu.store(f, v, out, Gpu.add(f, first, j));
        });
    }
}
