package dev.nnc.ir;

import dev.nnc.runtime.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Graphs for the printer, parser and verifier tests. */
final class TestGraphs {
    private TestGraphs() {}

    static final Dim B = Dim.sym("B"), S = Dim.sym("S");

    static TensorType f32(Dim... dims) { return new TensorType(DType.F32, Shape.of(dims)); }

    static TensorType f32(long... dims) { return new TensorType(DType.F32, Shape.of(dims)); }

    static List<Long> ints(long... v) { return Arrays.stream(v).boxed().toList(); }

    /** The start of the Keras MNIST CNN. */
    static Graph mnist() {
        GraphBuilder g = new GraphBuilder("MnistCnn");
        Value image = g.input("image", f32(B, Dim.of(1), Dim.of(28), Dim.of(28)));
        Value w = g.param("conv1.weight", f32(32, 1, 3, 3), "glorot_uniform");
        Value b = g.param("conv1.bias", f32(32), "zeros");
        Value conv = g.add(Op.CONV2D, image, w, b);
        Value relu = g.add(Op.RELU, conv);
        g.constant(0.5, DType.F32);
        Value flat = g.add(Op.RESHAPE, List.of(relu), Attrs.of("shape", List.of(B, Dim.of(21632))));
        g.output("output", flat);
        return g.build();
    }

    /** Every op, with non-default values for every attribute, and every attribute kind. */
    static Graph everyOp() {
        GraphBuilder g = new GraphBuilder("EveryOp");
        Value x = g.input("x", f32(B, Dim.of(4), Dim.of(8), Dim.of(8)));
        Value ids = g.input("token ids", new TensorType(DType.I64, Shape.of(B, S)));
        Value w = g.param("conv.weight", f32(8, 2, 3, 3), "normal(std=0.02)");
        Value bias = g.param("conv.bias", f32(8), "zeros");
        Value c = g.constant(Double.NEGATIVE_INFINITY, DType.F32);
        Value half = g.declare(Op.CONSTANT, f32(1, 1), Attrs.of("value", 1e-5));
        Value iota = g.declare(Op.IOTA, new TensorType(DType.I32, Shape.of(B, S)), Attrs.of("axis", -1L));
        Value conv = g.add(Op.CONV2D, List.of(x, w, bias),
                Attrs.of("stride", ints(2, 1), "padding", ints(1, 1, 0, 0), "dilation", ints(1, 2), "groups", 2L));
        Value v = conv;
        for (Op op : List.of(Op.NEG, Op.ABS, Op.RELU, Op.SIGMOID, Op.TANH, Op.ERF, Op.EXP, Op.LOG, Op.SQRT, Op.RSQRT)) {
            v = g.add(op, v);
        }
        v = g.add(Op.GELU, List.of(v), Attrs.of("approximate", "tanh"));
        v = g.add(Op.DROPOUT, List.of(v), Attrs.of("rate", 0.125));
        for (Op op : List.of(Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.POW, Op.MAXIMUM, Op.MINIMUM)) v = g.add(op, v, c);
        v = g.add(Op.MUL, v, half);
        Value mp = g.add(Op.MAX_POOL2D, List.of(v), Attrs.of("kernel", ints(3, 2), "stride", ints(1, 2), "padding", ints(1, 0, 1, 0)));
        Value ap = g.add(Op.AVG_POOL2D, List.of(mp),
                Attrs.of("kernel", ints(2, 1), "stride", ints(1, 1), "padding", ints(1, 0, 0, 0), "count_include_pad", false));
        Value gap = g.add(Op.GLOBAL_AVG_POOL, ap);
        Value gmp = g.add(Op.GLOBAL_MAX_POOL, ap);
        Value cat = g.add(Op.CONCAT, List.of(gap, gmp, gap), Attrs.of("axis", -3L));
        Value flat = g.add(Op.FLATTEN, List.of(cat), Attrs.of("axis", 1L));
        Value rs = g.add(Op.RESHAPE, List.of(flat), Attrs.of("shape", List.of(B, Dim.of(2), Dim.of(12))));
        Value tr = g.add(Op.TRANSPOSE, List.of(rs), Attrs.of("perm", ints(0, 2, 1)));
        Value sl = g.add(Op.SLICE, List.of(tr),
                Attrs.of("axes", ints(1, -1), "starts", ints(-10, 0), "ends", ints(Long.MAX_VALUE, 2), "steps", ints(3, 1)));
        Value emb = g.param("embedding", f32(100, 16), "normal(std=0.02)");
        Value gathered = g.add(Op.GATHER, List.of(emb, ids), Attrs.of("axis", 0L));
        Value sum = g.add(Op.REDUCE_SUM, List.of(gathered), Attrs.of("axes", ints(-1), "keepdims", true));
        Value mean = g.add(Op.REDUCE_MEAN, List.of(gathered), Attrs.of("axes", ints(0, 1)));
        Value max = g.add(Op.REDUCE_MAX, List.of(gathered), Attrs.of("axes", ints(1)));
        Value sm = g.add(Op.SOFTMAX, List.of(max), Attrs.of("axis", 0L));
        Value lsm = g.add(Op.LOG_SOFTMAX, List.of(sum), Attrs.of("axis", -2L));
        Value gamma = g.param("ln.weight", f32(16), "ones");
        Value beta = g.param("ln.bias", f32(16), "zeros");
        Value ln = g.add(Op.LAYER_NORM, List.of(gathered, gamma, beta), Attrs.of("axis", -1L, "eps", 1e-12));
        Value ch = g.param("bn.weight", f32(4), "ones");
        Value bn = g.add(Op.BATCH_NORM, List.of(sl, ch, ch, ch, ch), Attrs.of("eps", 0.001));
        Value mm = g.add(Op.MATMUL, ln, g.param("proj", f32(16, 4), "glorot_uniform"));
        Value casted = g.add(Op.CAST, List.of(iota), Attrs.of("dtype", DType.BF16));
        g.output("bn", bn);
        g.output("mean", mean);
        g.output("softmax", sm);
        g.output("log softmax", lsm);
        g.output("projected", mm);
        g.output("positions", casted);
        return g.build();
    }

