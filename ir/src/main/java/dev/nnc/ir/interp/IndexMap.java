package dev.nnc.ir.interp;

import dev.nnc.runtime.Tensor;

/**
 * Index maps: for each element of a result, the flat index of the source element it copies.
 *
 * <p>Broadcasting, transposes, slices and reductions are all "strided views": the result
 * element at coordinates (i0, ..., ik) corresponds to source index
 * {@code base + i0*s0 + ... + ik*sk} for some per-dimension source strides {@code s}. Building
 * that map once with one odometer loop, and then copying through it, keeps each of those ops
 * a few lines of stride arithmetic that is easy to check by eye.
 */
final class IndexMap {
    private IndexMap() {}

    /**
     * The flat source index of every element of a result of shape {@code outShape}, in
     * row-major order: {@code base + sum(coordinate[d] * srcStrides[d])}.
     */
    static int[] strided(int[] outShape, long base, int[] srcStrides) {
        int rank = outShape.length;
        int n = Shapes.size(outShape);
        int[] map = new int[n];
        int[] idx = new int[rank];
        long off = base;
        for (int i = 0; i < n; i++) {
            map[i] = Math.toIntExact(off);
            // Advance the odometer: bump the last coordinate, carrying into earlier ones.
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                off += srcStrides[d];
                if (idx[d] < outShape[d]) break;
                off -= (long) srcStrides[d] * outShape[d];
                idx[d] = 0;
            }
        }
        return map;
    }

    /** A new tensor of {@code dtype} and {@code shape} whose element i is {@code src[map[i]]}. */
    static Tensor take(Tensor src, int[] map, int[] shape) {
        if (src.dtype().isFloat()) {
            float[] s = src.floats();
            float[] out = new float[map.length];
            for (int i = 0; i < map.length; i++) out[i] = s[map[i]];
            return Numerics.floats(src.dtype(), shape, out);
        }
        long[] s = src.longs();
        long[] out = new long[map.length];
        for (int i = 0; i < map.length; i++) out[i] = s[map[i]];
        return Numerics.longs(src.dtype(), shape, out);
    }
}
