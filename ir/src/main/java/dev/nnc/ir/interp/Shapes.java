package dev.nnc.ir.interp;

import dev.nnc.runtime.Tensor;

/** Arithmetic on concrete row-major shapes: element counts, strides and axis normalization. */
final class Shapes {
    private Shapes() {}

    /** The number of elements of {@code shape} (1 for a scalar). */
    static int size(int[] shape) {
        return product(shape, 0, shape.length);
    }

    /** The product of {@code shape[from..to)}; 1 for an empty range. */
    static int product(int[] shape, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) n *= shape[i];
        return Math.toIntExact(n);
    }

    /** Row-major strides: stride[i] is the flat distance between neighbours along dim i. */
    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc = Math.multiplyExact(acc, shape[i]);
        }
        return s;
    }

    /** {@code axis} in [0, rank), with negative axes counted from the end. */
    static int axis(long axis, int rank, String where) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalStateException(where + ": axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    static String str(int[] shape) {
        return Tensor.shapeString(shape);
    }

    /** The type of a tensor as nnc prints it, e.g. {@code f32[2,3]}. */
    static String type(Tensor t) {
        return t.toString();
    }
}
