package dev.nnc.ir.interp;

import dev.nnc.runtime.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Ops that only move elements: reshape, flatten, transpose, concat, slice and gather. They
 * work the same for every dtype and never round.
 */
final class DataMovement {
    private DataMovement() {}

    /** The same elements in row-major order under {@code shape}. */
    static Tensor reshape(Tensor x, int[] shape, String where) {
        if (Shapes.size(shape) != x.size()) {
            throw new IllegalStateException(where + ": cannot reshape " + x + " (" + x.size() + " elements) to "
                    + Shapes.str(shape));
        }
        return x.reshape(shape); // shares the (immutable) backing array
    }

    /** torch.flatten(x, axis): dims [axis, rank) collapse into one. */
    static Tensor flatten(Tensor x, long axis, String where) {
        int[] s = x.shape();
        int a = Shapes.axis(axis, s.length, where);
        int[] shape = Arrays.copyOf(s, a + 1);
        shape[a] = Shapes.product(s, a, s.length);
        return x.reshape(shape);
    }

    /** Result dim i is operand dim perm[i] (negative entries count from the end). */
    static Tensor transpose(Tensor x, int[] perm, String where) {
        int[] s = x.shape();
        if (perm.length != s.length) {
            throw new IllegalStateException(where + ": perm " + Arrays.toString(perm) + " does not fit " + x);
        }
        int[] inStrides = Shapes.strides(s);
        int[] shape = new int[s.length], strides = new int[s.length];
        boolean[] seen = new boolean[s.length];
        for (int i = 0; i < perm.length; i++) {
            int p = Shapes.axis(perm[i], s.length, where);
            if (seen[p]) throw new IllegalStateException(where + ": perm " + Arrays.toString(perm) + " repeats " + p);
            seen[p] = true;
            shape[i] = s[p];
            strides[i] = inStrides[p]; // stepping result dim i steps operand dim p
        }
        return IndexMap.take(x, IndexMap.strided(shape, 0, strides), shape);
    }

