package dev.nnc.ir;

import java.util.List;

/**
 * A model in graph IR: nodes in topological order (each operand is defined by an earlier
 * node), the model's inputs and parameters among them as {@link Op#INPUT} and
 * {@link Op#PARAM} nodes, and the named outputs.
 */
public record Graph(String name, List<Node> nodes, List<Output> outputs) {

    /** A named model output. */
    public record Output(String name, Value value) {}

    public Graph {
        nodes = List.copyOf(nodes);
        outputs = List.copyOf(outputs);
    }

    /** The input nodes in declaration order. */
    public List<Node> inputs() { return nodes.stream().filter(n -> n.op() == Op.INPUT).toList(); }

    /** The parameter nodes in declaration order. */
    public List<Node> params() { return nodes.stream().filter(n -> n.op() == Op.PARAM).toList(); }
}
