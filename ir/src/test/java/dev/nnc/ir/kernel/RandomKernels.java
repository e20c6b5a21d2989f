package dev.nnc.ir.kernel;

import static dev.nnc.ir.kernel.TestKernels.B;
import static dev.nnc.ir.kernel.TestKernels.S;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.kernel.Expr.BinaryFn;
import dev.nnc.ir.kernel.Expr.UnaryFn;
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
import dev.nnc.runtime.DType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * Seeded random kernel programs that are valid by construction: every kernel reads bufs
 * that exist (inputs, weights, earlier arena writes, sometimes as views) and writes a fresh
 * arena slot of the shape its rule gives; a few results are copied to outputs at the end.
 * Names, constants and expressions are drawn to exercise the text form's corners.
 */
final class RandomKernels {

    private static final double[] CONSTANTS = {0.0, -0.0, 1.0, 0.5, -3.25, 1e-7, 6.02e23, Double.MIN_VALUE,
            Double.MAX_VALUE, -Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    private static final DType[] INDEX_TYPES = {DType.I8, DType.I32, DType.I64};

    private final Random r;
    private final TestKernels.Builder g = new TestKernels.Builder();
    /** Float bufs a kernel may read. */
    private final List<Buf> floats = new ArrayList<>();
    /** Integer bufs a gather may use as indices. */
    private final List<Buf> indices = new ArrayList<>();
    private int names;

    private RandomKernels(long seed) { this.r = new Random(seed); }

    /** A valid program of about {@code size} kernels; every kernel kind has a fair chance. */
    static KernelProgram generate(long seed, int size) {
        return new RandomKernels(seed).program(size);
    }

    private KernelProgram program(int size) {
        floats.add(Buf.input(name("image"), TestKernels.f32(B, 1 + r.nextInt(4), 5 + r.nextInt(5), 5 + r.nextInt(5))));
        floats.add(Buf.input(name("tokens"), TestKernels.f32(B, S, 1 + r.nextInt(8))));
        KernelOp[] ops = KernelOp.values();
        for (int made = 0, tries = 0; made < size && tries < 20 * size; tries++) {
            Kernel k = make(ops[r.nextInt(ops.length)]);
            if (k == null) continue;
            g.add(k);
            made++;
            DType dt = k.out().type().dtype();
            if (dt == DType.F32) floats.add(k.out());
            else if (List.of(INDEX_TYPES).contains(dt)) indices.add(k.out());
        }
        List<Buf> arena = floats.stream().filter(b -> b.space() == Space.ARENA).toList();
        for (int i = 0, n = 1 + r.nextInt(2); i < n && !arena.isEmpty(); i++) {
            Buf src = arena.get(r.nextInt(arena.size()));
            DType dt = new DType[] {DType.F32, DType.F16, DType.BF16}[r.nextInt(3)];
            g.add(new Elementwise(Buf.output(name("out" + i), src.type().withDType(dt)), List.of(src), expr(2, 1)));
        }
        return g.build(r.nextBoolean() ? "Random" + r.nextInt(100) : "random model");
    }

    private Kernel make(KernelOp op) {
        return switch (op) {
            case ELEMENTWISE -> elementwise();
            case MATMUL -> matmul();
            case CONV2D -> conv2d();
            case MAX_POOL2D, AVG_POOL2D -> pool(op == KernelOp.MAX_POOL2D ? PoolKind.MAX : PoolKind.AVG);
            case REDUCE_SUM, REDUCE_MEAN, REDUCE_MAX -> reduce(ReduceKind.values()[op.ordinal() - KernelOp.REDUCE_SUM.ordinal()]);
            case SOFTMAX, LOG_SOFTMAX -> {
                Buf x = pick(b -> b.type().rank() >= 1, true);
                double scale = new double[] {1.0, 1.0, 0.125, -0.5, 3.0e-7}[r.nextInt(5)];
                yield new Softmax(g.arena(x.type()), x, r.nextInt(x.type().rank()), scale, op == KernelOp.LOG_SOFTMAX);
            }
            case LAYER_NORM -> layerNorm();
            case TRANSPOSE -> transpose();
            case SLICE -> slice();
            case CONCAT -> concat();
            case GATHER -> gather();
            case IOTA -> {
                DType dt = DType.values()[r.nextInt(DType.values().length)];
                TensorType t = new TensorType(dt, randomShape());
                yield new Iota(g.arena(t), r.nextInt(t.rank()));
            }
        };
    }

    private Kernel elementwise() {
        Buf base = pick(b -> true, true);
        List<Dim> dims = base.type().shape().dims();
        List<Buf> ins = new ArrayList<>(List.of(base));
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            if (r.nextBoolean()) {
                ins.add(base);
                continue;
            }
            // A weight broadcasting to the base: a suffix of its dims, some of them 1.
            List<Dim> suffix = new ArrayList<>(dims.subList(r.nextInt(dims.size() + 1), dims.size()));
            suffix.replaceAll(d -> r.nextInt(3) == 0 ? Dim.of(1) : d);
            ins.add(Buf.weight(name("scale"), new TensorType(DType.F32, new Shape(suffix))));
        }
        Collections.shuffle(ins, r);
        return new Elementwise(g.arena(base.type()), ins, expr(3, ins.size()));
    }

