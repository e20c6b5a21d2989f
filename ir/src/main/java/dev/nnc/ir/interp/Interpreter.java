package dev.nnc.ir.interp;

import dev.nnc.ir.Attrs;
import dev.nnc.ir.Dim;
import dev.nnc.ir.Graph;
import dev.nnc.ir.Node;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.Value;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The reference interpreter: executes a graph-IR {@link Graph} in plain Java, one node at a
 * time, as the oracle every backend is tested against.
 *
 * <p>It favours being obviously correct over being fast: each op is a direct loop over flat
 * row-major arrays; floats are computed in double (sums, dot products, means and variances
 * accumulate in double) and rounded once to the result's dtype (f16 and bf16 with the
 * runtime's round-to-nearest-even); integer and bool results are computed in long and wrap
 * to their width. Semantics follow PyTorch, as {@link dev.nnc.ir.Op} documents.
 *
 * <p>Every node's result is checked against the node's declared type (with the symbolic
 * dims bound from the inputs), so an ill-typed graph fails loudly instead of computing
 * something else. Errors caused by the caller's data are {@link InputError}s; an
 * {@link IllegalStateException} means the graph itself is malformed.
 *
 * <p>Stateless and thread-safe; inputs and weights are only read.
 */
public final class Interpreter {
    private Interpreter() {}

    /**
     * Runs {@code graph} on {@code inputs} (by input name) with {@code weights} (by parameter
     * name; extra entries are ignored) and returns the outputs by name, in the graph's output
     * order. Tensors are treated as immutable: an output may share its array with an input,
     * a weight or another output.
     *
     * @throws InputError when an input is missing, unknown, or does not match its declared
     *     type; a weight is missing or mis-typed; the bound sizes make a node's type invalid
     *     (a symbolic dim too small for a slice or window, a division that is not exact); or
     *     data is out of an op's domain (a gather index out of range, an integer division by
     *     zero)
     * @throws IllegalStateException when the graph is malformed (an operand used before it is
     *     defined, a symbol no input binds, a node whose computed type differs from its
     *     declared type, a float-only op applied to integers)
     */
    public static LinkedHashMap<String, Tensor> run(Graph graph, Map<String, Tensor> inputs,
            Map<String, Tensor> weights) {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(weights, "weights");
        Map<String, Long> bindings = InputBinder.bind(graph, inputs);
        InputBinder.checkWeights(graph, weights, bindings);

        // Drop each intermediate after its last use, so peak memory is the live set, not the sum.
        List<Node> nodes = graph.nodes();
        Map<Integer, Integer> lastUse = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (Value v : nodes.get(i).operands()) lastUse.put(v.id(), i);
        }
        for (Graph.Output o : graph.outputs()) lastUse.put(o.value().id(), Integer.MAX_VALUE);

