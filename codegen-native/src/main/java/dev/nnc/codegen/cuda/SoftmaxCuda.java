package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Expr;
import dev.nnc.ir.kernel.Kernel;

/**
 * Softmax (or log-softmax) of {@code scale * x} along an axis, x seen as {@code [outer, L, inner]}:
 * one block per row {@code (o, i)}, three passes over the row (max, sum of exponentials,
 * write), each row-wide value a {@link BlockReduce}.
 */
final class SoftmaxCuda implements CudaKernel<Kernel.Softmax> {
    @Override
    public Grid grid(Kernel.Softmax k) {
        Shape x = k.x().type().shape();
        return Grid.perRow(rows(x, k.axis()), RowBlock.threads(x.dim(k.axis())));
    }

    private static Dim rows(Shape x, int axis) {
        return Indexing.product(x, 0, axis).times(Indexing.product(x, axis + 1, x.rank()));
    }

    @Override
    public void body(Kernel.Softmax k, KernelEnv env, FunctionWriter f) {
        Shape x = k.x().type().shape();
        int threads = RowBlock.threads(x.dim(k.axis()));
        String length = env.dim(f, x.dim(k.axis())), inner = env.dim(f, Indexing.product(x, k.axis() + 1, x.rank()));
        String row = Gpu.block(f, 'x');
        String o = Gpu.div(f, row, inner), c = Gpu.rem(f, row, inner);
        String first = Gpu.add(f, Gpu.mul(f, Gpu.mul(f, o, length), inner), c);
        String in = env.ptr(f, k.x()), out = env.ptr(f, k.out());
        BlockReduce block = new BlockReduce(f, env.kernelName() + "_red", threads);
        java.util.function.Function<String, String> index = j -> Gpu.add(f, first, Gpu.mul(f, j, inner));
        java.util.function.Function<String, String> scaled = j -> {
            String v = Gpu.load(f, in, index.apply(j));
            return k.scale() == 1 ? v : f.let("fmul float %s, %s", v, Gpu.constant(k.scale()));
        };
        String max = block.reduce(RowBlock.fold(f, length, threads, "0xFFF0000000000000",
                (acc, j) -> Gpu.maximum(f, acc, scaled.apply(j))), BlockReduce.max(f));
        String sum = block.reduce(RowBlock.fold(f, length, threads, "0.0",
                (acc, j) -> f.let("fadd float %s, %s", acc, exp(f, f.let("fsub float %s, %s", scaled.apply(j), max)))), BlockReduce.sum(f));
        String logSum = k.log() ? ScalarExpr.evaluate(f, new Expr.Unary(Expr.UnaryFn.LOG, new Expr.In(0)), i -> sum) : null;
        RowBlock.forEach(f, length, threads, j -> {
            String shifted = f.let("fsub float %s, %s", scaled.apply(j), max);
            String v = k.log() ? f.let("fsub float %s, %s", shifted, logSum) : f.let("fdiv float %s, %s", exp(f, shifted), sum);
            Gpu.store(f, v, out, index.apply(j));
        });
    }

    private static String exp(FunctionWriter f, String x) {
        return ScalarExpr.evaluate(f, new Expr.Unary(Expr.UnaryFn.EXP, new Expr.In(0)), i -> x);
    }
}
