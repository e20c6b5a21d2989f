package dev.nnc.optimizer.graph;

import dev.nnc.ir.Attrs;
import dev.nnc.ir.Graph;
import dev.nnc.ir.GraphBuilder;
import dev.nnc.ir.Node;
import dev.nnc.ir.Op;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a graph in one walk over its nodes, for the graph passes. Each old node is either
 * copied (its operands renamed to their new values), replaced by a value already in the new
 * graph, or left out; new nodes may be emitted in between. The new graph is made with a
 * {@link GraphBuilder}, so value ids stay dense node indices and every emitted node's type is
 * inferred again from its operands.
 */
final class Rewriter {
    private final Graph source;
    private final GraphBuilder builder;
    /** The new graph's nodes so far, indexed by value id, so passes can look at a new operand's definition. */
    private final List<Node> built = new ArrayList<>();
    /** Old value id to the new value that stands for it. */
    private final Map<Integer, Value> renamed = new HashMap<>();

    Rewriter(Graph source) {
        this.source = source;
        this.builder = new GraphBuilder(source.name());
    }

    /** The new value standing for an old one; the old one must have been copied or replaced already. */
    Value map(Value old) {
        Value v = renamed.get(old.id());
        if (v == null) throw new IllegalStateException(old + " was used before it was rewritten");
        return v;
    }

    List<Value> map(List<Value> old) { return old.stream().map(this::map).toList(); }

    /** The node of the new graph that defines {@code v}. */
    Node definition(Value v) { return built.get(v.id()); }

    /** Copies {@code old} with renamed operands; its value keeps its type. */
    Value copy(Node old) {
        Value v = old.op().declaresType()
                ? declare(old.op(), old.type(), old.attrs())
                : emit(old.op(), map(old.operands()), old.attrs());
        if (!v.type().equals(old.type())) {
            throw new IllegalStateException("rewriting " + old.result() + " changed its type from " + old.type()
                    + " to " + v.type());
        }
        replace(old, v);
        return v;
    }

    /** Makes {@code with} (a value of the new graph, of the same type) stand for {@code old}'s result. */
    void replace(Node old, Value with) {
        if (!with.type().equals(old.type())) {
            throw new IllegalStateException("cannot replace " + old.result() + " : " + old.type() + " by " + with
                    + " : " + with.type());
        }
        renamed.put(old.result().id(), with);
    }

    /** Adds a node of an inferred-type op over values of the new graph. */
    Value emit(Op op, List<Value> operands, Attrs attrs) {
        Value v = builder.add(op, operands, attrs);
        built.add(new Node(v, op, operands, GraphBuilder.withDefaults(op, attrs)));
        return v;
    }

    /** Adds a source node (input, param, constant, iota) of a declared type. */
    Value declare(Op op, TensorType type, Attrs attrs) {
        Value v = builder.declare(op, type, attrs);
        built.add(new Node(v, op, List.of(), GraphBuilder.withDefaults(op, attrs)));
        return v;
    }

    /** The new graph, with the same output names in the same order, each renamed. */
    Graph finish() {
        for (Graph.Output o : source.outputs()) builder.output(o.name(), map(o.value()));
        return builder.build();
    }
}
