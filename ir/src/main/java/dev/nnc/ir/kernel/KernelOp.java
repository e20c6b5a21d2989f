package dev.nnc.ir.kernel;

import dev.nnc.ir.kernel.Kernel.Concat;
import dev.nnc.ir.kernel.Kernel.Conv2d;
import dev.nnc.ir.kernel.Kernel.Elementwise;
import dev.nnc.ir.kernel.Kernel.Gather;
import dev.nnc.ir.kernel.Kernel.Iota;
import dev.nnc.ir.kernel.Kernel.LayerNorm;
import dev.nnc.ir.kernel.Kernel.MatMul;
import dev.nnc.ir.kernel.Kernel.Pool2d;
import dev.nnc.ir.kernel.Kernel.PoolKind;
import dev.nnc.ir.kernel.Kernel.Reduce;
import dev.nnc.ir.kernel.Kernel.ReduceKind;
import dev.nnc.ir.kernel.Kernel.Slice;
import dev.nnc.ir.kernel.Kernel.Softmax;
import dev.nnc.ir.kernel.Kernel.Transpose;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The text form's table of kernels: the name each kernel prints as, how many bufs it reads,
 * and its attributes in record-field order. The printer reads attribute values out of a
 * kernel with {@link #attrValues}; the parser builds a kernel back with {@link #build}, so
 * the two cannot disagree about names or order.
 */
enum KernelOp {
    ELEMENTWISE("elementwise", 0, Integer.MAX_VALUE),
    MATMUL("matmul", 2, 3, bool("transA"), bool("transB")),
    // input_layout defaults to layout: printed only for an NHWC convolution reading an NCHW x.
    // pool: a fused max pooling [kh, kw] (stride = window), printed only when there is one.
    CONV2D("conv2d", 2, 3, ints("stride"), ints("padding"), ints("dilation"), integer("groups"), layout(),
            new Attr("input_layout", AttrType.LAYOUT, null, "layout"), new Attr("pool", AttrType.INTS, List.of())),
    MAX_POOL2D("max_pool2d", 1, 1, ints("kernel"), ints("stride"), ints("padding"), bool("countIncludePad"), layout()),
    AVG_POOL2D("avg_pool2d", 1, 1, ints("kernel"), ints("stride"), ints("padding"), bool("countIncludePad"), layout()),
    REDUCE_SUM("reduce_sum", 1, 1, ints("axes")),
    REDUCE_MEAN("reduce_mean", 1, 1, ints("axes")),
    REDUCE_MAX("reduce_max", 1, 1, ints("axes")),
    SOFTMAX("softmax", 1, 1, integer("axis"), real("scale", 1.0)),
    LOG_SOFTMAX("log_softmax", 1, 1, integer("axis"), real("scale", 1.0)),
    // x, gamma, beta, then the residual added to x when there is one.
    LAYER_NORM("layer_norm", 3, 4, integer("axis"), real("eps")),
    TRANSPOSE("transpose", 1, 1, ints("perm")),
    SLICE("slice", 1, 1, ints("starts"), ints("steps")),
    // Any count parses, so that a broken program still round-trips; the verifier wants one or more.
    CONCAT("concat", 0, Integer.MAX_VALUE, integer("axis")),
    GATHER("gather", 2, 2, integer("axis")),
    IOTA("iota", 0, 0, integer("axis"));

    enum AttrType { INT, INTS, BOOL, FLOAT, LAYOUT }

    /**
     * An attribute of the text form. One with a default may be left out, and is printed only
     * when it differs from it, so that a field added later does not change every program's text.
     * The default is a constant ({@code defaultValue}) or the value of an earlier attribute of
     * the same op ({@code defaultFrom}, its name).
     */
    record Attr(String name, AttrType type, Object defaultValue, String defaultFrom) {
        Attr(String name, AttrType type) { this(name, type, null, null); }

        Attr(String name, AttrType type, Object defaultValue) { this(name, type, defaultValue, null); }

        boolean optional() { return defaultValue != null || defaultFrom != null; }
    }

    final String text;
    final int minIns;
    final int maxIns;
    final List<Attr> attrs;

    KernelOp(String text, int minIns, int maxIns, Attr... attrs) {
        this.text = text;
        this.minIns = minIns;
        this.maxIns = maxIns;
        this.attrs = List.of(attrs);
    }

    private static Attr bool(String name) { return new Attr(name, AttrType.BOOL); }

    private static Attr integer(String name) { return new Attr(name, AttrType.INT); }

    private static Attr ints(String name) { return new Attr(name, AttrType.INTS); }

    private static Attr real(String name) { return new Attr(name, AttrType.FLOAT); }

    private static Attr real(String name, double defaultValue) { return new Attr(name, AttrType.FLOAT, defaultValue); }

    private static Attr layout() { return new Attr("layout", AttrType.LAYOUT); }

    /** Whether kernels of this op may carry an {@link Kernel.Epilogue}. */
    boolean hasEpilogue() { return this == MATMUL || this == CONV2D; }

    /**
     * The default of attribute {@code i} given the values of the attributes before it (in
     * {@link #attrs} order), or null when it has none.
     */
    Object defaultOf(int i, List<Object> values) {
        Attr a = attrs.get(i);
        if (a.defaultFrom() == null) return a.defaultValue();
        for (int j = 0; j < i; j++) if (attrs.get(j).name().equals(a.defaultFrom())) return values.get(j);
        throw new IllegalStateException(a.name() + " defaults to " + a.defaultFrom() + ", which does not come before it");
    }

    /** Whether the printer leaves attribute {@code i} out of {@code values}: it is at its default. */
    boolean isDefault(int i, List<Object> values) {
        return attrs.get(i).optional() && java.util.Objects.equals(values.get(i), defaultOf(i, values));
    }

    static Optional<KernelOp> fromText(String text) {
        return Arrays.stream(values()).filter(op -> op.text.equals(text)).findFirst();
    }

    static KernelOp of(Kernel k) {
        return switch (k) {
            case Elementwise e -> ELEMENTWISE;
            case MatMul m -> MATMUL;
            case Conv2d c -> CONV2D;
            case Pool2d p -> p.kind() == PoolKind.AVG ? AVG_POOL2D : MAX_POOL2D;
            case Reduce r -> r.kind() == null ? REDUCE_SUM : switch (r.kind()) {
                case SUM -> REDUCE_SUM;
                case MEAN -> REDUCE_MEAN;
                case MAX -> REDUCE_MAX;
            };
            case Softmax s -> s.log() ? LOG_SOFTMAX : SOFTMAX;
            case LayerNorm l -> LAYER_NORM;
            case Transpose t -> TRANSPOSE;
            case Slice s -> SLICE;
            case Concat c -> CONCAT;
            case Gather g -> GATHER;
            case Iota i -> IOTA;
        };
    }

    /**
     * The bufs a kernel reads, as {@link Kernel#ins()} returns them (its operands, then its
     * epilogue's), except that a missing (null) operand stays in the list instead of
     * throwing: the printer and the verifier must cope with broken kernels.
     */
    static List<Buf> operands(Kernel k) {
        Kernel.Epilogue e = epilogue(k);
        if (e == null || e.ins().isEmpty()) return mainOperands(k);
        List<Buf> all = new java.util.ArrayList<>(mainOperands(k));
        all.addAll(e.ins());
        return all;
    }

    /** A matmul's or convolution's epilogue (null when missing), else null. */
    static Kernel.Epilogue epilogue(Kernel k) {
        return switch (k) {
            case MatMul m -> m.epilogue();
            case Conv2d c -> c.epilogue();
            default -> null;
        };
    }

    /** The bufs inside the kernel's parentheses in the text form (not the epilogue's). */
    static List<Buf> mainOperands(Kernel k) {
        return switch (k) {
            case Elementwise e -> e.ins();
            case MatMul m -> m.bias() == null ? Arrays.asList(m.a(), m.b()) : Arrays.asList(m.a(), m.b(), m.bias());
            case Conv2d c -> c.bias() == null ? Arrays.asList(c.x(), c.weight())
                    : Arrays.asList(c.x(), c.weight(), c.bias());
            case Pool2d p -> Arrays.asList(p.x());
            case Reduce r -> Arrays.asList(r.x());
            case Softmax s -> Arrays.asList(s.x());
            case LayerNorm l -> l.residual() == null ? Arrays.asList(l.x(), l.gamma(), l.beta())
                    : Arrays.asList(l.x(), l.gamma(), l.beta(), l.residual());
            case Transpose t -> Arrays.asList(t.x());
            case Slice s -> Arrays.asList(s.x());
            case Concat c -> c.xs();
            case Gather g -> Arrays.asList(g.data(), g.indices());
            case Iota i -> List.of();
        };
    }

    /** The kernel's attribute values, in the order of {@link #attrs}. */
    static List<Object> attrValues(Kernel k) {
        return switch (k) {
            case Elementwise e -> List.of();
            case MatMul m -> List.of(m.transA(), m.transB());
            case Conv2d c -> Arrays.asList(c.stride(), c.padding(), c.dilation(), c.groups(), c.layout(), c.inputLayout(), c.pool());
            case Pool2d p -> Arrays.asList(p.kernel(), p.stride(), p.padding(), p.countIncludePad(), p.layout());
            case Reduce r -> Arrays.asList(r.axes());
            case Softmax s -> List.of(s.axis(), s.scale());
            case LayerNorm l -> List.of(l.axis(), l.eps());
            case Transpose t -> Arrays.asList(t.perm());
            case Slice s -> Arrays.asList(s.starts(), s.steps());
            case Concat c -> List.of(c.axis());
            case Gather g -> List.of(g.axis());
            case Iota i -> List.of(i.axis());
        };
    }

    /**
     * The kernel this op makes of its bufs and attribute values (in {@link #attrs} order, of
     * their declared types). The caller has checked the number of bufs; {@code expr} is for
     * elementwise only, {@code epilogue} for matmul and conv2d only.
     */
    @SuppressWarnings("unchecked")
    Kernel build(Buf out, List<Buf> ins, List<Object> a, Expr expr, Kernel.Epilogue epilogue) {
        return switch (this) {
            case ELEMENTWISE -> new Elementwise(out, ins, expr);
            case MATMUL -> new MatMul(out, ins.get(0), ins.get(1), ins.size() > 2 ? ins.get(2) : null,
                    (Boolean) a.get(0), (Boolean) a.get(1), epilogue);
            case CONV2D -> new Conv2d(out, ins.get(0), ins.get(1), ins.size() > 2 ? ins.get(2) : null,
                    (List<Integer>) a.get(0), (List<Integer>) a.get(1), (List<Integer>) a.get(2),
                    (Integer) a.get(3), (Kernel.Layout) a.get(4), (Kernel.Layout) a.get(5), epilogue, (List<Integer>) a.get(6));
            case MAX_POOL2D, AVG_POOL2D -> new Pool2d(out, ins.get(0), this == MAX_POOL2D ? PoolKind.MAX : PoolKind.AVG,
                    (List<Integer>) a.get(0), (List<Integer>) a.get(1), (List<Integer>) a.get(2), (Boolean) a.get(3),
                    (Kernel.Layout) a.get(4));
            case REDUCE_SUM, REDUCE_MEAN, REDUCE_MAX -> new Reduce(out, ins.get(0), switch (this) {
                case REDUCE_SUM -> ReduceKind.SUM;
                case REDUCE_MEAN -> ReduceKind.MEAN;
                default -> ReduceKind.MAX;
            }, (List<Integer>) a.get(0));
            case SOFTMAX, LOG_SOFTMAX -> new Softmax(out, ins.get(0), (Integer) a.get(0), (Double) a.get(1), this == LOG_SOFTMAX);
            case LAYER_NORM -> new LayerNorm(out, ins.get(0), ins.get(1), ins.get(2), ins.size() > 3 ? ins.get(3) : null,
                    (Integer) a.get(0), (Double) a.get(1));
            case TRANSPOSE -> new Transpose(out, ins.get(0), (List<Integer>) a.get(0));
            case SLICE -> new Slice(out, ins.get(0), (List<Integer>) a.get(0), (List<Integer>) a.get(1));
            case CONCAT -> new Concat(out, ins, (Integer) a.get(0));
            case GATHER -> new Gather(out, ins.get(0), ins.get(1), (Integer) a.get(0));
            case IOTA -> new Iota(out, (Integer) a.get(0));
        };
    }
}
