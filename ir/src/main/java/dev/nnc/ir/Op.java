package dev.nnc.ir;

import static dev.nnc.ir.AttrKind.BOOL;
import static dev.nnc.ir.AttrKind.DTYPE;
import static dev.nnc.ir.AttrKind.FLOAT;
import static dev.nnc.ir.AttrKind.INT;
import static dev.nnc.ir.AttrKind.INTS;
import static dev.nnc.ir.AttrKind.SHAPE;
import static dev.nnc.ir.AttrKind.STRING;
import static dev.nnc.ir.AttrSpec.optional;
import static dev.nnc.ir.AttrSpec.required;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The graph IR op set: one entry per op with its text name, operand count, attributes and
 * shape rule. The interpreter and every backend switch exhaustively over this enum, so adding
 * an op is one entry here plus one rule per consumer.
 *
 * <p>Layout conventions follow PyTorch: images are NCHW, conv weights OIHW, and every axis
 * attribute may be negative (counted from the end). A null shape rule means the node's
 * result type is declared by its producer (inputs, parameters, constants, iota).
 */
public enum Op {
    // Sources: the result type is declared.
    /** A model input; {@code name} is the input's name. */
    INPUT("input", 0, 0, null, required("name", STRING)),
    /** A trained parameter; {@code name} is its state-dict name, {@code init} its initializer call, e.g. "glorot_uniform" or "normal(std=0.02)". */
    PARAM("param", 0, 0, null, required("name", STRING), optional("init", STRING, "zeros")),
    /** A tensor of the result type filled with {@code value}. */
    CONSTANT("constant", 0, 0, null, required("value", FLOAT)),
    /** A tensor of the result type whose elements equal their index along {@code axis}. */
    IOTA("iota", 0, 0, null, required("axis", INT)),

    // Elementwise unary: the result type equals the operand type.
    NEG("neg", 1, 1, ShapeRules::unary),
    ABS("abs", 1, 1, ShapeRules::unary),
    RELU("relu", 1, 1, ShapeRules::unary),
    SIGMOID("sigmoid", 1, 1, ShapeRules::floatUnary),
    TANH("tanh", 1, 1, ShapeRules::floatUnary),
    /** GELU; {@code approximate} is "none" (exact, erf) or "tanh". */
    GELU("gelu", 1, 1, ShapeRules::floatUnary, optional("approximate", STRING, "none")),
    ERF("erf", 1, 1, ShapeRules::floatUnary),
    EXP("exp", 1, 1, ShapeRules::floatUnary),
    LOG("log", 1, 1, ShapeRules::floatUnary),
    SQRT("sqrt", 1, 1, ShapeRules::floatUnary),
    RSQRT("rsqrt", 1, 1, ShapeRules::floatUnary),
    /** Identity at inference; {@code rate} is kept for training. */
    DROPOUT("dropout", 1, 1, ShapeRules::unary, optional("rate", FLOAT, 0.5)),
    /** Converts the element type, same shape. */
    CAST("cast", 1, 1, ShapeRules::cast, required("dtype", DTYPE)),

    // Elementwise binary with NumPy broadcasting; both operands have the same dtype.
    ADD("add", 2, 2, ShapeRules::broadcast),
    SUB("sub", 2, 2, ShapeRules::broadcast),
    MUL("mul", 2, 2, ShapeRules::broadcast),
    DIV("div", 2, 2, ShapeRules::broadcast),
    POW("pow", 2, 2, ShapeRules::broadcast),
    MAXIMUM("maximum", 2, 2, ShapeRules::broadcast),
    MINIMUM("minimum", 2, 2, ShapeRules::broadcast),

    /** [..., M, K] @ [..., K, N] -> [..., M, N]; rank >= 2, leading (batch) dims broadcast. */
    MATMUL("matmul", 2, 2, ShapeRules::matmul),
    /**
     * 2-D convolution: x [N, C, H, W], weight [O, C/groups, KH, KW], optional bias [O].
     * {@code padding} is [top, left, bottom, right].
     */
    CONV2D("conv2d", 2, 3, ShapeRules::conv2d,
            optional("stride", INTS, List.of(1L, 1L)), optional("padding", INTS, List.of(0L, 0L, 0L, 0L)),
            optional("dilation", INTS, List.of(1L, 1L)), optional("groups", INT, 1L)),
    /** Max pooling over NCHW windows; padding [top, left, bottom, right] never wins a max. */
    MAX_POOL2D("max_pool2d", 1, 1, ShapeRules::pool2d,
            required("kernel", INTS), required("stride", INTS), optional("padding", INTS, List.of(0L, 0L, 0L, 0L))),
    /** Average pooling over NCHW windows; {@code count_include_pad} as in PyTorch. */
    AVG_POOL2D("avg_pool2d", 1, 1, ShapeRules::pool2d,
            required("kernel", INTS), required("stride", INTS), optional("padding", INTS, List.of(0L, 0L, 0L, 0L)),
            optional("count_include_pad", BOOL, true)),
    /** [N, C, H, W] -> [N, C, 1, 1] mean. */
    GLOBAL_AVG_POOL("global_avg_pool", 1, 1, ShapeRules::globalPool),
    /** [N, C, H, W] -> [N, C, 1, 1] max. */
    GLOBAL_MAX_POOL("global_max_pool", 1, 1, ShapeRules::globalPool),

