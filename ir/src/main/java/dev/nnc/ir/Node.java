package dev.nnc.ir;

import java.util.List;

/** One operation in the graph: {@code result = op(operands) {attrs} : result.type}. */
public record Node(Value result, Op op, List<Value> operands, Attrs attrs) {
    public Node {
        operands = List.copyOf(operands);
    }

    public Value operand(int i) { return operands.get(i); }

    public TensorType type() { return result.type(); }
}
