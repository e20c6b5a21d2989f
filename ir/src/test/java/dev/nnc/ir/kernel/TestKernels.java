package dev.nnc.ir.kernel;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.kernel.Expr.BinaryFn;
import dev.nnc.ir.kernel.Expr.UnaryFn;
import dev.nnc.ir.kernel.Kernel.Concat;
import dev.nnc.ir.kernel.Kernel.Conv2d;
import dev.nnc.ir.kernel.Kernel.Elementwise;
import dev.nnc.ir.kernel.Kernel.Epilogue;
import dev.nnc.ir.kernel.Kernel.Gather;
import dev.nnc.ir.kernel.Kernel.Iota;
import dev.nnc.ir.kernel.Kernel.Layout;
import dev.nnc.ir.kernel.Kernel.LayerNorm;
import dev.nnc.ir.kernel.Kernel.MatMul;
import dev.nnc.ir.kernel.Kernel.Pool2d;
import dev.nnc.ir.kernel.Kernel.PoolKind;
import dev.nnc.ir.kernel.Kernel.Reduce;
import dev.nnc.ir.kernel.Kernel.ReduceKind;
import dev.nnc.ir.kernel.Kernel.Slice;
import dev.nnc.ir.kernel.Kernel.Softmax;
import dev.nnc.ir.kernel.Kernel.Transpose;
import dev.nnc.runtime.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Kernel programs for the printer, parser and verifier tests. */
final class TestKernels {
    private TestKernels() {}

    static final Dim B = Dim.sym("B"), S = Dim.sym("S");

    /** A type from sizes: Integer/Long for known dims, a String for a symbol, a Dim as it is. */
    static TensorType type(DType dtype, Object... dims) {
        List<Dim> list = new ArrayList<>();
        for (Object o : dims) {
            list.add(switch (o) {
                case Dim d -> d;
                case String s -> Dim.sym(s);
                case Number n -> Dim.of(n.longValue());
                default -> throw new IllegalArgumentException("not a dim: " + o);
            });
        }
        return new TensorType(dtype, new Shape(list));
    }

    static TensorType f32(Object... dims) { return type(DType.F32, dims); }

    static List<Integer> ints(int... v) { return Arrays.stream(v).boxed().toList(); }

    static Buf in(String name, TensorType t) { return Buf.input(name, t); }

    static Buf w(String name, TensorType t) { return Buf.weight(name, t); }

    static Buf out(String name, TensorType t) { return Buf.output(name, t); }

    static Buf arena(String name, Dim offset, TensorType t) { return Buf.arena(name, offset, t); }

    static Expr x(int i) { return new Expr.In(i); }

    static Expr c(double v) { return new Expr.Const(v); }

    static Expr un(UnaryFn fn, Expr x) { return new Expr.Unary(fn, x); }

    static Expr bin(BinaryFn fn, Expr a, Expr b) { return new Expr.Binary(fn, a, b); }

    /**
     * A program declaring exactly the inputs, weights and outputs its kernels use (each with
     * the type it is first used with), in order of first use.
     */
    static KernelProgram declaring(String name, Dim arenaSize, Kernel... kernels) {
        Map<String, Buf> inputs = new LinkedHashMap<>(), weights = new LinkedHashMap<>(), outputs = new LinkedHashMap<>();
        for (Kernel k : kernels) {
            for (Buf b : KernelOp.operands(k)) {
                if (b != null && b.space() == Space.INPUT) inputs.putIfAbsent(b.name(), b);
                if (b != null && b.space() == Space.WEIGHT) weights.putIfAbsent(b.name(), b);
            }
            if (k.out() != null && k.out().space() == Space.OUTPUT) outputs.putIfAbsent(k.out().name(), k.out());
        }
        return new KernelProgram(name, List.copyOf(inputs.values()), List.copyOf(weights.values()),
                List.copyOf(outputs.values()), arenaSize, List.of(kernels));
    }

    /** Allocates arena bufs one after another (never reusing memory), and collects kernels. */
    static final class Builder {
        private final List<Kernel> kernels = new ArrayList<>();
        private Dim next = Dim.of(0);
        private int count;

        Buf arena(TensorType t) {
            Buf b = Buf.arena("t" + count++, next, t);
            next = next.plus(t.shape().numel());
            return b;
        }

        /** Adds the kernel and returns what it writes. */
        Buf add(Kernel k) {
            kernels.add(k);
            return k.out();
        }

        KernelProgram build(String name) { return declaring(name, next, kernels.toArray(Kernel[]::new)); }
    }

