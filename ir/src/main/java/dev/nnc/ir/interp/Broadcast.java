package dev.nnc.ir.interp;

/**
 * NumPy broadcasting: shapes are aligned at their last dimension; a missing leading dimension
 * or a dimension of size 1 stretches to match the other operand.
 */
final class Broadcast {
    private Broadcast() {}

    /** The broadcast shape of {@code a} and {@code b}. */
    static int[] shape(int[] a, int[] b, String where) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = dimFromEnd(a, rank - i), db = dimFromEnd(b, rank - i);
            if (da != db && da != 1 && db != 1) {
                throw new IllegalStateException(where + ": shapes " + Shapes.str(a) + " and " + Shapes.str(b)
                        + " do not broadcast (dimension " + i + " of the result: " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * For each element of a result of shape {@code out}, the flat index of the element of an
     * operand of shape {@code in} (which broadcasts to {@code out}) that it reads.
     */
    static int[] indexMap(int[] out, int[] in) {
        int[] inStrides = Shapes.strides(in);
        int[] s = new int[out.length];
        int lead = out.length - in.length;
        for (int d = lead; d < out.length; d++) {
            // A stretched dimension re-reads the same element: stride 0.
            s[d] = in[d - lead] == 1 && out[d] != 1 ? 0 : inStrides[d - lead];
        }
        return IndexMap.strided(out, 0, s);
    }

    /** The size of the {@code k}-th dimension counted from the end (k = 1 is the last); 1 if absent. */
    private static int dimFromEnd(int[] shape, int k) {
        return k <= shape.length ? shape[shape.length - k] : 1;
    }
}
