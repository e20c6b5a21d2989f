package dev.nnc.ir.interp;

import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * reduce_sum, reduce_mean and reduce_max over a set of axes, optionally keeping the reduced
 * axes as size 1. Float sums accumulate in double; integer sums in long (wrapping).
 */
final class Reductions {
    private Reductions() {}

    enum Kind { SUM, MEAN, MAX }

    static Tensor reduce(Tensor x, Kind kind, List<Long> axes, boolean keepdims, String where) {
        DType dt = x.dtype();
        if (kind == Kind.MEAN) Numerics.requireFloat(x, where);
        int[] s = x.shape();
        boolean[] reduced = new boolean[s.length];
        for (long axis : axes) {
            int a = Shapes.axis(axis, s.length, where);
            if (reduced[a]) throw new IllegalStateException(where + ": axis " + a + " is listed twice");
            reduced[a] = true;
        }
        // The result as if keepdims: reduced axes have size 1.
        int[] kept = s.clone();
        int count = 1; // elements folded into each result element
        for (int d = 0; d < s.length; d++) {
            if (reduced[d]) {
                kept[d] = 1;
                count *= s[d];
            }
        }
        int[] keptStrides = Shapes.strides(kept);
        // For each input element, the result element it folds into: reduced axes step by 0.
        int[] strides = new int[s.length];
        for (int d = 0; d < s.length; d++) strides[d] = reduced[d] ? 0 : keptStrides[d];
        int[] target = IndexMap.strided(s, 0, strides);
        int[] shape = keepdims ? kept : dropReduced(s, reduced);
        int m = Shapes.size(kept);

        if (dt.isFloat()) {
            float[] in = x.floats();
            double[] acc = new double[m];
            if (kind == Kind.MAX) Arrays.fill(acc, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < target.length; i++) {
                int t = target[i];
                acc[t] = kind == Kind.MAX ? Math.max(acc[t], in[i]) : acc[t] + in[i]; // Math.max keeps NaN
            }
            float[] out = new float[m];
            for (int j = 0; j < m; j++) out[j] = Numerics.round(dt, kind == Kind.MEAN ? acc[j] / count : acc[j]);
            return Numerics.floats(dt, shape, out);
        }
        long[] in = x.longs();
        long[] acc = new long[m];
        if (kind == Kind.MAX) {
            if (count == 0) throw new InputError(where + ": max of an empty set of integers");
            Arrays.fill(acc, Long.MIN_VALUE);
        }
        for (int i = 0; i < target.length; i++) {
            int t = target[i];
            acc[t] = kind == Kind.MAX ? Math.max(acc[t], in[i]) : acc[t] + in[i];
        }
        for (int j = 0; j < m; j++) acc[j] = Numerics.wrap(dt, acc[j]);
        return Numerics.longs(dt, shape, acc);
    }

    private static int[] dropReduced(int[] s, boolean[] reduced) {
        int[] out = new int[s.length];
        int r = 0;
        for (int d = 0; d < s.length; d++) if (!reduced[d]) out[r++] = s[d];
        return Arrays.copyOf(out, r);
    }
}
