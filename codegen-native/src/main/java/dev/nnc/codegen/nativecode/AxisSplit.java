package dev.nnc.codegen.nativecode;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;

/**
 * A tensor seen as {@code [outer, axis, inner]} around dims {@code [from, to)} of its shape:
 * how the row kernels (reduce, softmax, layer norm, concat, gather) address it.
 */
record AxisSplit(Dim outer, Dim axis, Dim inner) {

    /** The split of {@code s} with dims {@code [from, to)} as the middle. */
    static AxisSplit of(Shape s, int from, int to) {
        return new AxisSplit(product(s, 0, from), product(s, from, to), product(s, to, s.rank()));
    }

    /** The split of {@code s} around the single dim {@code axis}. */
    static AxisSplit around(Shape s, int axis) {
        return of(s, axis, axis + 1);
    }

    /** Whether nothing follows the middle dims, so that each of their runs is a contiguous row. */
    boolean isRows() {
        return inner.equals(Dim.of(1));
    }

    /** The product of dims {@code [from, to)} of {@code s} (1 when empty). */
    static Dim product(Shape s, int from, int to) {
        Dim d = Dim.of(1);
        for (int i = from; i < to; i++) d = d.times(s.dim(i));
        return d;
    }
}
