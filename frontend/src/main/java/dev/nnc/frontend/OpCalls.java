package dev.nnc.frontend;

import dev.nnc.ir.AttrKind;
import dev.nnc.ir.AttrSpec;
import dev.nnc.ir.Attrs;
import dev.nnc.ir.Dim;
import dev.nnc.ir.GraphBuilder;
import dev.nnc.ir.Op;
import dev.nnc.ir.Shape;
import dev.nnc.ir.ShapeError;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.Value;
import dev.nnc.runtime.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Calls of graph IR ops from the language, {@code op.conv2d(x, w, b, stride: 2, padding: "same")}:
 * tensors are positional, attributes named. Converts argument values to attributes,
 * including the conveniences a layer author expects (an int for a 2-D size, "same"/"valid"
 * padding, -1 in a reshape), and reports shape errors at the call.
 */
final class OpCalls {
    private final GraphBuilder graph;

    OpCalls(GraphBuilder graph) { this.graph = graph; }

    /** The ops a program may call: all but those the language declares by other means. */
    static boolean callable(Op op) {
        return op != Op.INPUT && op != Op.PARAM && op != Op.CONSTANT;
    }

    static List<String> callableNames() {
        return java.util.Arrays.stream(Op.values()).filter(OpCalls::callable).map(Op::text).toList();
    }

