package dev.nnc.ir;

import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded stand-in inputs for timing a model ({@code nnc bench}, the peer benchmarks), where
 * only the shapes matter but the values must still be valid: floats are uniform in [0, 1);
 * an integer input used as gather indices (token ids) is uniform over the rows of the table
 * it indexes, so it passes the backends' range checks; any other integer input is 0.
 */
public final class SampleInputs {
    private SampleInputs() {}

    /** The symbolic dims of the model's inputs, in order of first appearance (the batch is usually first). */
    public static List<String> symbols(Graph g) {
        List<String> out = new ArrayList<>();
        for (Node in : g.inputs()) {
            for (Dim d : in.type().shape().dims()) collect(d, out);
        }
        return out;
    }

    private static void collect(Dim d, List<String> out) {
        switch (d) {
            case Dim.Known k -> { }
            case Dim.Sym s -> { if (!out.contains(s.name())) out.add(s.name()); }
            case Dim.Expr e -> { collect(e.left(), out); collect(e.right(), out); }
        }
    }

    /** One tensor per input, by name, with every symbolic dim bound by {@code dims}. */
    public static Map<String, Tensor> generate(Graph g, Map<String, Long> dims, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Node in : g.inputs()) {
            int[] shape = in.type().shape().eval(dims);
            DType type = in.type().dtype();
            int n = 1;
            for (int s : shape) n = Math.multiplyExact(n, s);
            Tensor t;
            if (type.isFloat()) {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = (float) rng.nextDouble();
                t = Tensor.ofFloats(type, shape, v);
            } else {
                long bound = indexBound(g, in.result());
                long[] v = new long[n];
                if (bound > 0) for (int i = 0; i < n; i++) v[i] = rng.nextLong(bound);
                t = Tensor.ofLongs(type, shape, v);
            }
            out.put(in.attrs().getString("name"), t);
        }
        return out;
    }

    /** The fewest rows of any table the value indexes through a gather, or 0 when it indexes none. */
    static long indexBound(Graph g, Value indices) {
        long bound = 0;
        for (Node n : g.nodes()) {
            if (n.op() != Op.GATHER || !n.operand(1).equals(indices)) continue;
            Shape table = n.operand(0).type().shape();
            int axis = n.attrs().has("axis") ? n.attrs().getAxis("axis") : 0;
            long rows = table.dim(axis).known().orElse(0);
            if (rows > 0) bound = bound == 0 ? rows : Math.min(bound, rows);
        }
        return bound;
    }
}
