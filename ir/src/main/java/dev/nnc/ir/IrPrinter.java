package dev.nnc.ir;

import dev.nnc.runtime.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Prints graph IR as text that {@link IrParser} reads back to an equal graph:
 *
 * <pre>
 * graph MnistCnn {
 *   %0 = input {name="image"} : f32[B,1,28,28]
 *   %3 = conv2d(%0, %1, %2) {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1} : f32[B,32,26,26]
 *   %4 = relu(%3) : f32[B,32,26,26]
 *   return output=%4
 * }
 * </pre>
 *
 * One node per line; attributes in the op's declared order, every one printed; floats as
 * {@link Double#toString} ({@code inf}, {@code -inf}, {@code nan} when not finite); strings in
 * double quotes with backslash escapes. Names that are not identifiers are quoted.
 */
public final class IrPrinter {

    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private IrPrinter() {}

    /** The whole graph, ending with a newline. */
    public static String print(Graph graph) {
        StringBuilder sb = new StringBuilder();
        sb.append("graph ").append(name(graph.name())).append(" {\n");
        for (Node n : graph.nodes()) sb.append("  ").append(print(n)).append('\n');
        sb.append("  return");
        List<Graph.Output> outputs = graph.outputs();
        for (int i = 0; i < outputs.size(); i++) {
            sb.append(i == 0 ? " " : ", ").append(print(outputs.get(i)));
        }
        return sb.append("\n}\n").toString();
    }

    /** One node as its line in the graph text (without indentation): {@code %4 = relu(%3) : f32[B,10]}. */
    public static String print(Node node) {
        if (node == null) return "<null node>";
        StringBuilder sb = new StringBuilder(head(node));
        Attrs attrs = node.attrs();
        if (attrs != null && !attrs.values().isEmpty()) {
            List<String> parts = new ArrayList<>();
            Map<String, Object> values = attrs.values();
            // Declared order first, then anything the op does not declare (only in broken graphs).
            if (node.op() != null) {
                for (AttrSpec spec : node.op().attrs()) {
                    if (values.containsKey(spec.name())) parts.add(spec.name() + "=" + value(values.get(spec.name())));
                }
            }
            for (Map.Entry<String, Object> e : values.entrySet()) {
                if (node.op() == null || node.op().attr(e.getKey()).isEmpty()) parts.add(e.getKey() + "=" + value(e.getValue()));
            }
            sb.append(" {").append(String.join(", ", parts)).append('}');
        }
        Value r = node.result();
        sb.append(" : ").append(r == null || r.type() == null ? "?" : type(r.type()));
        return sb.toString();
    }

    /** A node's result, op and operands as printed: {@code %4 = relu(%3)}. */
    public static String head(Node node) {
        if (node == null) return "<null node>";
        StringBuilder sb = new StringBuilder();
        sb.append(node.result() == null ? "%?" : node.result().toString()).append(" = ");
        sb.append(node.op() == null ? "<no op>" : node.op().text());
        List<Value> operands = node.operands();
        if (!operands.isEmpty()) {
            sb.append('(');
            for (int i = 0; i < operands.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(operands.get(i) == null ? "%?" : operands.get(i).toString());
            }
            sb.append(')');
        }
        return sb.toString();
    }

    /** An output as printed after {@code return}: {@code logits=%9}. */
    public static String print(Graph.Output output) {
        if (output == null) return "<null output>";
        return name(output.name()) + "=" + (output.value() == null ? "%?" : output.value().toString());
    }

    /** A tensor type: {@code f32[B,1,28,28]}, {@code f32[]} for a scalar. */
    public static String type(TensorType type) {
        return (type.dtype() == null ? "?" : type.dtype().text()) + (type.shape() == null ? "[?]" : type.shape().toString());
    }

    /** An attribute value in the text form. */
    public static String value(Object v) {
        return switch (v) {
            case null -> "null";
            case Double d -> number(d);
            case Float f -> number(f.doubleValue());
            case String s -> quote(s);
            case DType d -> d.text();
            case List<?> list -> {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < list.size(); i++) sb.append(i == 0 ? "" : ",").append(value(list.get(i)));
                yield sb.append(']').toString();
            }
            default -> v.toString(); // Long, Boolean, Dim
        };
    }

    /** A float as {@link Double#toString} does, with {@code inf}, {@code -inf} and {@code nan} for the rest. */
    public static String number(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        return Double.toString(d);
    }

    /** A name as an identifier when it is one, otherwise as a quoted string. */
    public static String name(String name) {
        return name != null && IDENT.matcher(name).matches() ? name : quote(name == null ? "" : name);
    }

    /** {@code s} in double quotes with {@code \" \\ \n \r \t} and {@code \}{@code uXXXX} for other control characters. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