    private Kernel matmul() {
        Buf a = pick(b -> b.type().rank() >= 2, true);
        List<Dim> d = a.type().shape().dims();
        boolean transA = r.nextBoolean(), transB = r.nextBoolean();
        Dim m = d.get(d.size() - (transA ? 1 : 2)), k = d.get(d.size() - (transA ? 2 : 1)), n = Dim.of(1 + r.nextInt(6));
        Buf b = Buf.weight(name("fc.weight"), TestKernels.f32(transB ? n : k, transB ? k : n));
        Buf bias = r.nextBoolean() ? Buf.weight(name("fc.bias"), TestKernels.f32(n)) : null;
        List<Dim> out = new ArrayList<>(d.subList(0, d.size() - 2));
        out.add(m);
        out.add(n);
        Buf o = g.arena(new TensorType(DType.F32, new Shape(out)));
        return new MatMul(o, a, b, bias, transA, transB, epilogue(o));
    }

    /**
     * None, relu, or an expression of the result and up to two bufs that broadcast to it: an
     * earlier result of the output's shape (a residual) or a weight of its trailing dims.
     */
    private Kernel.Epilogue epilogue(Buf out) {
        switch (r.nextInt(4)) {
            case 0: return Kernel.Epilogue.NONE;
            case 1: return Kernel.Epilogue.RELU;
            default: break;
        }
        List<Dim> dims = out.type().shape().dims();
        List<Buf> ins = new ArrayList<>();
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            List<Buf> same = floats.stream().filter(b -> b.type().shape().equals(out.type().shape())).toList();
            if (!same.isEmpty() && r.nextBoolean()) {
                ins.add(same.get(r.nextInt(same.size())));
            } else {
                List<Dim> suffix = new ArrayList<>(dims.subList(r.nextInt(dims.size() + 1), dims.size()));
                suffix.replaceAll(d -> r.nextInt(3) == 0 ? Dim.of(1) : d);
                ins.add(Buf.weight(name("epilogue"), new TensorType(DType.F32, new Shape(suffix))));
            }
        }
        return new Kernel.Epilogue(ins, expr(3, ins.size() + 1));
    }

    private Kernel conv2d() {
        Kernel.Layout layout = r.nextBoolean() ? Kernel.Layout.NCHW : Kernel.Layout.NHWC;
        // An NHWC convolution may also read an NCHW x.
        Kernel.Layout inputLayout = layout == Kernel.Layout.NHWC && r.nextInt(3) == 0 ? Kernel.Layout.NCHW : layout;
        Buf x = pick(b -> b.type().rank() == 4 && b.type().shape().dims().subList(1, 4).stream().allMatch(Dim::isKnown), false);
        if (x == null) return null;
        int ch = inputLayout == Kernel.Layout.NCHW ? 1 : 3, hi = inputLayout == Kernel.Layout.NCHW ? 2 : 1, wi = hi + 1;
        long c = known(x, ch);
        int groups = divisors(c).get(r.nextInt(divisors(c).size()));
        int o = groups * (1 + r.nextInt(3)), kh = 1 + r.nextInt(3), kw = 1 + r.nextInt(3);
        List<Integer> stride = List.of(1 + r.nextInt(2), 1 + r.nextInt(2)), dilation = List.of(1 + r.nextInt(2), 1 + r.nextInt(2));
        List<Integer> padding = List.of(r.nextInt(2), r.nextInt(2), r.nextInt(2), r.nextInt(2));
        long oh = window(known(x, hi), kh, padding.get(0), padding.get(2), stride.get(0), dilation.get(0));
        long ow = window(known(x, wi), kw, padding.get(1), padding.get(3), stride.get(1), dilation.get(1));
        if (oh < 1 || ow < 1) return null;
        Buf w = Buf.weight(name("conv.weight"), TestKernels.f32(o, c / groups, kh, kw));
        Buf bias = r.nextBoolean() ? Buf.weight(name("conv.bias"), TestKernels.f32(o)) : null;
        Dim n = x.type().shape().dim(0);
        Buf out = g.arena(layout == Kernel.Layout.NCHW ? TestKernels.f32(n, o, oh, ow) : TestKernels.f32(n, oh, ow, o));
        return new Conv2d(out, x, w, bias, stride, padding, dilation, groups, layout, inputLayout, epilogue(out));
    }

    private Kernel pool(PoolKind kind) {
        Kernel.Layout layout = r.nextBoolean() ? Kernel.Layout.NCHW : Kernel.Layout.NHWC;
        int hi = layout == Kernel.Layout.NCHW ? 2 : 1, wi = hi + 1;
        Buf x = pick(b -> b.type().rank() == 4 && b.type().shape().dims().subList(hi, wi + 1).stream().allMatch(Dim::isKnown), false);
        if (x == null) return null;
        List<Integer> kernel = List.of(1 + r.nextInt(3), 1 + r.nextInt(3)), stride = List.of(1 + r.nextInt(2), 1 + r.nextInt(2));
        List<Integer> padding = List.of(r.nextInt(kernel.get(0) / 2 + 1), r.nextInt(kernel.get(1) / 2 + 1),
                r.nextInt(kernel.get(0) / 2 + 1), r.nextInt(kernel.get(1) / 2 + 1));
        long oh = window(known(x, hi), kernel.get(0), padding.get(0), padding.get(2), stride.get(0), 1);
        long ow = window(known(x, wi), kernel.get(1), padding.get(1), padding.get(3), stride.get(1), 1);
        if (oh < 1 || ow < 1) return null;
        List<Dim> d = x.type().shape().dims();
        Buf out = g.arena(layout == Kernel.Layout.NCHW ? TestKernels.f32(d.get(0), d.get(1), oh, ow)
                : TestKernels.f32(d.get(0), oh, ow, d.get(3)));
        return new Pool2d(out, x, kind, kernel, stride, padding, r.nextBoolean(), layout);
    }

    private Kernel reduce(ReduceKind kind) {
        Buf x = pick(b -> b.type().rank() >= 1, true);
        int rank = x.type().rank(), from = r.nextInt(rank), to = from + r.nextInt(rank - from);
        boolean keep = r.nextBoolean();
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if (i < from || i > to) out.add(x.type().shape().dim(i));
            else if (keep) out.add(Dim.of(1));
        }
        List<Integer> axes = IntStream.rangeClosed(from, to).boxed().toList();
        return new Reduce(g.arena(x.type().withShape(new Shape(out))), x, kind, axes);
    }

    private Kernel layerNorm() {
        Buf x = pick(b -> b.type().rank() >= 1, true);
        List<Dim> d = x.type().shape().dims();
        int axis = r.nextInt(d.size());
        TensorType p = new TensorType(DType.F32, new Shape(d.subList(axis, d.size())));
        double eps = new double[] {1e-5, 1e-12, 0.001, 0.0}[r.nextInt(4)];
        // Half of them add a residual of x's type (any earlier buf of that type, x itself included).
        Buf residual = r.nextBoolean() ? pick(b -> b.type().equals(x.type()), false) : null;
        return new LayerNorm(g.arena(x.type()), x, Buf.weight(name("ln.weight"), p), Buf.weight(name("ln.bias"), p), residual,
                axis, eps);
    }

    private Kernel transpose() {
        Buf x = pick(b -> b.type().rank() >= 1, true);
        List<Integer> perm = new ArrayList<>(IntStream.range(0, x.type().rank()).boxed().toList());
        Collections.shuffle(perm, r);
        List<Dim> out = perm.stream().map(x.type().shape()::dim).toList();
        return new Transpose(g.arena(x.type().withShape(new Shape(out))), x, List.copyOf(perm));
    }

    private Kernel slice() {
        Buf x = pick(b -> b.type().rank() >= 1, true);
        List<Integer> starts = new ArrayList<>(), steps = new ArrayList<>();
        List<Dim> out = new ArrayList<>();
        for (Dim d : x.type().shape().dims()) {
            if (d instanceof Dim.Known k && k.value() > 0) {
                int start = r.nextInt((int) k.value()), step = 1 + r.nextInt(3);
                starts.add(start);
                steps.add(step);
                out.add(Dim.of((k.value() - start + step - 1) / step));
            } else {
                starts.add(0);
                steps.add(1);
                out.add(d);
            }
        }
        return new Slice(g.arena(x.type().withShape(new Shape(out))), x, starts, steps);
    }

    private Kernel concat() {
        Buf x = pick(b -> b.type().rank() >= 1, true);
        int axis = r.nextInt(x.type().rank());
        List<Buf> xs = new ArrayList<>(List.of(x));
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            if (r.nextBoolean()) {
                xs.add(x);
            } else {
                List<Dim> d = new ArrayList<>(x.type().shape().dims());
                d.set(axis, Dim.of(1 + r.nextInt(4)));
                xs.add(Buf.weight(name("pad"), new TensorType(DType.F32, new Shape(d))));
            }
        }
        Collections.shuffle(xs, r);
        Dim total = Dim.of(0);
        for (Buf b : xs) total = total.plus(b.type().shape().dim(axis));
        List<Dim> out = new ArrayList<>(x.type().shape().dims());
        out.set(axis, total);
        return new Concat(g.arena(x.type().withShape(new Shape(out))), xs, axis);
    }

    private Kernel gather() {
        Buf data = r.nextBoolean() ? pick(b -> b.type().rank() >= 1, false)
                : Buf.weight(name("embedding"), TestKernels.f32(10 + r.nextInt(90), 1 + r.nextInt(16)));
        if (data == null) return null;
        Buf idx = !indices.isEmpty() && r.nextBoolean() ? indices.get(r.nextInt(indices.size()))
                : Buf.input(name("ids"), new TensorType(INDEX_TYPES[r.nextInt(3)], randomShape()));
        if (!List.of(INDEX_TYPES).contains(idx.type().dtype())) return null;
        List<Dim> d = data.type().shape().dims();
        int axis = r.nextInt(d.size());
        List<Dim> out = new ArrayList<>(d.subList(0, axis));
        out.addAll(idx.type().shape().dims());
        out.addAll(d.subList(axis + 1, d.size()));
        return new Gather(g.arena(data.type().withShape(new Shape(out))), data, idx, axis);
    }

    /** A float buf that passes {@code filter}, as a view merging its last two dims now and then. */
    private Buf pick(Predicate<Buf> filter, boolean mayView) {
        List<Buf> ok = floats.stream().filter(filter).toList();
        if (ok.isEmpty()) return null;
        Buf b = ok.get(r.nextInt(ok.size()));
        List<Dim> d = b.type().shape().dims();
        if (mayView && d.size() >= 2 && r.nextInt(6) == 0) {
            List<Dim> merged = new ArrayList<>(d.subList(0, d.size() - 2));
            merged.add(d.get(d.size() - 2).times(d.get(d.size() - 1)));
            Buf view = b.view(b.type().withShape(new Shape(merged)));
            if (filter.test(view)) return view;
        }
        return b;
    }

    private Shape randomShape() {
        List<Dim> d = new ArrayList<>();
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
            d.add(switch (r.nextInt(4)) {
                case 0 -> B;
                case 1 -> S;
                default -> Dim.of(1 + r.nextInt(5));
            });
        }
        return new Shape(d);
    }

    private Expr expr(int depth, int inputs) {
        int choice = r.nextInt(depth <= 0 ? 2 : 5);
        return switch (choice) {
            case 0, 4 -> inputs > 0 ? new Expr.In(r.nextInt(inputs)) : constant();
            case 1 -> constant();
            case 2 -> new Expr.Unary(UnaryFn.values()[r.nextInt(UnaryFn.values().length)], expr(depth - 1, inputs));
            default -> new Expr.Binary(BinaryFn.values()[r.nextInt(BinaryFn.values().length)],
                    expr(depth - 1, inputs), expr(depth - 1, inputs));
        };
    }

    private Expr constant() {
        double v = r.nextBoolean() ? CONSTANTS[r.nextInt(CONSTANTS.length)] : r.nextGaussian() * Math.pow(10, r.nextInt(21) - 10);
        return new Expr.Const(v);
    }

    /** Unique names in the forms real models use, some of which need quotes. */
    private String name(String stem) {
        int n = names++;
        return switch (r.nextInt(5)) {
            case 0 -> "encoder.layer." + n + "." + stem;
            case 1 -> stem + " " + n;
            case 2 -> "block" + n + "/" + stem + "\t\"x\"";
            default -> stem + "_" + n;
        };
    }

    private static long known(Buf b, int axis) { return b.type().shape().dim(axis).known().orElseThrow(); }

    private static long window(long in, int k, int before, int after, int stride, int dilation) {
        long span = in + before + after - (long) dilation * (k - 1) - 1;
        return span < 0 ? 0 : span / stride + 1;
    }

    private static List<Integer> divisors(long n) {
        return IntStream.rangeClosed(1, (int) n).filter(i -> n % i == 0).boxed().toList();
    }
}
