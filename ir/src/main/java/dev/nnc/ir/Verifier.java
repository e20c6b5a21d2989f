package dev.nnc.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks that a graph is well-formed IR: SSA (every value defined once, before its uses),
 * operand counts and attributes as the op declares them, recorded types equal to what the
 * shape rules infer, unique input, parameter and output names, and at least one output.
 * Each problem names the node as printed, e.g. {@code %4 = relu(%3): ...}.
 */
public final class Verifier {

    private Verifier() {}

    /** @throws VerifyException listing every problem, when there is at least one */
    public static void verify(Graph graph) {
        List<String> problems = problems(graph);
        if (!problems.isEmpty()) throw new VerifyException(graph == null ? "<null>" : graph.name(), problems);
    }

    /** Every problem in the graph, in order; empty when it is valid. */
    public static List<String> problems(Graph graph) {
        List<String> problems = new ArrayList<>();
        if (graph == null) {
            problems.add("no graph");
            return problems;
        }
        // Where each id is first defined, to tell "defined later" from "never defined".
        Map<Integer, Integer> firstDefinition = new HashMap<>();
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Value r = nodes.get(i).result();
            if (r != null) firstDefinition.putIfAbsent(r.id(), i);
        }

        Map<Integer, Node> defined = new HashMap<>();
        Map<String, Node> inputNames = new HashMap<>(), paramNames = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            String where = IrPrinter.head(node) + ": ";
            int before = problems.size();
            Op op = node.op();
            Value result = node.result();
            if (result == null) problems.add(where + "the node has no result value");
            if (op == null) problems.add(where + "the node has no op");
            if (result != null && result.type() == null) problems.add(where + "the result has no type");
            if (result != null && result.type() != null
                    && (result.type().dtype() == null || result.type().shape() == null)) {
                problems.add(where + "the result type is incomplete");
            }
            if (result != null && result.id() < 0) problems.add(where + "value ids must not be negative");
            if (result != null && defined.containsKey(result.id())) {
                problems.add(where + result + " is already defined by " + IrPrinter.head(defined.get(result.id())));
            }

            // Operands: defined earlier, with the type their definition has.
            for (Value v : node.operands()) {
                Node def = defined.get(v.id());
                if (def == null) {
                    Integer later = firstDefinition.get(v.id());
                    problems.add(where + "operand " + v + (later != null && later >= i
                            ? " is defined later, by " + IrPrinter.head(nodes.get(later)) + " (operands must come first)"
                            : " is not defined"));
                } else if (!Objects.equals(v.type(), def.result().type())) {
                    problems.add(where + "operand " + v + " has type " + typeText(v.type()) + " here but is defined as "
                            + typeText(def.result().type()));
                }
            }

            if (op != null) {
                int n = node.operands().size();
                if (op.declaresType()) {
                    if (n != 0) problems.add(where + op + " declares its type and takes no operands, but has " + n);
                } else if (n < op.minOperands() || n > op.maxOperands()) {
                    problems.add(where + op + " takes " + operandCount(op) + " but has " + n);
                }
                checkAttrs(node, where, problems);
            }

            if (problems.size() == before && op != null) {
                checkType(node, where, problems);
            }

            if (op == Op.INPUT || op == Op.PARAM) {
                Map<String, Node> names = op == Op.INPUT ? inputNames : paramNames;
                Object name = node.attrs() == null ? null : node.attrs().values().get("name");
                if (name instanceof String s) {
                    Node other = names.putIfAbsent(s, node);
                    if (other != null) {
                        problems.add(where + op + " name " + IrPrinter.quote(s) + " is already used by " + IrPrinter.head(other));
                    }
                }
            }
            if (result != null) defined.putIfAbsent(result.id(), node);
        }

        List<Graph.Output> outputs = graph.outputs();
        if (outputs.isEmpty()) problems.add("return: the graph has no outputs");
        Set<String> outputNames = new HashSet<>();
        for (Graph.Output out : outputs) {
            String where = "return " + IrPrinter.print(out) + ": ";
            if (out.name() == null || out.name().isEmpty()) {
                problems.add(where + "the output has no name");
            } else if (!outputNames.add(out.name())) {
                problems.add(where + "output name " + IrPrinter.quote(out.name()) + " is used twice");
            }
            Value v = out.value();
            if (v == null) {
                problems.add(where + "the output has no value");
            } else if (!defined.containsKey(v.id())) {
                problems.add(where + v + " is not defined");
            } else if (!Objects.equals(v.type(), defined.get(v.id()).result().type())) {
                problems.add(where + v + " has type " + typeText(v.type()) + " here but is defined as "
                        + typeText(defined.get(v.id()).result().type()));
            }
        }
        return problems;
    }

    private static void checkAttrs(Node node, String where, List<String> problems) {
        Op op = node.op();
        Attrs attrs = node.attrs();
        if (attrs == null) {
            problems.add(where + "the node has no attributes (use Attrs.NONE)");
            return;
        }
        for (AttrSpec spec : op.attrs()) {
            Object v = attrs.values().get(spec.name());
            if (v == null) {
                problems.add(where + op + " needs attribute '" + spec.name() + "'");
            } else if (!spec.kind().accepts(v)) {
                problems.add(where + "attribute '" + spec.name() + "' must be " + kindText(spec.kind()) + ", but is "
                        + IrPrinter.value(v) + " (" + javaType(v) + ")");
            }
        }
        for (String name : attrs.values().keySet()) {
            if (op.attr(name).isEmpty()) problems.add(where + op + " has no attribute '" + name + "'");
        }
    }

    private static void checkType(Node node, String where, List<String> problems) {
        Op op = node.op();
        TensorType recorded = node.result().type();
        if (op.declaresType()) {
            if (op == Op.IOTA) {
                long axis = (Long) node.attrs().get("axis");
                int rank = recorded.rank();
                if (axis < -rank || axis >= rank) {
                    problems.add(where + "iota axis " + axis + " is out of range for " + recorded + ", which has rank " + rank);
                }
            }
            return;
        }
        TensorType inferred;
        try {
            inferred = op.infer(node.operands().stream().map(Value::type).toList(), node.attrs());
        } catch (ShapeError e) {
            problems.add(where + e.getMessage());
            return;
        } catch (RuntimeException e) {
            problems.add(where + "the shape rule failed (a compiler bug): " + e);
            return;
        }
        if (!inferred.equals(recorded)) {
            problems.add(where + "the recorded type is " + recorded + " but the operands give " + inferred);
        }
    }

    private static String operandCount(Op op) {
        int min = op.minOperands(), max = op.maxOperands();
        if (min == max) return min + (min == 1 ? " operand" : " operands");
        if (max == Integer.MAX_VALUE) return "at least " + min + (min == 1 ? " operand" : " operands");
        return min + " to " + max + " operands";
    }

    private static String kindText(AttrKind kind) {
        return switch (kind) {
            case INT -> "an integer (Long)";
            case FLOAT -> "a float (Double)";
            case BOOL -> "a bool (Boolean)";
            case STRING -> "a string (String)";
            case INTS -> "a list of integers (List<Long>)";
            case SHAPE -> "a shape (List<Dim>)";
            case DTYPE -> "a dtype (DType)";
        };
    }

    private static String javaType(Object v) {
        if (v instanceof List<?> list) {
            if (list.isEmpty()) return "an empty list";
            return "a list of " + String.join(", ", list.stream()
                    .map(e -> e == null ? "null" : e.getClass().getSimpleName()).distinct().toList());
        }
        return v.getClass().getSimpleName();
    }

    private static String typeText(TensorType t) {
        return t == null ? "none" : IrPrinter.type(t);
    }
}
