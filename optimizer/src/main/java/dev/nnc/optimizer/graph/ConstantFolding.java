package dev.nnc.optimizer.graph;

import dev.nnc.ir.Attrs;
import dev.nnc.ir.Dim;
import dev.nnc.ir.Graph;
import dev.nnc.ir.GraphBuilder;
import dev.nnc.ir.Node;
import dev.nnc.ir.Op;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.Value;
import dev.nnc.ir.interp.Interpreter;
import dev.nnc.optimizer.GraphPass;
import dev.nnc.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Replaces a node whose operands are all {@link Op#CONSTANT} splats by one constant of the
 * node's type, when the result is itself a splat: elementwise ops and casts, data movement
 * that only rearranges equal elements (reshape, flatten, transpose, dropout, slice, concat of
 * equal splats) and reductions over known axes. Values are computed by the reference
 * {@link Interpreter} on a tiny graph of the same op, so they are exactly what the unfolded
 * node would compute, rounding and integer wrapping included.
 *
 * <p>It does not fold anything over parameters (their values are only known at load time; the
 * kernel pipeline hoists weight-only work there), nor ops whose result is not a splat
 * (iota, matmul, convolution, pooling, softmax, gather), nor an op that fails on its constant
 * operands (an integer division by zero stays, to fail at run time as it would have).
 * Folded operands that become unused are left for dead-code elimination.
 */
public final class ConstantFolding implements GraphPass {
    /** The most elements a folded reduction may sum over; beyond it the node is left alone. */
    private static final long MAX_REDUCED = 1 << 22;

    @Override public String name() { return "constant-folding"; }

    @Override public String description() { return "compute ops over constant splats at compile time"; }

    @Override public Graph run(Graph in) {
        Rewriter out = new Rewriter(in);
        boolean changed = false;
        for (Node n : in.nodes()) {
            List<Node> defs = out.map(n.operands()).stream().map(out::definition).toList();
            boolean foldable = !defs.isEmpty() && defs.stream().allMatch(d -> d.op() == Op.CONSTANT);
            OptionalDouble value = foldable ? fold(n, defs) : OptionalDouble.empty();
            if (value.isPresent()) {
                out.replace(n, out.declare(Op.CONSTANT, n.type(), Attrs.of("value", value.getAsDouble())));
                changed = true;
            } else {
                out.copy(n);
            }
        }
        return changed ? out.finish() : in;
    }

    /** The splat value of {@code n} applied to the constants {@code defs}, if it is one and can be computed. */
    private static OptionalDouble fold(Node n, List<Node> defs) {
        Node first = defs.getFirst();
        return switch (n.op()) {
            // Elementwise: every element of the result is op(the operands' values); compute it on scalars.
            case NEG, ABS, RELU, SIGMOID, TANH, GELU, ERF, EXP, LOG, SQRT, RSQRT, CAST,
                 ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM ->
                    evaluate(n.op(), defs, defs.stream().map(d -> Shape.SCALAR).toList(), n.attrs());
            // Rearranging equal elements leaves them equal; the dtype does not change.
            case DROPOUT, RESHAPE, FLATTEN, TRANSPOSE -> OptionalDouble.of(first.attrs().getFloat("value"));
            // A slice of a symbolic dim is bounds-checked at run time; keep that check.
            case SLICE -> first.type().shape().isKnown()
                    ? OptionalDouble.of(first.attrs().getFloat("value")) : OptionalDouble.empty();
            case CONCAT -> allEqual(defs) ? OptionalDouble.of(first.attrs().getFloat("value")) : OptionalDouble.empty();
            case REDUCE_SUM, REDUCE_MEAN, REDUCE_MAX -> reduce(n, first);
            default -> OptionalDouble.empty();
        };
    }

    /**
     * A reduction of a splat is a splat. Only the reduced dims matter to its value (they say
     * how many equal elements fold into one), so evaluate it over an operand whose other dims
     * are 1: the same number of additions in the same order as the full tensor.
     */
    private static OptionalDouble reduce(Node n, Node operand) {
        Shape full = operand.type().shape();
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < full.rank(); i++) dims.add(Dim.of(1));
        long count = 1;
        for (long axis : n.attrs().getInts("axes")) {
            int a = (int) (axis < 0 ? axis + full.rank() : axis);
            Dim d = full.dims().get(a);
            if (!d.isKnown()) return OptionalDouble.empty();
            count *= d.known().getAsLong();
            if (count > MAX_REDUCED) return OptionalDouble.empty();
            dims.set(a, d);
        }
        return evaluate(n.op(), List.of(operand), List.of(new Shape(dims)), n.attrs());
    }

    /** True when every constant stores the same element value (bit for bit, so 0.0 and -0.0 differ). */
    private static boolean allEqual(List<Node> constants) {
        double v = splatValue(constants.getFirst());
        return constants.stream().allMatch(c -> Double.compare(splatValue(c), v) == 0);
    }

    /**
     * Runs {@code op} in the interpreter over copies of {@code constants} with the given shapes
     * and returns the first element of the result, as a constant's {@code value} that stores
     * exactly that element; empty when the op fails or the value has no exact double.
     */
    private static OptionalDouble evaluate(Op op, List<Node> constants, List<Shape> shapes, Attrs attrs) {
        try {
            GraphBuilder b = new GraphBuilder("fold");
            List<Value> args = new ArrayList<>();
            for (int i = 0; i < constants.size(); i++) {
                Node c = constants.get(i);
                args.add(b.declare(Op.CONSTANT, new TensorType(c.type().dtype(), shapes.get(i)), c.attrs()));
            }
            b.output("r", b.add(op, args, attrs));
            return storable(Interpreter.run(b.build(), Map.of(), Map.of()).get("r"));
        } catch (RuntimeException e) {
            return OptionalDouble.empty(); // e.g. an integer division by zero: leave it to fail at run time
        }
    }

    /** The value a constant of {@code t}'s dtype must hold to store {@code t}'s first element. */
    private static OptionalDouble storable(Tensor t) {
        if (t.size() == 0) return OptionalDouble.empty();
        if (t.dtype().isFloat()) {
            // The shortest decimal that reads back as this float: it rounds to the same element, and reads well.
            return OptionalDouble.of(Double.parseDouble(Float.toString(t.floats()[0])));
        }
        long v = t.longs()[0];
        return (long) (double) v == v ? OptionalDouble.of(v) : OptionalDouble.empty();
    }

    /**
     * The element a {@link Op#CONSTANT} node stores: its {@code value} rounded to a float
     * dtype, truncated and wrapped to an integer one, or 0/1 for bool.
     */
    static double splatValue(Node constant) {
        GraphBuilder b = new GraphBuilder("splat");
        b.output("v", b.declare(Op.CONSTANT, constant.type().withShape(Shape.SCALAR), constant.attrs()));
        return Interpreter.run(b.build(), Map.of(), Map.of()).get("v").getDouble(0);
    }
}