    /** A small CNN: conv + pool + dense + softmax, with arena reuse (the matmul writes over the dead conv output). */
    static KernelProgram tiny() {
        Buf image = in("image", f32(B, 1, 8, 8));
        Buf t0 = arena("t0", Dim.of(0), f32(B, 4, 6, 6));
        Buf t1 = arena("t1", B.times(Dim.of(144)), f32(B, 4, 3, 3));
        Buf t2 = arena("t2", Dim.of(0), f32(B, 10));
        return declaring("Tiny", B.times(Dim.of(180)),
                new Conv2d(t0, image, w("conv.weight", f32(4, 1, 3, 3)), w("conv.bias", f32(4)),
                        ints(1, 1), ints(0, 0, 0, 0), ints(1, 1), 1, Layout.NCHW, Layout.NCHW, Epilogue.RELU),
                new Pool2d(t1, t0, PoolKind.MAX, ints(2, 2), ints(2, 2), ints(0, 0, 0, 0), false, Layout.NCHW),
                new MatMul(t2, t1.view(f32(B, 36)), w("fc.weight", f32(10, 36)), w("fc.bias", f32(10)), false, true, Epilogue.NONE),
                new Elementwise(out("logits", f32(B, 10)), List.of(t2, w("scale", f32(10))),
                        bin(BinaryFn.MUL, x(0), bin(BinaryFn.ADD, x(1), c(0.5)))));
    }

    /**
     * Every kernel kind and text name, both bias forms, every expression form and function,
     * special float constants, quoted and dotted names, views, broadcasting and symbolic
     * sizes. It is a valid program.
     */
    static KernelProgram everyKind() {
        Builder g = new Builder();
        Buf x = in("x", f32(B, 4, 8, 8));
        Buf ids = in("token ids", type(DType.I64, B, S));
        Buf conv = g.add(new Conv2d(g.arena(f32(B, 8, 4, 5)), x, w("conv.weight", f32(8, 2, 3, 3)), w("conv.bias", f32(8)),
                ints(2, 1), ints(1, 1, 0, 0), ints(1, 2), 2, Layout.NCHW, Layout.NCHW, Epilogue.RELU));
        Buf conv2 = g.add(new Conv2d(g.arena(f32(B, 8, 4, 5)), conv, w("encoder.layer.0.pw", f32(8, 8, 1, 1)), null,
                ints(1, 1), ints(0, 0, 0, 0), ints(1, 1), 1, Layout.NCHW, Layout.NCHW, Epilogue.NONE));
        Expr e = x(0);
        for (UnaryFn fn : UnaryFn.values()) e = un(fn, e);
        double[] consts = {1.5, Double.NEGATIVE_INFINITY, Double.NaN, -0.0, 1e-300, Double.POSITIVE_INFINITY, -2.5e10};
        BinaryFn[] fns = BinaryFn.values();
        for (int i = 0; i < fns.length; i++) e = bin(fns[i], e, i % 2 == 0 ? c(consts[i]) : x(1));
        Buf act = g.add(new Elementwise(g.arena(f32(B, 8, 4, 5)), List.of(conv2, w("odd name \"q\"", f32(8, 1, 1))), e));
        Buf mp = g.add(new Pool2d(g.arena(f32(B, 8, 4, 2)), act, PoolKind.MAX, ints(3, 2), ints(1, 2), ints(1, 0, 1, 0), false, Layout.NCHW));
        Buf ap = g.add(new Pool2d(g.arena(f32(B, 8, 4, 2)), mp, PoolKind.AVG, ints(2, 1), ints(1, 1), ints(1, 0, 0, 0), true, Layout.NCHW));
        Buf mean = g.add(new Reduce(g.arena(f32(B, 8)), ap, ReduceKind.MEAN, ints(2, 3)));
        Buf max = g.add(new Reduce(g.arena(f32(B, 1, 4, 2)), ap, ReduceKind.MAX, ints(1)));
        Buf sum = g.add(new Reduce(g.arena(f32(B, 1)), mean, ReduceKind.SUM, ints(1)));
        Buf cat = g.add(new Concat(g.arena(f32(B, 9)), List.of(mean, sum), 1));
        Buf cat2 = g.add(new Concat(g.arena(f32(B.plus(B), 8)), List.of(mean, mean), 0));
        Buf tr = g.add(new Transpose(g.arena(f32(9, B)), cat, ints(1, 0)));
        Buf sl = g.add(new Slice(g.arena(f32(3, B)), tr, ints(1, 0), ints(3, 1)));
        Buf sm = g.add(new Softmax(g.arena(f32(3, B)), sl, 1, 1.0, false));
        Buf lsm = g.add(new Softmax(g.arena(f32(3, B)), sm, 0, 1.0, true));
        // Scaled forms, as row fusion leaves them: softmax(0.125 * x) and log_softmax(-2 * x).
        g.add(new Softmax(g.arena(f32(3, B)), lsm, 1, 0.125, false));
        g.add(new Softmax(g.arena(f32(3, B)), sm, 0, -2.0, true));
        Buf emb = g.add(new Gather(g.arena(f32(B, S, 16)), w("emb", f32(100, 16)), ids, 0));
        Buf ln0 = g.add(new LayerNorm(g.arena(f32(B, S, 16)), emb, w("ln.weight", f32(16)), w("ln.bias", f32(16)), null, 2, 1e-12));
        // Post-norm: layer_norm(ln0 + emb) with the add done by the kernel.
        Buf ln = g.add(new LayerNorm(g.arena(f32(B, S, 16)), ln0, w("ln.weight", f32(16)), w("ln.bias", f32(16)), emb, 2, 1e-12));
        Buf proj = g.add(new MatMul(g.arena(f32(B, S, 4)), ln, w("proj", f32(16, 4)), w("proj.bias", f32(4)), false, false, Epilogue.RELU));
        Buf gram = g.add(new MatMul(g.arena(f32(B, 4, 4)), proj, proj, null, true, false, Epilogue.NONE));
        // Epilogues: a residual plus a broadcast gain, and one with no bufs of its own.
        Buf res = g.add(new MatMul(g.arena(f32(B, S, 16)), ln, w("res.weight", f32(16, 16)), null, false, false,
                new Epilogue(List.of(ln, w("res.gain", f32(1, 16))), un(UnaryFn.RELU, bin(BinaryFn.ADD, x(0), bin(BinaryFn.MUL, x(1), x(2)))))));
        g.add(new MatMul(g.arena(f32(B, 16, 16)), res, res, null, true, false,
                new Epilogue(List.of(), bin(BinaryFn.MUL, x(0), c(0.25)))));
        // Channels last: conv and pooling in NHWC, the conv with a per-channel epilogue vector.
        Buf nhwc = g.add(new Transpose(g.arena(f32(B, 8, 8, 4)), x, ints(0, 2, 3, 1)));
        Buf nconv = g.add(new Conv2d(g.arena(f32(B, 6, 6, 8)), nhwc, w("nhwc.weight", f32(8, 4, 3, 3)), w("nhwc.bias", f32(8)),
                ints(1, 1), ints(0, 0, 0, 0), ints(1, 1), 1, Layout.NHWC, Layout.NHWC,
                new Epilogue(List.of(w("nhwc.scale", f32(8))), bin(BinaryFn.MUL, un(UnaryFn.RELU, x(0)), x(1)))));
        g.add(new Pool2d(g.arena(f32(B, 3, 3, 8)), nconv, PoolKind.AVG, ints(2, 2), ints(2, 2), ints(0, 0, 0, 0), false, Layout.NHWC));
        // An NHWC convolution reading the NCHW x itself: the conversion is done by its patch gather.
        g.add(new Conv2d(g.arena(f32(B, 4, 4, 8)), x, w("nhwc.weight", f32(8, 4, 3, 3)), null,
                ints(2, 2), ints(1, 1, 0, 0), ints(1, 1), 1, Layout.NHWC, Layout.NCHW, Epilogue.RELU));
        Buf pos = g.add(new Iota(g.arena(type(DType.I32, B, S)), 1));
        g.add(new Elementwise(out("positions", f32(B, S)), List.of(pos), bin(BinaryFn.MUL, x(0), c(0.5))));
        g.add(new Elementwise(out("features", f32(B, 64)), List.of(ap.view(f32(B, 64))), x(0)));
        g.add(new Elementwise(out("gram", f32(B, 4, 4)), List.of(gram, w("proj.bias", f32(4))), bin(BinaryFn.ADD, x(0), x(1))));
        g.add(new Elementwise(out("pooled max", f32(B, 8)), List.of(max.view(f32(B, 8))), x(0)));
        g.add(new Elementwise(out("log probs", f32(3, B)), List.of(lsm), x(0)));
        g.add(new Elementwise(out("stacked", f32(B.plus(B), 8)), List.of(cat2), x(0)));
        g.add(new Elementwise(out("filled", f32(2)), List.of(), c(3)));
        return g.build("EveryKind");
    }