    /** Joins the operands along {@code axis}; all other dims agree. */
    static Tensor concat(List<Tensor> xs, long axis, String where) {
        Tensor first = xs.get(0);
        int[] s0 = first.shape();
        int a = Shapes.axis(axis, s0.length, where);
        int total = 0;
        for (Tensor t : xs) {
            int[] s = t.shape();
            boolean fits = t.dtype() == first.dtype() && s.length == s0.length;
            for (int d = 0; fits && d < s.length; d++) fits = d == a || s[d] == s0[d];
            if (!fits) throw new IllegalStateException(where + ": cannot concat " + t + " with " + first + " along " + a);
            total += s[a];
        }
        int[] shape = s0.clone();
        shape[a] = total;
        int outer = Shapes.product(s0, 0, a), inner = Shapes.product(s0, a + 1, s0.length);
        // Each operand contributes, for every outer index, one contiguous chunk of dim(a)*inner elements.
        int[] map = new int[Shapes.size(shape)];
        int[] which = new int[map.length];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < xs.size(); k++) {
                int chunk = xs.get(k).shape()[a] * inner;
                for (int i = 0; i < chunk; i++) {
                    which[pos] = k;
                    map[pos++] = o * chunk + i;
                }
            }
        }
        if (first.dtype().isFloat()) {
            float[][] src = xs.stream().map(Tensor::floats).toArray(float[][]::new);
            float[] out = new float[map.length];
            for (int i = 0; i < map.length; i++) out[i] = src[which[i]][map[i]];
            return Numerics.floats(first.dtype(), shape, out);
        }
        long[][] src = xs.stream().map(Tensor::longs).toArray(long[][]::new);
        long[] out = new long[map.length];
        for (int i = 0; i < map.length; i++) out[i] = src[which[i]][map[i]];
        return Numerics.longs(first.dtype(), shape, out);
    }

    /**
     * Bounds at or beyond this magnitude mean "from the start" / "to the end" (as
     * {@code ShapeRules.OPEN}); they are exempt from the check on symbolic dims.
     */
    static final long OPEN = Integer.MAX_VALUE;

    /**
     * Python slicing x[start:end:step] along each listed axis: negative starts and ends count
     * from the end, both are then clamped to [0, dim], and steps are positive.
     *
     * <p>Along a dim that is symbolic in the operand's type ({@code symbolic[axis]}), the
     * shape rules assumed the bounds lie inside the dim, so a bound that needs clamping there
     * means the input is too small: an {@link InputError} rather than a silently shorter slice.
     */
    static Tensor slice(Tensor x, boolean[] symbolic, List<Long> axes, List<Long> starts, List<Long> ends,
            List<Long> steps, String where) {
        if (starts.size() != axes.size() || ends.size() != axes.size() || steps.size() != axes.size()) {
            throw new IllegalStateException(where + ": axes, starts, ends and steps need the same length");
        }
        int[] s = x.shape();
        int[] inStrides = Shapes.strides(s);
        int[] shape = s.clone();
        int[] strides = inStrides.clone();
        boolean[] seen = new boolean[s.length];
        long base = 0;
        for (int i = 0; i < axes.size(); i++) {
            int a = Shapes.axis(axes.get(i), s.length, where);
            if (seen[a]) throw new IllegalStateException(where + ": axis " + a + " is sliced twice");
            seen[a] = true;
            long step = steps.get(i);
            if (step <= 0) throw new IllegalStateException(where + ": step " + step + " is not positive");
            if (symbolic[a]) {
                checkInside("start", starts.get(i), a, s[a], where);
                checkInside("end", ends.get(i), a, s[a], where);
            }
            long start = clampIndex(starts.get(i), s[a]), end = clampIndex(ends.get(i), s[a]);
            long count = end > start ? Math.ceilDiv(end - start, step) : 0;
            shape[a] = (int) count;
            // With one element or none the stride is never used; it could overflow for huge steps.
            strides[a] = count <= 1 ? 0 : Math.toIntExact(inStrides[a] * step);
            base += start * inStrides[a];
        }
        return IndexMap.take(x, IndexMap.strided(shape, base, strides), shape);
    }

    private static void checkInside(String what, long bound, int axis, int dim, String where) {
        if (bound >= OPEN || bound <= -OPEN) return;
        long v = bound < 0 ? bound + dim : bound;
        if (v < 0 || v > dim) {
            throw new InputError(where + ": " + what + " " + bound + " lies outside dimension " + axis + " of size " + dim
                    + ", which the model's types assume it lies within");
        }
    }

    /** A Python slice bound: negative counts from the end, then clamped to [0, dim]. */
    private static long clampIndex(long v, int dim) {
        if (v < 0) v += dim;
        return Math.max(0, Math.min(dim, v));
    }

    /**
     * data[..., indices, ...] along {@code axis}: result shape data[:axis] + indices +
     * data[axis+1:]; a negative index counts from the end.
     */
    static Tensor gather(Tensor data, Tensor indices, long axis, String where) {
        if (indices.dtype().isFloat()) {
            throw new IllegalStateException(where + ": indices must be integers, got " + indices);
        }
        int[] ds = data.shape(), is = indices.shape();
        int a = Shapes.axis(axis, ds.length, where);
        int[] shape = new int[ds.length - 1 + is.length];
        System.arraycopy(ds, 0, shape, 0, a);
        System.arraycopy(is, 0, shape, a, is.length);
        System.arraycopy(ds, a + 1, shape, a + is.length, ds.length - a - 1);
        int outer = Shapes.product(ds, 0, a), dim = ds[a], inner = Shapes.product(ds, a + 1, ds.length);
        long[] idx = indices.longs();
        int[] rows = new int[idx.length];
        for (int j = 0; j < idx.length; j++) {
            long v = idx[j] < 0 ? idx[j] + dim : idx[j];
            if (v < 0 || v >= dim) {
                throw new InputError(where + ": index " + idx[j] + " is out of range for axis " + a + " of size "
                        + dim + " (data " + data + ")");
            }
            rows[j] = (int) v;
        }
        int[] map = new int[Shapes.size(shape)];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (int row : rows) {
                for (int i = 0; i < inner; i++) map[pos++] = (o * dim + row) * inner + i;
            }
        }
        return IndexMap.take(data, map, shape);
    }
}
