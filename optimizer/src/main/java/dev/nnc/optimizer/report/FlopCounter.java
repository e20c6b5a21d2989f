package dev.nnc.optimizer.report;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Expr;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Floating-point operations of a kernel program's run-time kernels (load-time {@code prepare}
 * kernels are not counted): 2·M·N·K per matmul, 2·O·OH·OW·(C/groups)·KH·KW per image per
 * convolution, one per output element per bias and per arithmetic op of an elementwise
 * expression or epilogue, and one per input element for reductions, pooling, softmax and
 * layer norm (two with a fused softmax scale or layer-norm residual). Data movement (transpose, slice, concat, gather, iota, copies) costs nothing.
 */
public final class FlopCounter {
    private FlopCounter() {}

    /** Total flops of the run-time kernels with every symbolic dim bound to {@code batch}. */
    public static long count(KernelProgram program, long batch) {
        return count(program, Sizes.all(batch));
    }

    /** Total flops of the run-time kernels with each symbolic dim bound by {@code dims} (a batch and a sequence length). */
    public static long count(KernelProgram program, Map<String, Long> dims) {
        return count(program, Sizes.of(dims));
    }

    private static long count(KernelProgram program, ToLongFunction<Dim> size) {
        long total = 0;
        for (Kernel k : program.kernels()) total += count(k, size);
        return total;
    }

    public static long count(Kernel kernel, long batch) {
        return count(kernel, Sizes.all(batch));
    }

    /** One kernel's flops with each symbolic dim bound by {@code dims}. */
    public static long count(Kernel kernel, Map<String, Long> dims) {
        return count(kernel, Sizes.of(dims));
    }

    private static long count(Kernel kernel, ToLongFunction<Dim> size) {
        long out = numel(kernel.out().type().shape(), size);
        return switch (kernel) {
            case Kernel.Elementwise e -> out * ops(e.expr());
            case Kernel.MatMul m -> {
                Shape a = m.a().type().shape();
                long k = size.applyAsLong(a.dim(m.transA() ? -2 : -1));
                yield 2 * out * k + (m.bias() == null ? 0 : out) + out * epilogueOps(m.epilogue());
            }
            case Kernel.Conv2d c -> {
                // Weights are OIHW: I·KH·KW multiply-adds per output element.
                Shape w = c.weight().type().shape();
                long window = numel(w, size) / size.applyAsLong(w.dim(0));
                // A fused pooling computes every convolution output of its windows, then one comparison each.
                long convOut = c.pooled() ? out * c.pool().get(0) * c.pool().get(1) : out;
                yield 2 * convOut * window + (c.bias() == null ? 0 : convOut) + convOut * epilogueOps(c.epilogue())
                        + (c.pooled() ? convOut : 0);
            }
            case Kernel.Pool2d p -> numel(p.x().type().shape(), size);
            case Kernel.Reduce r -> numel(r.x().type().shape(), size);
            // A fused scale or residual add is one more op per input element.
            case Kernel.Softmax s -> numel(s.x().type().shape(), size) * (s.scale() == 1 ? 1 : 2);
            case Kernel.LayerNorm l -> numel(l.x().type().shape(), size) * (l.residual() == null ? 1 : 2);
            case Kernel.Transpose t -> 0;
            case Kernel.Slice s -> 0;
            case Kernel.Concat c -> 0;
            case Kernel.Gather g -> 0;
            case Kernel.Iota i -> 0;
        };
    }

    private static long numel(Shape s, ToLongFunction<Dim> size) { return size.applyAsLong(s.numel()); }

    /** Arithmetic ops in an expression: each unary and binary function counts one. */
    public static int ops(Expr e) {
        return switch (e) {
            case Expr.In in -> 0;
            case Expr.Const c -> 0;
            case Expr.Unary u -> 1 + ops(u.x());
            case Expr.Binary b -> 1 + ops(b.a()) + ops(b.b());
        };
    }

    private static int epilogueOps(Kernel.Epilogue e) { return e == null ? 0 : ops(e.expr()); }
}