        Map<Integer, Tensor> values = new HashMap<>();
        Set<Integer> defined = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            String where = describe(node);
            int count = node.operands().size();
            if (count < node.op().minOperands() || count > node.op().maxOperands()) {
                throw new IllegalStateException(where + ": has " + count + " operands");
            }
            Tensor[] args = new Tensor[count];
            for (int k = 0; k < args.length; k++) {
                Value v = node.operand(k);
                args[k] = values.get(v.id());
                if (args[k] == null) {
                    throw new IllegalStateException(where + ": operand " + v + " is not defined by an earlier node");
                }
            }
            int[] shape = declaredShape(node, bindings, where);
            Tensor result = evaluate(node, args, shape, new Env(inputs, weights, bindings), where);
            if (result.dtype() != node.type().dtype() || !Arrays.equals(result.shape(), shape)) {
                String declared = node.type().shape().isKnown() ? node.type().toString()
                        : node.type() + " = " + node.type().dtype().text() + Shapes.str(shape);
                throw new IllegalStateException(where + ": computed " + result + " but the node's type is " + declared
                        + "; the graph is ill-typed");
            }
            if (!defined.add(node.result().id())) {
                throw new IllegalStateException(where + ": value " + node.result() + " is defined twice");
            }
            values.put(node.result().id(), result);
            for (Value v : node.operands()) {
                if (lastUse.get(v.id()) == i) values.remove(v.id());
            }
            if (!lastUse.containsKey(node.result().id())) values.remove(node.result().id());
        }

        LinkedHashMap<String, Tensor> outputs = new LinkedHashMap<>();
        for (Graph.Output o : graph.outputs()) {
            Tensor t = values.get(o.value().id());
            if (t == null) throw new IllegalStateException("output '" + o.name() + "': " + o.value() + " is not defined");
            outputs.put(o.name(), t);
        }
        return outputs;
    }

    /**
     * The node's declared shape with every symbolic dim evaluated. A symbol that no input binds
     * is a malformed graph; a shape that the bound sizes make invalid (a dim that comes out
     * negative, a division that is not exact, as for [B,S,D] -> [B,S,H,D/H] with D = 10, H = 4)
     * is the input's fault.
     */
    private static int[] declaredShape(Node node, Map<String, Long> bindings, String where) {
        TensorType type = node.type();
        for (Dim d : type.shape().dims()) {
            for (String sym : symbols(d)) {
                if (!bindings.containsKey(sym)) {
                    throw new IllegalStateException(where + ": its type " + type + " uses the dimension " + sym
                            + ", which no input binds");
                }
            }
        }
        int[] shape;
        try {
            shape = type.shape().eval(bindings);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new InputError(where + ": with " + describe(bindings) + ", its type " + type + " is not a valid shape: "
                    + e.getMessage());
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new InputError(where + ": with " + describe(bindings) + ", dimension " + i + " of its type "
                        + type + " is " + shape[i]);
            }
        }
        return shape;
    }

    /** The symbols a dim mentions. */
    private static List<String> symbols(Dim d) {
        return switch (d) {
            case Dim.Known k -> List.of();
            case Dim.Sym s -> List.of(s.name());
            case Dim.Expr e -> {
                List<String> out = new ArrayList<>(symbols(e.left()));
                out.addAll(symbols(e.right()));
                yield out;
            }
        };
    }

    /** Bindings as a user reads them: {@code B = 2, S = 128}. */
    private static String describe(Map<String, Long> bindings) {
        return bindings.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /**
     * One rule per op. The switch is exhaustive and has no default, so adding an op to
     * {@link dev.nnc.ir.Op} does not compile until it has a rule here.
     */
    private static Tensor evaluate(Node node, Tensor[] a, int[] shape, Env env, String where) {
        Attrs at = node.attrs();
        DType dt = node.type().dtype();
        return switch (node.op()) {
            // Sources. The binder has already checked inputs and weights against their types.
            case INPUT -> env.inputs().get(at.getString("name"));
            case PARAM -> env.weights().get(at.getString("name"));
            case CONSTANT -> Sources.constant(dt, shape, at.getFloat("value"));
            case IOTA -> Sources.iota(dt, shape, at.getInt("axis"), where);

            // Unary. A null integer rule marks a float-only op.
            case NEG -> Elementwise.unary(a[0], x -> -x, x -> -x, where);
            case ABS -> Elementwise.unary(a[0], Math::abs, Math::abs, where);
            case RELU -> Elementwise.unary(a[0], x -> Math.max(x, 0.0), x -> Math.max(x, 0L), where); // NaN stays NaN
            case SIGMOID -> Elementwise.unary(a[0], MathFunctions::sigmoid, null, where);
            case TANH -> Elementwise.unary(a[0], Math::tanh, null, where);
            case GELU -> switch (at.getString("approximate")) {
                case "none" -> Elementwise.unary(a[0], MathFunctions::gelu, null, where);
                case "tanh" -> Elementwise.unary(a[0], MathFunctions::geluTanh, null, where);
                default -> throw new IllegalStateException(where + ": unknown approximate='"
                        + at.getString("approximate") + "' (expected \"none\" or \"tanh\")");
            };
            case ERF -> Elementwise.unary(a[0], MathFunctions::erf, null, where);
            case EXP -> Elementwise.unary(a[0], Math::exp, null, where);
            case LOG -> Elementwise.unary(a[0], Math::log, null, where);
            case SQRT -> Elementwise.unary(a[0], Math::sqrt, null, where);
            case RSQRT -> Elementwise.unary(a[0], x -> 1 / Math.sqrt(x), null, where);
            case DROPOUT -> a[0]; // identity at inference
            case CAST -> Elementwise.cast(a[0], at.getDType("dtype"));

            // Binary, broadcasting. Integer division truncates, as torch.div(rounding_mode='trunc').
            case ADD -> Elementwise.binary(a[0], a[1], (x, y) -> x + y, (x, y) -> x + y, where);
            case SUB -> Elementwise.binary(a[0], a[1], (x, y) -> x - y, (x, y) -> x - y, where);
            case MUL -> Elementwise.binary(a[0], a[1], (x, y) -> x * y, (x, y) -> x * y, where);
            case DIV -> Elementwise.binary(a[0], a[1], (x, y) -> x / y,
                    (x, y) -> Elementwise.divTrunc(x, y, where), where);
            case POW -> Elementwise.binary(a[0], a[1], Math::pow, (x, y) -> Elementwise.powInt(x, y, where), where);
            case MAXIMUM -> Elementwise.binary(a[0], a[1], Math::max, Math::max, where); // NaN propagates
            case MINIMUM -> Elementwise.binary(a[0], a[1], Math::min, Math::min, where);

            case MATMUL -> MatMul.matmul(a[0], a[1], where);
            case CONV2D -> ConvRules.conv2d(a[0], a[1], a.length > 2 ? a[2] : null, at.getIntArray("stride"),
                    at.getIntArray("padding"), at.getIntArray("dilation"), at.getAxis("groups"), where);
            case MAX_POOL2D -> PoolRules.maxPool(a[0], at.getIntArray("kernel"), at.getIntArray("stride"),
                    at.getIntArray("padding"), where);
            case AVG_POOL2D -> PoolRules.avgPool(a[0], at.getIntArray("kernel"), at.getIntArray("stride"),
                    at.getIntArray("padding"), at.getBool("count_include_pad"), where);
            case GLOBAL_AVG_POOL -> PoolRules.global(a[0], false, where);
            case GLOBAL_MAX_POOL -> PoolRules.global(a[0], true, where);

            // Data movement: same for every dtype, never rounds. The reshape target comes from
            // the attribute, not the node's type, so that a type disagreeing with it is caught.
            case RESHAPE -> DataMovement.reshape(a[0], evalShape(at, "shape", env.bindings(), where), where);
            case FLATTEN -> DataMovement.flatten(a[0], at.getInt("axis"), where);
            case TRANSPOSE -> DataMovement.transpose(a[0], at.getIntArray("perm"), where);
            case CONCAT -> DataMovement.concat(Arrays.asList(a), at.getInt("axis"), where);
            case SLICE -> DataMovement.slice(a[0], symbolicDims(node.operand(0).type()), at.getInts("axes"),
                    at.getInts("starts"), at.getInts("ends"), at.getInts("steps"), where);
            case GATHER -> DataMovement.gather(a[0], a[1], at.getInt("axis"), where);

            case REDUCE_SUM -> Reductions.reduce(a[0], Reductions.Kind.SUM, at.getInts("axes"),
                    at.getBool("keepdims"), where);
            case REDUCE_MEAN -> Reductions.reduce(a[0], Reductions.Kind.MEAN, at.getInts("axes"),
                    at.getBool("keepdims"), where);
            case REDUCE_MAX -> Reductions.reduce(a[0], Reductions.Kind.MAX, at.getInts("axes"),
                    at.getBool("keepdims"), where);
            case SOFTMAX -> Normalization.softmax(a[0], at.getInt("axis"), false, where);
            case LOG_SOFTMAX -> Normalization.softmax(a[0], at.getInt("axis"), true, where);
            case LAYER_NORM -> Normalization.layerNorm(a[0], a[1], a[2], at.getInt("axis"), at.getFloat("eps"), where);
            case BATCH_NORM -> Normalization.batchNorm(a[0], a[1], a[2], a[3], a[4], at.getFloat("eps"), where);
        };
    }

    /** Which dims of {@code type} are not known at compile time. */
    private static boolean[] symbolicDims(TensorType type) {
        boolean[] out = new boolean[type.rank()];
        for (int i = 0; i < out.length; i++) out[i] = !type.shape().dims().get(i).isKnown();
        return out;
    }

    /** What a rule may look up beyond its operands. */
    private record Env(Map<String, Tensor> inputs, Map<String, Tensor> weights, Map<String, Long> bindings) {}

    /** A SHAPE attribute with every symbolic dim evaluated. */
    private static int[] evalShape(Attrs at, String name, Map<String, Long> bindings, String where) {
        try {
            return at.getShape(name).eval(bindings);
        } catch (IllegalArgumentException | ArithmeticException e) {
            // The node's own type evaluated fine, so the attribute disagrees with it.
            throw new IllegalStateException(where + ": " + name + "=" + at.getShape(name) + " cannot be evaluated with "
                    + describe(bindings) + ": " + e.getMessage());
        }
    }

    /** How a node is named in messages: {@code %5 = gather}. */
    static String describe(Node node) {
        return node.result() + " = " + node.op().text();
    }
}
