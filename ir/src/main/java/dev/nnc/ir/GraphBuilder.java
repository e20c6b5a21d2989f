package dev.nnc.ir;

import dev.nnc.runtime.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a graph node by node, numbering values in order. {@link #add} fills in default
 * attributes and infers the result type, so every node it makes is well typed.
 */
public final class GraphBuilder {
    private final String name;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Graph.Output> outputs = new ArrayList<>();

    public GraphBuilder(String name) { this.name = name; }

    /** Adds a node of an inferred-type op; throws {@link ShapeError} if the operands do not fit. */
    public Value add(Op op, List<Value> operands, Attrs attrs) {
        Attrs full = withDefaults(op, attrs);
        TensorType type = op.infer(operands.stream().map(Value::type).toList(), full);
        return append(op, operands, full, type);
    }

    public Value add(Op op, Value... operands) { return add(op, List.of(operands), Attrs.NONE); }

    /** Adds a node whose result type is declared (inputs, params, constants, iota). */
    public Value declare(Op op, TensorType type, Attrs attrs) {
        return append(op, List.of(), withDefaults(op, attrs), type);
    }

    public Value input(String inputName, TensorType type) {
        return declare(Op.INPUT, type, Attrs.of("name", inputName));
    }

    public Value param(String paramName, TensorType type, String init) {
        return declare(Op.PARAM, type, Attrs.of("name", paramName, "init", init));
    }

    public Value constant(double value, DType dtype) {
        return declare(Op.CONSTANT, new TensorType(dtype, Shape.SCALAR), Attrs.of("value", value));
    }

    public void output(String outputName, Value value) { outputs.add(new Graph.Output(outputName, value)); }

    public Graph build() { return new Graph(name, nodes, outputs); }

    private Value append(Op op, List<Value> operands, Attrs attrs, TensorType type) {
        Value v = new Value(nodes.size(), type);
        nodes.add(new Node(v, op, operands, attrs));
        return v;
    }

    /** The given attributes plus the op's defaults for the rest, in the op's declared order. */
    public static Attrs withDefaults(Op op, Attrs attrs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (AttrSpec spec : op.attrs()) {
            Object v = attrs.values().get(spec.name());
            if (v == null) v = spec.defaultValue();
            if (v == null) throw new IllegalArgumentException(op + " needs attribute '" + spec.name() + "'");
            m.put(spec.name(), v);
        }
        for (String k : attrs.values().keySet()) {
            if (op.attr(k).isEmpty()) throw new IllegalArgumentException(op + " has no attribute '" + k + "'");
        }
        return new Attrs(m);
    }
}
