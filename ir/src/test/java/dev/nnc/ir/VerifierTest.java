package dev.nnc.ir;

import static dev.nnc.ir.TestGraphs.B;
import static dev.nnc.ir.TestGraphs.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifierTest {

    static final TensorType X = f32(B, Dim.of(4));

    static Value v(int id, TensorType t) { return new Value(id, t); }

    static Node input(int id, String name, TensorType t) { return new Node(v(id, t), Op.INPUT, List.of(), Attrs.of("name", name)); }

    static Node param(int id, String name, TensorType t) {
        return new Node(v(id, t), Op.PARAM, List.of(), Attrs.of("name", name, "init", "zeros"));
    }

    static Node node(int id, TensorType t, Op op, Attrs attrs, Value... operands) {
        return new Node(v(id, t), op, Arrays.asList(operands), attrs);
    }

    /** A graph of these nodes returning the last one as "y". */
    static Graph graph(Node... nodes) {
        return new Graph("G", List.of(nodes), List.of(new Graph.Output("y", nodes[nodes.length - 1].result())));
    }

    static List<String> problems(Graph g) { return Verifier.problems(g); }

    @Test void wellFormedGraphsPass() {
        Verifier.verify(TestGraphs.mnist());
        Verifier.verify(TestGraphs.everyOp());
        assertEquals(List.of(), problems(graph(input(0, "x", X), node(1, X, Op.RELU, Attrs.NONE, v(0, X)))));
    }

    @Test void duplicateIds() {
        assertEquals(List.of("%0 = input: %0 is already defined by %0 = input"),
                problems(graph(input(0, "x", X), input(0, "z", X))));
    }

    @Test void operandsMustBeDefinedEarlier() {
        assertEquals(List.of("%1 = relu(%5): operand %5 is not defined"),
                problems(graph(input(0, "x", X), node(1, X, Op.RELU, Attrs.NONE, v(5, X)))));
        assertEquals(List.of("%1 = relu(%2): operand %2 is defined later, by %2 = input (operands must come first)"),
                problems(graph(input(0, "x", X), node(1, X, Op.RELU, Attrs.NONE, v(2, X)), input(2, "z", X))));
        assertEquals(List.of("%1 = relu(%1): operand %1 is defined later, by %1 = relu(%1) (operands must come first)"),
                problems(graph(node(1, X, Op.RELU, Attrs.NONE, v(1, X)))));
    }

    @Test void operandTypesMustMatchTheirDefinition() {
        assertEquals(List.of("%1 = relu(%0): operand %0 has type f32[3] here but is defined as f32[B,4]"),
                problems(graph(input(0, "x", X), node(1, f32(3), Op.RELU, Attrs.NONE, v(0, f32(3))))));
    }

    @Test void operandCounts() {
        assertEquals(List.of("%1 = relu(%0, %0): relu takes 1 operand but has 2"),
                problems(graph(input(0, "x", X), node(1, X, Op.RELU, Attrs.NONE, v(0, X), v(0, X)))));
        assertEquals(List.of("%1 = conv2d(%0): conv2d takes 2 to 3 operands but has 1"),
                problems(graph(input(0, "x", X), node(1, X, Op.CONV2D, GraphBuilder.withDefaults(Op.CONV2D, Attrs.NONE), v(0, X)))));
        assertEquals(List.of("%1 = concat: concat takes at least 1 operand but has 0"),
                problems(graph(input(0, "x", X), node(1, X, Op.CONCAT, Attrs.of("axis", 0L)))));
        assertEquals(List.of("%1 = input(%0): input declares its type and takes no operands, but has 1"),
                problems(graph(input(0, "x", X), node(1, X, Op.INPUT, Attrs.of("name", "z"), v(0, X)))));
    }

    @Test void attributes() {
        Node in = input(0, "x", X);
        assertEquals(List.of("%1 = softmax(%0): softmax needs attribute 'axis'"),
                problems(graph(in, node(1, X, Op.SOFTMAX, Attrs.NONE, v(0, X)))));
        assertEquals(List.of("%1 = softmax(%0): attribute 'axis' must be an integer (Long), but is 1 (Integer)"),
                problems(graph(in, node(1, X, Op.SOFTMAX, Attrs.of("axis", 1), v(0, X)))));
        assertEquals(List.of("%1 = softmax(%0): softmax has no attribute 'dim'"),
                problems(graph(in, node(1, X, Op.SOFTMAX, Attrs.of("axis", 1L, "dim", 1L), v(0, X)))));
        assertEquals(List.of("%1 = transpose(%0): attribute 'perm' must be a list of integers (List<Long>), but is [1,0] (a list of Integer)"),
                problems(graph(in, node(1, f32(Dim.of(4), B), Op.TRANSPOSE, Attrs.of("perm", List.of(1, 0)), v(0, X)))));
        assertEquals(List.of("%1 = reshape(%0): attribute 'shape' must be a shape (List<Dim>), but is [4,\"B\"] (a list of Long, String)"),
                problems(graph(in, node(1, f32(Dim.of(4), B), Op.RESHAPE, Attrs.of("shape", List.of(4L, "B")), v(0, X)))));
        assertEquals(List.of("%0 = param: param needs attribute 'init'"),
                problems(graph(new Node(v(0, X), Op.PARAM, List.of(), Attrs.of("name", "w")))));
        assertEquals(List.of("%0 = input: the node has no attributes (use Attrs.NONE)"),
                problems(graph(new Node(v(0, X), Op.INPUT, List.of(), null))));
    }

    @Test void recordedTypesMustBeInferred() {
        assertEquals(List.of("%1 = relu(%0): the recorded type is f32[B,5] but the operands give f32[B,4]"),
                problems(graph(input(0, "x", X), node(1, f32(B, Dim.of(5)), Op.RELU, Attrs.NONE, v(0, X)))));
        assertEquals(List.of("%2 = add(%0, %1): cannot broadcast f32[B,4] with f32[3]: dimension -1 is 4 vs 3"),
                problems(graph(input(0, "x", X), param(1, "b", f32(3)), node(2, X, Op.ADD, Attrs.NONE, v(0, X), v(1, f32(3))))));
        assertEquals(List.of("%1 = iota: iota axis 2 is out of range for f32[B,4], which has rank 2"),
                problems(graph(input(0, "x", X), node(1, X, Op.IOTA, Attrs.of("axis", 2L)))));
    }

    @Test void namesMustBeUnique() {
        assertEquals(List.of("%1 = input: input name \"x\" is already used by %0 = input"),
                problems(graph(input(0, "x", X), input(1, "x", X))));
        assertEquals(List.of("%2 = param: param name \"w\" is already used by %1 = param"),
                problems(graph(input(0, "w", X), param(1, "w", X), param(2, "w", X))));
    }

    @Test void outputs() {
        Node in = input(0, "x", X);
        assertEquals(List.of("return: the graph has no outputs"), problems(new Graph("G", List.of(in), List.of())));
        assertEquals(List.of("return y=%9: %9 is not defined"),
                problems(new Graph("G", List.of(in), List.of(new Graph.Output("y", v(9, X))))));
        assertEquals(List.of("return y=%0: output name \"y\" is used twice"),
                problems(new Graph("G", List.of(in), List.of(new Graph.Output("y", v(0, X)), new Graph.Output("y", v(0, X))))));
        assertEquals(List.of("return y=%0: %0 has type f32[4] here but is defined as f32[B,4]"),
                problems(new Graph("G", List.of(in), List.of(new Graph.Output("y", v(0, f32(4)))))));
        assertEquals(List.of("return \"\"=%0: the output has no name"),
                problems(new Graph("G", List.of(in), List.of(new Graph.Output("", v(0, X))))));
    }

    @Test void otherMalformedNodes() {
        assertEquals(List.of("%-1 = input: value ids must not be negative"), problems(graph(input(-1, "x", X))));
        assertEquals(List.of("%0 = <no op>: the node has no op"),
                problems(graph(new Node(v(0, X), null, List.of(), Attrs.NONE))));
        assertEquals(List.of("%0 = input: the result has no type"), problems(graph(input(0, "x", null))));
    }

    @Test void everyProblemIsListedOnItsOwnLine() {
        List<Node> nodes = new ArrayList<>(List.of(
                input(0, "x", X),
                input(1, "x", X),
                node(2, X, Op.RELU, Attrs.NONE, v(7, X)),
                node(3, f32(4), Op.SOFTMAX, Attrs.of("axis", 1L), v(0, X))));
        Graph g = new Graph("Bad", nodes, List.of());
        VerifyException e = assertThrows(VerifyException.class, () -> Verifier.verify(g));
        assertEquals(List.of(
                "%1 = input: input name \"x\" is already used by %0 = input",
                "%2 = relu(%7): operand %7 is not defined",
                "%3 = softmax(%0): the recorded type is f32[4] but the operands give f32[B,4]",
                "return: the graph has no outputs"), e.problems());
        assertEquals("""
                graph Bad is not valid IR (4 problems):
                %1 = input: input name "x" is already used by %0 = input
                %2 = relu(%7): operand %7 is not defined
                %3 = softmax(%0): the recorded type is f32[4] but the operands give f32[B,4]
                return: the graph has no outputs""", e.getMessage());
    }
}
