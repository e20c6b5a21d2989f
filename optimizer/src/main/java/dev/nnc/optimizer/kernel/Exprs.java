package dev.nnc.optimizer.kernel;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Expr;
import java.util.List;
import java.util.function.IntFunction;

/** Expression surgery shared by the fusion passes. */
final class Exprs {
    private Exprs() {}

    /**
     * Fused expressions stay below this many nodes: an input read twice duplicates its
     * producer's expression, and a long chain of such reads would grow without bound.
     */
    static final int MAX_NODES = 64;

    /** Fused kernels read at most this many bufs (each becomes arguments of the generated loop). */
    static final int MAX_INPUTS = 16;

    /** {@code e} with every {@code %i} replaced by {@code leaf.apply(i)}, visited left to right. */
    static Expr substitute(Expr e, IntFunction<Expr> leaf) {
        return switch (e) {
            case Expr.In in -> leaf.apply(in.index());
            case Expr.Const c -> c;
            case Expr.Unary u -> new Expr.Unary(u.fn(), substitute(u.x(), leaf));
            case Expr.Binary b -> {
                Expr a = substitute(b.a(), leaf);
                yield new Expr.Binary(b.fn(), a, substitute(b.b(), leaf));
            }
        };
    }

    /** Number of nodes. */
    static int size(Expr e) {
        return switch (e) {
            case Expr.In in -> 1;
            case Expr.Const c -> 1;
            case Expr.Unary u -> 1 + size(u.x());
            case Expr.Binary b -> 1 + size(b.a()) + size(b.b());
        };
    }

    /** How often {@code %index} occurs. */
    static int uses(Expr e, int index) {
        return switch (e) {
            case Expr.In in -> in.index() == index ? 1 : 0;
            case Expr.Const c -> 0;
            case Expr.Unary u -> uses(u.x(), index);
            case Expr.Binary b -> uses(b.a(), index) + uses(b.b(), index);
        };
    }

    /** The index of {@code b} in {@code bufs}, appending it first when absent: inputs are deduplicated. */
    static int indexOf(List<Buf> bufs, Buf b) {
        int i = bufs.indexOf(b);
        if (i >= 0) return i;
        bufs.add(b);
        return bufs.size() - 1;
    }

    /**
     * Whether a tensor of shape {@code a} lies in memory element for element as one of shape
     * {@code b}: the same dims once the 1s are dropped (so no broadcasting hides in between).
     */
    static boolean sameLayout(Shape a, Shape b) {
        return withoutOnes(a).equals(withoutOnes(b));
    }

    private static List<Dim> withoutOnes(Shape s) {
        return s.dims().stream().filter(d -> !d.equals(Dim.of(1))).toList();
    }
}
