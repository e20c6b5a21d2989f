package dev.nnc.optimizer.graph;

import dev.nnc.ir.Attrs;
import dev.nnc.ir.Graph;
import dev.nnc.ir.Node;
import dev.nnc.ir.Op;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.Value;
import dev.nnc.optimizer.GraphPass;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges nodes that compute the same value: the same op over the same operands with equal
 * attributes (and, for constants and iotas, the same declared type). The first node is kept
 * and later ones are replaced by it. Every op in the graph IR is a pure function of its
 * operands and attributes, so this is always safe. Inputs and parameters are never merged:
 * two of them with the same type are still different tensors.
 */
public final class CommonSubexpressionElimination implements GraphPass {
    @Override public String name() { return "cse"; }

    @Override public String description() { return "merge nodes that compute the same value from the same operands"; }

    /** What identifies a computation. Operands are new-graph ids, so merges cascade to the users. */
    private record Key(Op op, List<Integer> operands, Attrs attrs, TensorType type) {}

    @Override public Graph run(Graph in) {
        Rewriter out = new Rewriter(in);
        Map<Key, Value> seen = new HashMap<>();
        boolean changed = false;
        for (Node n : in.nodes()) {
            if (n.op() == Op.INPUT || n.op() == Op.PARAM) {
                out.copy(n);
                continue;
            }
            // Attrs compare by value: Double.equals keeps 0.0 and -0.0 apart, and NaN equal to NaN.
            Key key = new Key(n.op(), out.map(n.operands()).stream().map(Value::id).toList(), n.attrs(), n.type());
            Value first = seen.get(key);
            if (first != null) {
                out.replace(n, first);
                changed = true;
            } else {
                seen.put(key, out.copy(n));
            }
        }
        return changed ? out.finish() : in;
    }
}
