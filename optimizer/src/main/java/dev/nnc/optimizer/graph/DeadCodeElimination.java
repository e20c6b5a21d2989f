package dev.nnc.optimizer.graph;

import dev.nnc.ir.Graph;
import dev.nnc.ir.Node;
import dev.nnc.ir.Op;
import dev.nnc.ir.Value;
import dev.nnc.optimizer.GraphPass;
import java.util.List;

/**
 * Removes nodes that no output depends on. Inputs and parameters always stay, used or not:
 * inputs are the model's calling convention, and parameters are what a weight file is checked
 * against, so dropping one would make a complete weight file report an extra tensor.
 */
public final class DeadCodeElimination implements GraphPass {
    @Override public String name() { return "dce"; }

    @Override public String description() { return "remove nodes that no output depends on (inputs and parameters stay)"; }

    @Override public Graph run(Graph in) {
        List<Node> nodes = in.nodes();
        boolean[] live = new boolean[nodes.size()];
        // Value ids are node indices in a well-formed graph, but look them up rather than rely on it.
        int[] indexOf = indexOfValue(nodes);
        for (Graph.Output o : in.outputs()) live[indexOf[o.value().id()]] = true;
        // Operands come before their users, so one backward sweep reaches everything live.
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.op() == Op.INPUT || n.op() == Op.PARAM) live[i] = true;
            if (!live[i]) continue;
            for (Value v : n.operands()) live[indexOf[v.id()]] = true;
        }

        boolean anyDead = false;
        for (boolean l : live) anyDead |= !l;
        if (!anyDead) return in;

        Rewriter out = new Rewriter(in);
        for (int i = 0; i < nodes.size(); i++) {
            if (live[i]) out.copy(nodes.get(i));
        }
        return out.finish();
    }

    private static int[] indexOfValue(List<Node> nodes) {
        int max = nodes.stream().mapToInt(n -> n.result().id()).max().orElse(-1);
        int[] index = new int[max + 1];
        for (int i = 0; i < nodes.size(); i++) index[nodes.get(i).result().id()] = i;
        return index;
    }
}
