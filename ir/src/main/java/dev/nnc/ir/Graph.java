package dev.nnc.ir;

import dev.nnc.runtime.ParamSpec;
import java.util.List;
import java.util.Map;

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

    /** Name, dtype and shape of each parameter, as weight files are checked against. */
    public List<ParamSpec> paramSpecs() {
        return params().stream().map(p -> new ParamSpec(p.attrs().getString("name"), p.type().dtype(),
                p.type().shape().eval(Map.of()))).toList();
    }
}