    Value call(Op op, List<Val> positional, Map<String, Val> named, Map<String, Span> argSpans, Span span) {
        String opName = "op." + op.text();
        List<Value> operands = new ArrayList<>();
        for (Val v : positional) {
            if (v instanceof Val.TensorV t) operands.add(t.value());
        }
        // Scalars among the operands of a binary op become constants of the other operand's dtype.
        List<Value> resolved = new ArrayList<>();
        for (int i = 0; i < positional.size(); i++) {
            Val v = positional.get(i);
            if (v instanceof Val.TensorV t) {
                resolved.add(t.value());
            } else if ((v instanceof Val.IntV || v instanceof Val.FloatV) && !operands.isEmpty() && op.maxOperands() >= 2) {
                resolved.add(graph.constant(Elaborator.number(v), operands.getFirst().type().dtype()));
            } else {
                throw new CompileError(span, opName + " takes tensors as positional arguments; argument " + (i + 1)
                        + " is " + Val.describe(v), "note: attributes are passed by name, e.g. axis: 1");
            }
        }
        if (resolved.size() < op.minOperands() || resolved.size() > op.maxOperands()) {
            String want = op.minOperands() == op.maxOperands() ? Integer.toString(op.minOperands())
                    : op.maxOperands() == Integer.MAX_VALUE ? "at least " + op.minOperands()
                    : op.minOperands() + " to " + op.maxOperands();
            throw new CompileError(span, opName + " takes " + want + " tensor operand" + (want.equals("1") ? "" : "s")
                    + " but " + resolved.size() + (resolved.size() == 1 ? " was" : " were") + " given");
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        TensorType first = resolved.isEmpty() ? null : resolved.getFirst().type();
        for (var e : named.entrySet()) {
            if (op == Op.IOTA && (e.getKey().equals("shape") || e.getKey().equals("dtype"))) continue;
            AttrSpec spec = op.attr(e.getKey()).orElseThrow(() -> new CompileError(argSpans.get(e.getKey()),
                    opName + " has no attribute '" + e.getKey() + "'",
                    op.attrs().isEmpty() ? "note: it takes no attributes"
                            : "note: expected one of: " + op.attrs().stream().map(AttrSpec::name).collect(Collectors.joining(", "))));
            attrs.put(spec.name(), convert(op, spec, e.getValue(), first, attrs, argSpans.get(e.getKey())));
        }
        for (AttrSpec spec : op.attrs()) {
            if (spec.defaultValue() == null && !attrs.containsKey(spec.name())) {
                throw new CompileError(span, opName + " needs the attribute '" + spec.name() + "'",
                        "note: pass it by name, e.g. " + spec.name() + ": ...");
            }
        }
        fillPadding(op, attrs, resolved, span);
        try {
            if (op == Op.IOTA) return iota(named, argSpans, attrs, span);
            if (op == Op.RESHAPE) inferMinusOne(attrs, first, span);
            return graph.add(op, resolved, new Attrs(attrs));
        } catch (ShapeError e) {
            String operandTypes = resolved.stream().map(v -> v.type().toString()).collect(Collectors.joining(", "));
            throw new CompileError(span, opName + ": " + e.getMessage(), "note: operand types are " + operandTypes);
        }
    }

    private Value iota(Map<String, Val> named, Map<String, Span> spans, Map<String, Object> attrs, Span span) {
        Val shape = named.get("shape");
        if (!(shape instanceof Val.ListV list)) {
            throw new CompileError(span, "op.iota needs shape: [dims...]");
        }
        List<Dim> dims = new ArrayList<>();
        for (Val v : list.items()) dims.add(Types.asDim(v, spans.get("shape"), "a dimension of op.iota's shape"));
        DType dtype = named.containsKey("dtype") ? dtypeOf(named.get("dtype"), spans.get("dtype")) : DType.I64;
        long axis = (Long) attrs.get("axis");
        if (axis < -dims.size() || axis >= dims.size()) {
            throw new CompileError(spans.get("axis"), "op.iota: axis " + axis + " is out of range for rank " + dims.size());
        }
        return graph.declare(Op.IOTA, new TensorType(dtype, new Shape(dims)), new Attrs(attrs));
    }

    private static DType dtypeOf(Val v, Span span) {
        if (v instanceof Val.StrV s) {
            var d = DType.fromText(s.value());
            if (d.isPresent()) return d.get();
        }
        if (v instanceof Val.DTypeV d) return d.dtype();
        throw new CompileError(span, "expected an element type name such as \"f32\", found " + Val.describe(v),
                "note: expected one of " + Types.dtypeNames());
    }

    private Object convert(Op op, AttrSpec spec, Val v, TensorType first, Map<String, Object> done, Span span) {
        String what = "attribute '" + spec.name() + "' of op." + op.text();
        boolean pair = spec.kind() == AttrKind.INTS && (spec.name().equals("stride") || spec.name().equals("kernel")
                || spec.name().equals("dilation"));
        if (spec.name().equals("padding") && spec.kind() == AttrKind.INTS) {
            if (v instanceof Val.StrV s && (s.value().equals("same") || s.value().equals("valid"))) return s.value();
            if (v instanceof Val.StrV s) {
                throw new CompileError(span, what + " must be \"same\", \"valid\", an int, [h, w] or [top, left, bottom, right], found "
                        + Val.describe(s));
            }
            List<Long> pads = ints(v, what, span);
            return switch (pads.size()) {
                case 1 -> List.of(pads.get(0), pads.get(0), pads.get(0), pads.get(0));
                case 2 -> List.of(pads.get(0), pads.get(1), pads.get(0), pads.get(1));
                case 4 -> pads;
                default -> throw new CompileError(span, what + " must be \"same\", \"valid\", an int, [h, w] or [top, left, bottom, right]");
            };
        }
        return switch (spec.kind()) {
            case INT -> (long) intOf(v, what, span);
            case FLOAT -> Elaborator.numberOr(v, () -> new CompileError(span, what + " must be a number, found " + Val.describe(v)));
            case BOOL -> v instanceof Val.BoolV b ? b.value()
                    : fail(span, what + " must be true or false, found " + Val.describe(v));
            case STRING -> v instanceof Val.StrV s ? s.value()
                    : fail(span, what + " must be a string, found " + Val.describe(v));
            case DTYPE -> dtypeOf(v, span);
            case INTS -> {
                List<Long> list = ints(v, what, span);
                if (pair && list.size() == 1) yield List.of(list.get(0), list.get(0));
                if (pair && list.size() != 2) throw new CompileError(span, what + " must be an int or [h, w]");
                yield list;
            }
            case SHAPE -> {
                if (!(v instanceof Val.ListV list)) throw new CompileError(span, what + " must be a list of dimensions");
                List<Object> dims = new ArrayList<>();
                for (Val item : list.items()) {
                    if (item instanceof Val.IntV i && i.value() == -1) dims.add(-1L);
                    else dims.add(Types.asDim(item, span, "a dimension in " + what));
                }
                yield dims;
            }
        };
    }

    private static <T> T fail(Span span, String message) { throw new CompileError(span, message); }

    private static long intOf(Val v, String what, Span span) {
        if (v instanceof Val.IntV i) return i.value();
        throw new CompileError(span, what + " must be an int, found " + Val.describe(v));
    }

    private static List<Long> ints(Val v, String what, Span span) {
        if (v instanceof Val.IntV i) return List.of(i.value());
        if (v instanceof Val.ListV l) {
            List<Long> out = new ArrayList<>();
            for (Val item : l.items()) out.add(intOf(item, what, span));
            return out;
        }
        throw new CompileError(span, what + " must be an int or a list of ints, found " + Val.describe(v));
    }

    /** Turns padding "same"/"valid" into explicit [top, left, bottom, right] for this input. */
    private static void fillPadding(Op op, Map<String, Object> attrs, List<Value> operands, Span span) {
        if (!(attrs.get("padding") instanceof String mode)) return;
        TensorType x = operands.isEmpty() ? null : operands.getFirst().type();
        if (mode.equals("valid") || x == null || x.rank() != 4) {
            attrs.put("padding", List.of(0L, 0L, 0L, 0L));
            return;
        }
        @SuppressWarnings("unchecked")
        List<Long> stride = (List<Long>) attrs.getOrDefault("stride", List.of(1L, 1L));
        @SuppressWarnings("unchecked")
        List<Long> dilation = (List<Long>) attrs.getOrDefault("dilation", List.of(1L, 1L));
        long[] kernel = new long[2];
        if (op == Op.CONV2D) {
            TensorType w = operands.size() > 1 ? operands.get(1).type() : null;
            if (w == null || w.rank() != 4 || !w.shape().dim(2).isKnown() || !w.shape().dim(3).isKnown()) {
                throw new CompileError(span, "op.conv2d: padding \"same\" needs a weight of known kernel size [O, C, KH, KW]");
            }
            kernel[0] = w.shape().dim(2).known().getAsLong();
            kernel[1] = w.shape().dim(3).known().getAsLong();
        } else {
            @SuppressWarnings("unchecked")
            List<Long> k = (List<Long>) attrs.get("kernel");
            kernel[0] = k.get(0);
            kernel[1] = k.get(1);
        }
        attrs.put("padding", samePadding(x, kernel, stride, dilation, span));
    }

    /** TensorFlow's "same": output = ceil(input / stride), the extra pad going bottom/right. */
    static List<Long> samePadding(TensorType x, long[] kernel, List<Long> stride, List<Long> dilation, Span span) {
        long[] pads = new long[4];
        for (int a = 0; a < 2; a++) {
            Dim in = x.shape().dim(2 + a);
            long s = stride.get(a), eff = dilation.get(a) * (kernel[a] - 1) + 1;
            long total;
            if (s == 1) {
                total = eff - 1;
            } else if (in.isKnown()) {
                long n = in.known().getAsLong(), out = (n + s - 1) / s;
                total = Math.max(0, (out - 1) * s + eff - n);
            } else {
                throw new CompileError(span, "padding \"same\" with stride " + s + " needs a known size for dimension "
                        + (2 + a) + ", found " + in);
            }
            pads[a] = total / 2;
            pads[a + 2] = total - total / 2;
        }
        return List.of(pads[0], pads[1], pads[2], pads[3]);
    }

    private static void inferMinusOne(Map<String, Object> attrs, TensorType x, Span span) {
        @SuppressWarnings("unchecked")
        List<Object> shape = (List<Object>) attrs.get("shape");
        int unknown = -1;
        Dim rest = Dim.of(1);
        for (int i = 0; i < shape.size(); i++) {
            if (shape.get(i) instanceof Long) {
                if (unknown >= 0) throw new CompileError(span, "op.reshape: only one dimension may be -1");
                unknown = i;
            } else {
                rest = rest.times((Dim) shape.get(i));
            }
        }
        List<Dim> dims = new ArrayList<>();
        for (Object o : shape) dims.add(o instanceof Dim d ? d : null);
        if (unknown >= 0) {
            Dim total = x.shape().numel();
            if (total.isKnown() && rest.isKnown()) {
                long t = total.known().getAsLong(), r = rest.known().getAsLong();
                if (r == 0 || t % r != 0) {
                    throw new CompileError(span, "op.reshape: cannot infer -1: " + t + " elements do not divide into "
                            + r + " (input " + x + ")");
                }
            }
            dims.set(unknown, total.div(rest));
        }
        attrs.put("shape", dims);
    }
}
