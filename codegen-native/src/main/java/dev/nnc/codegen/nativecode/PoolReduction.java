package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a pooling kind does with the vectors of a window: where it starts, how it takes in a
 * vector and how it ends. A max propagates NaN and never sees the padding (lanes there count
 * as -inf); an average divides by the whole window when the padding counts (every window fits
 * in the padded input), else by the number of input elements it covers.
 */
final class PoolReduction {
    private final Kernel.PoolKind kind;
    private final boolean countIncludePad;
    private final int windowSize;

    PoolReduction(Kernel.Pool2d k) {
        this.kind = k.kind();
        this.countIncludePad = k.countIncludePad();
        this.windowSize = k.kernel().get(0) * k.kernel().get(1);
    }

    /** The value before any input. */
    private String identity(VectorOps ops) {
        return kind == Kernel.PoolKind.MAX ? ops.c(Double.NEGATIVE_INFINITY) : "zeroinitializer";
    }

    /** A vector loaded as zero where {@code inside} is off (the padding), made neutral there. */
    String padded(VectorOps ops, String loaded, String inside) {
        return kind == Kernel.PoolKind.MAX ? ops.select(inside, loaded, identity(ops)) : loaded;
    }

    /** The vector of one window position (row, column: i64 values). */
    @FunctionalInterface
    interface Element {
        String at(String row, String column);
    }

    /** Reduces the window positions rows [top, bottom) x columns [left, right), accumulating in a register. */
    String over(FunctionWriter f, VectorOps ops, String top, String bottom, String left, String right, Element element) {
        return f.loopCarrying(top, bottom, "1", List.<String[]>of(new String[] {ops.type(), identity(ops)}), (row, rowAcc) ->
                f.loopCarrying(left, right, "1", List.<String[]>of(new String[] {ops.type(), rowAcc.get(0)}), (column, acc) ->
                        List.of(combine(ops, acc.get(0), element.at(row, column))))).get(0);
    }

    private String combine(VectorOps ops, String acc, String v) {
        return kind == Kernel.PoolKind.MAX ? ops.maximum(acc, v) : ops.add(acc, v);
    }

    /** The result; {@code covered} gives the float vector of input elements each window covers (asked only when needed). */
    String finish(VectorOps ops, String acc, Supplier<String> covered) {
        if (kind == Kernel.PoolKind.MAX) return acc;
        return ops.div(acc, countIncludePad ? ops.c(windowSize) : covered.get());
    }
}
