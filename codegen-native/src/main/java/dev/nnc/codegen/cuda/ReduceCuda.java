package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Kernel;
import java.util.List;

/**
 * Sum, mean or max over contiguous axes, x seen as {@code [outer, axis, inner]}: one thread per
 * output element {@code (o, i)} walks its axis (adjacent threads read adjacent columns when
 * {@code inner > 1}). Max propagates NaN; a mean is the sum divided by the count.
 */
final class ReduceCuda implements CudaKernel<Kernel.Reduce> {
    @Override
    public Grid grid(Kernel.Reduce k) {
        Shape x = k.x().type().shape();
        return Grid.perElement(Indexing.product(x, 0, k.axes().getFirst()).times(Indexing.product(x, k.axes().getLast() + 1, x.rank())));
    }

    @Override
    public void body(Kernel.Reduce k, KernelEnv env, FunctionWriter f) {
        Shape x = k.x().type().shape();
        Dim outerDim = Indexing.product(x, 0, k.axes().getFirst()), innerDim = Indexing.product(x, k.axes().getLast() + 1, x.rank());
        String axis = env.dim(f, Indexing.product(x, k.axes().getFirst(), k.axes().getLast() + 1));
        String inner = env.dim(f, innerDim), count = env.dim(f, outerDim.times(innerDim));
        String i = Gpu.globalIndex(f);
        boolean max = k.kind() == Kernel.ReduceKind.MAX;
        f.ifThen(Gpu.below(f, i, count), () -> {
            String o = Gpu.div(f, i, inner), column = Gpu.rem(f, i, inner);
            String first = Gpu.add(f, Gpu.mul(f, Gpu.mul(f, o, axis), inner), column);
            String base = env.ptr(f, k.x());
            String total = f.loopCarrying("0", axis, "1", List.<String[]>of(new String[] {"float", max ? "0xFFF0000000000000" : "0.0"}),
                    (r, acc) -> {
                        String v = Gpu.load(f, base, Gpu.add(f, first, Gpu.mul(f, r, inner)));
                        return List.of(max ? Gpu.maximum(f, acc.get(0), v) : f.let("fadd float %s, %s", acc.get(0), v));
                    }).getFirst();
            if (k.kind() == Kernel.ReduceKind.MEAN) total = f.let("fdiv float %s, %s", total, f.let("uitofp i64 %s to float", axis));
            Gpu.store(f, total, env.ptr(f, k.out()), i);
        });
    }
}