    /** Same elements, new shape; element counts must agree. */
    RESHAPE("reshape", 1, 1, ShapeRules::reshape, required("shape", SHAPE)),
    /** Collapses dims from {@code axis} to the end into one (torch.flatten(x, axis)). */
    FLATTEN("flatten", 1, 1, ShapeRules::flatten, optional("axis", INT, 1L)),
    /** Permutes dims: result dim i is operand dim perm[i]. */
    TRANSPOSE("transpose", 1, 1, ShapeRules::transpose, required("perm", INTS)),
    /** Joins operands along {@code axis}; other dims must agree. */
    CONCAT("concat", 1, Integer.MAX_VALUE, ShapeRules::concat, required("axis", INT)),
    /**
     * Python-style slicing along each of {@code axes}: starts/ends may be negative (from the
     * end) and are clamped; steps are positive.
     */
    SLICE("slice", 1, 1, ShapeRules::slice,
            required("axes", INTS), required("starts", INTS), required("ends", INTS), required("steps", INTS)),
    /** data[..., indices, ...] along {@code axis}: shape data[:axis] + indices + data[axis+1:]. Indices are integers. */
    GATHER("gather", 2, 2, ShapeRules::gather, optional("axis", INT, 0L)),

    REDUCE_SUM("reduce_sum", 1, 1, ShapeRules::reduce, required("axes", INTS), optional("keepdims", BOOL, false)),
    REDUCE_MEAN("reduce_mean", 1, 1, ShapeRules::reduceMean, required("axes", INTS), optional("keepdims", BOOL, false)),
    REDUCE_MAX("reduce_max", 1, 1, ShapeRules::reduce, required("axes", INTS), optional("keepdims", BOOL, false)),
    SOFTMAX("softmax", 1, 1, ShapeRules::axisUnary, optional("axis", INT, -1L)),
    LOG_SOFTMAX("log_softmax", 1, 1, ShapeRules::axisUnary, optional("axis", INT, -1L)),
    /** (x - mean) / sqrt(var + eps) * gamma + beta over dims [axis, rank); gamma and beta have shape x[axis:]. */
    LAYER_NORM("layer_norm", 3, 3, ShapeRules::layerNorm, optional("axis", INT, -1L), optional("eps", FLOAT, 1e-5)),
    /** Inference batch norm over channel axis 1: operands x, gamma, beta, running mean, running var (each [C]). */
    BATCH_NORM("batch_norm", 5, 5, ShapeRules::batchNorm, optional("eps", FLOAT, 1e-5));

    private static final Map<String, Op> BY_TEXT =
            Arrays.stream(values()).collect(Collectors.toMap(Op::text, Function.identity()));

    private final String text;
    private final int minOperands;
    private final int maxOperands;
    private final ShapeRule rule;
    private final List<AttrSpec> attrs;

    Op(String text, int minOperands, int maxOperands, ShapeRule rule, AttrSpec... attrs) {
        this.text = text;
        this.minOperands = minOperands;
        this.maxOperands = maxOperands;
        this.rule = rule;
        this.attrs = List.of(attrs);
    }

    public String text() { return text; }

    public int minOperands() { return minOperands; }

    public int maxOperands() { return maxOperands; }

    public List<AttrSpec> attrs() { return attrs; }

    public Optional<AttrSpec> attr(String name) {
        return attrs.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** True for ops whose result type is declared by the producer rather than inferred. */
    public boolean declaresType() { return rule == null; }

    /**
     * The result type for these operands and attributes. Optional attributes that
     * {@code attrs} lacks take this op's defaults.
     *
     * @throws ShapeError when they do not fit this op
     * @throws IllegalStateException for ops that declare their type
     */
    public TensorType infer(List<TensorType> operands, Attrs attrs) {
        if (rule == null) throw new IllegalStateException(text + " declares its result type");
        return rule.infer(operands, withDefaults(attrs));
    }

    /** {@code given} plus the defaults of optional attributes it lacks, so rules see every attribute. */
    private Attrs withDefaults(Attrs given) {
        if (given == null) given = Attrs.NONE;
        boolean complete = true;
        for (AttrSpec spec : attrs) {
            if (spec.defaultValue() != null && !given.has(spec.name())) complete = false;
        }
        if (complete) return given;
        Map<String, Object> m = new LinkedHashMap<>();
        for (AttrSpec spec : attrs) {
            Object v = given.values().containsKey(spec.name()) ? given.values().get(spec.name()) : spec.defaultValue();
            if (v != null || given.values().containsKey(spec.name())) m.put(spec.name(), v);
        }
        given.values().forEach(m::putIfAbsent);
        return new Attrs(m);
    }

    public static Optional<Op> fromText(String text) { return Optional.ofNullable(BY_TEXT.get(text)); }

    @Override public String toString() { return text; }
}