    /**
     * Load-time work: a transposed and a scaled copy of weights computed once (the second from
     * the first), read by the run-time matmul and its epilogue.
     */
    static KernelProgram prepared() {
        Buf x = in("x", f32(B, 4)), fc = w("fc.weight", f32(3, 4)), scale = w("scale", f32(3));
        Buf fcT = w("fc.weight.t", f32(4, 3)), scaled = w("fc.weight.scaled", f32(4, 3)), half = w("scale.half", f32(3));
        Buf t0 = arena("t0", Dim.of(0), f32(B, 3));
        return new KernelProgram("Prepared", List.of(x), List.of(fc, scale), List.of(fcT, half, scaled),
                List.of(out("y", f32(B, 3))), B.times(Dim.of(3)),
                List.of(new Transpose(fcT, fc, ints(1, 0)),
                        new Elementwise(half, List.of(scale), bin(BinaryFn.MUL, x(0), c(0.5))),
                        new Elementwise(scaled, List.of(fcT, half), bin(BinaryFn.MUL, x(0), x(1)))),
                List.of(new MatMul(t0, x, scaled, null, false, false, new Epilogue(List.of(half), bin(BinaryFn.ADD, x(0), x(1)))),
                        new Elementwise(out("y", f32(B, 3)), List.of(t0, scale), bin(BinaryFn.SUB, x(0), x(1)))));
    }

    /** Every function an expression uses. */
    static void functions(Expr e, Set<Object> into) {
        switch (e) {
            case Expr.In in -> {}
            case Expr.Const k -> {}
            case Expr.Unary u -> {
                into.add(u.fn());
                functions(u.x(), into);
            }
            case Expr.Binary b -> {
                into.add(b.fn());
                functions(b.a(), into);
                functions(b.b(), into);
            }
        }
    }
}