    /**
     * A random, well-typed graph: a chain of random ops over random shapes (symbolic batch
     * dims included), each op's attributes drawn at random within what makes sense.
     */
    static Graph random(long seed, int length, Set<Op> seen) {
        Random rnd = new Random(seed);
        GraphBuilder g = new GraphBuilder("Random" + seed);
        List<Value> pool = new ArrayList<>();
        int params = 0;
        pool.add(g.input("x", f32(B, Dim.of(3), Dim.of(12), Dim.of(12))));
        pool.add(g.input("seq", f32(B, S, Dim.of(8))));
        Value ids = g.input("ids", new TensorType(rnd.nextBoolean() ? DType.I64 : DType.I32, Shape.of(B, S)));
        Op[] ops = Arrays.stream(Op.values()).filter(o -> !o.declaresType()).toArray(Op[]::new);
        int added = 0, attempts = 0;
        while (added < length && attempts++ < length * 50) {
            Op op = ops[rnd.nextInt(ops.length)];
            Value a = pool.get(rnd.nextInt(pool.size()));
            TensorType t = a.type();
            int r = t.rank();
            try {
                Value v = switch (op) {
                    case NEG, ABS, RELU, SIGMOID, TANH, ERF, EXP, LOG, SQRT, RSQRT, GLOBAL_AVG_POOL, GLOBAL_MAX_POOL -> g.add(op, a);
                    case GELU -> g.add(op, List.of(a), Attrs.of("approximate", rnd.nextBoolean() ? "none" : "tanh"));
                    case DROPOUT -> g.add(op, List.of(a), Attrs.of("rate", rnd.nextInt(10) / 10.0));
                    case CAST -> g.add(op, List.of(a), Attrs.of("dtype", DType.values()[rnd.nextInt(DType.values().length)]));
                    case ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM -> {
                        List<Dim> dims = new ArrayList<>(t.shape().dims().subList(rnd.nextInt(r + 1), r));
                        for (int i = 0; i < dims.size(); i++) if (rnd.nextInt(3) == 0) dims.set(i, Dim.of(1));
                        Value b = rnd.nextBoolean() ? a : g.param("p" + params++, t.withShape(new Shape(dims)), "zeros");
                        yield rnd.nextBoolean() ? g.add(op, a, b) : g.add(op, b, a);
                    }
                    case MATMUL -> {
                        if (r < 2) yield null;
                        Value w = g.param("p" + params++, t.withShape(Shape.of(t.shape().dim(-1), Dim.of(1 + rnd.nextInt(6)))), "glorot_uniform");
                        yield g.add(op, a, w);
                    }
                    case CONV2D -> {
                        if (r != 4) yield null;
                        long groups = rnd.nextBoolean() ? 1 : t.shape().dim(1).known().orElse(1);
                        long o = groups * (1 + rnd.nextInt(3));
                        Dim cg = t.shape().dim(1).div(Dim.of(groups));
                        TensorType wt = t.withShape(Shape.of(Dim.of(o), cg, Dim.of(1 + rnd.nextInt(3)), Dim.of(1 + rnd.nextInt(3))));
                        List<Value> operands = new ArrayList<>(List.of(a, g.param("p" + params++, wt, "glorot_uniform")));
                        if (rnd.nextBoolean()) operands.add(g.param("p" + params++, t.withShape(Shape.of(o)), "zeros"));
                        yield g.add(op, operands, Attrs.of("stride", ints(1 + rnd.nextInt(2), 1 + rnd.nextInt(2)),
                                "padding", ints(rnd.nextInt(2), rnd.nextInt(2), rnd.nextInt(2), rnd.nextInt(2)),
                                "dilation", ints(1 + rnd.nextInt(2), 1), "groups", groups));
                    }
                    case MAX_POOL2D, AVG_POOL2D -> {
                        long k = 1 + rnd.nextInt(3);
                        Attrs at = Attrs.of("kernel", ints(k, k), "stride", ints(1 + rnd.nextInt(2), 1 + rnd.nextInt(2)),
                                "padding", ints(rnd.nextInt((int) k / 2 + 1), 0, 0, rnd.nextInt((int) k / 2 + 1)));
                        if (op == Op.AVG_POOL2D) at = Attrs.of("kernel", at.get("kernel"), "stride", at.get("stride"),
                                "padding", at.get("padding"), "count_include_pad", rnd.nextBoolean());
                        yield g.add(op, List.of(a), at);
                    }
                    case RESHAPE -> {
                        if (r < 2) yield null;
                        Dim rest = new Shape(t.shape().dims().subList(1, r)).numel();
                        yield g.add(op, List.of(a), Attrs.of("shape", List.of(t.shape().dim(0), rest)));
                    }
                    case FLATTEN -> g.add(op, List.of(a), Attrs.of("axis", (long) (r == 0 ? 0 : rnd.nextInt(2 * r) - r)));
                    case TRANSPOSE -> {
                        List<Long> perm = new ArrayList<>();
                        for (long i = 0; i < r; i++) perm.add(i);
                        java.util.Collections.shuffle(perm, rnd);
                        yield g.add(op, List.of(a), Attrs.of("perm", perm));
                    }
                    case CONCAT -> {
                        if (r == 0) yield null;
                        List<Value> operands = new ArrayList<>();
                        for (int i = 0, n = 1 + rnd.nextInt(3); i < n; i++) operands.add(a);
                        yield g.add(op, operands, Attrs.of("axis", (long) (rnd.nextInt(2 * r) - r)));
                    }
                    case SLICE -> {
                        if (r == 0) yield null;
                        long axis = rnd.nextInt(r);
                        boolean known = t.shape().dim((int) axis).isKnown();
                        long start = rnd.nextInt(3), end = rnd.nextBoolean() ? Long.MAX_VALUE : -1;
                        long step = known ? 1 + rnd.nextInt(3) : 1;
                        yield g.add(op, List.of(a), Attrs.of("axes", ints(axis), "starts", ints(start), "ends", ints(end), "steps", ints(step)));
                    }
                    case GATHER -> {
                        if (r == 0) yield null;
                        yield g.add(op, List.of(a, ids), Attrs.of("axis", (long) rnd.nextInt(r)));
                    }
                    case REDUCE_SUM, REDUCE_MEAN, REDUCE_MAX -> {
                        if (r == 0) yield null;
                        yield g.add(op, List.of(a), Attrs.of("axes", ints(rnd.nextInt(r) - r), "keepdims", rnd.nextBoolean()));
                    }
                    case SOFTMAX, LOG_SOFTMAX -> r == 0 ? null : g.add(op, List.of(a), Attrs.of("axis", (long) rnd.nextInt(r)));
                    case LAYER_NORM -> {
                        if (r == 0) yield null;
                        int axis = rnd.nextInt(r);
                        TensorType nt = t.withShape(new Shape(t.shape().dims().subList(axis, r)));
                        yield g.add(op, List.of(a, g.param("p" + params++, nt, "ones"), g.param("p" + params++, nt, "zeros")),
                                Attrs.of("axis", (long) axis, "eps", rnd.nextBoolean() ? 1e-5 : 1e-12));
                    }
                    case BATCH_NORM -> {
                        if (r < 2) yield null;
                        Value vec = g.param("p" + params++, t.withShape(Shape.of(t.shape().dim(1))), "ones");
                        yield g.add(op, List.of(a, vec, vec, vec, vec), Attrs.of("eps", 1e-3));
                    }
                    case INPUT, PARAM, CONSTANT, IOTA -> null;
                };
                if (v != null) {
                    pool.add(v);
                    seen.add(op);
                    added++;
                }
            } catch (ShapeError refused) {
                // The random choice did not fit (e.g. an int dtype into conv2d); try another.
            }
        }
        if (rnd.nextBoolean()) pool.add(g.constant(rnd.nextGaussian(), DType.F32));
        if (rnd.nextBoolean()) pool.add(g.declare(Op.IOTA, new TensorType(DType.I64, Shape.of(B, Dim.of(3))), Attrs.of("axis", 1L)));
        for (int i = 0; i < 3; i++) {
            Value out = pool.get(pool.size() - 1 - rnd.nextInt(Math.min(pool.size(), 6)));
            g.output("out" + i, out);
        }
        return g.build();
    }

    static Set<Op> inferredOps() {
        Set<Op> all = EnumSet.noneOf(Op.class);
        for (Op op : Op.values()) if (!op.declaresType()) all.add(op);
        return all;
    }
}
