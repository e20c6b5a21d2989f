package dev.nnc.ir.interp;

import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;

/** Ops that make a tensor from nothing but their type and attributes: constant and iota. */
final class Sources {
    private Sources() {}

    /**
     * A tensor of {@code dtype} and {@code shape} filled with {@code value}: rounded for float
     * dtypes, truncated toward zero for integers, nonzero for bool (as a cast would).
     */
    static Tensor constant(DType dtype, int[] shape, double value) {
        int n = Shapes.size(shape);
        if (dtype.isFloat()) {
            float[] out = new float[n];
            java.util.Arrays.fill(out, Numerics.round(dtype, value));
            return Numerics.floats(dtype, shape, out);
        }
        long v = dtype == DType.BOOL ? (value != 0 || Double.isNaN(value) ? 1 : 0) : Numerics.wrap(dtype, (long) value);
        long[] out = new long[n];
        java.util.Arrays.fill(out, v);
        return Numerics.longs(dtype, shape, out);
    }

    /** A tensor whose every element equals its coordinate along {@code axis}. */
    static Tensor iota(DType dtype, int[] shape, long axis, String where) {
        int a = Shapes.axis(axis, shape.length, where);
        int stride = Shapes.strides(shape)[a];
        int n = Shapes.size(shape);
        if (dtype.isFloat()) {
            float[] out = new float[n];
            for (int i = 0; i < n; i++) out[i] = Numerics.round(dtype, (i / stride) % shape[a]);
            return Numerics.floats(dtype, shape, out);
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = Numerics.wrap(dtype, (i / stride) % shape[a]);
        return Numerics.longs(dtype, shape, out);
    }
}
