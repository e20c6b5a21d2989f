package dev.nnc.ir.kernel;

import java.util.List;

/**
 * One step of a lowered model: a loop nest the backend generates (elementwise) or a call to a
 * tuned primitive (matmul, conv2d, pooling, rows, data movement). Each writes {@link #out()}
 * and reads {@link #ins()}; no kernel reads what it writes unless {@link #inPlace()} says so.
 * Attributes are concrete: only tensor sizes may be symbolic (they come from the bufs' types).
 */
public sealed interface Kernel {

    Buf out();

    /** The bufs read, in the order the text form prints them. */
    List<Buf> ins();

    /** True when the kernel writes over its first input (same storage), which it may only do element by element. */
    default boolean inPlace() { return false; }

    /** Data layout of a 4-d activation: channels second (PyTorch's default) or last. */
    enum Layout {
        NCHW, NHWC;

        public String text() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /**
     * What a matmul or convolution applies to each output element after the product and the
     * bias: {@code expr} where {@code %0} is that element and {@code %i} (i >= 1) is
     * {@code ins[i-1]} broadcast to the output's shape, e.g. {@code relu(add(%0, %1))} for a
     * residual add and relu. Fused here so the intermediate is never stored.
     */
    record Epilogue(List<Buf> ins, Expr expr) {
        public static final Epilogue NONE = new Epilogue(List.of(), new Expr.In(0));
        public static final Epilogue RELU = new Epilogue(List.of(), new Expr.Unary(Expr.UnaryFn.RELU, new Expr.In(0)));

        public Epilogue {
            ins = List.copyOf(ins);
        }

        public boolean isNone() { return equals(NONE); }

        public boolean isRelu() { return equals(RELU); }
    }

    /**
     * {@code out = expr(ins...)}, inputs broadcast to out's shape; a cast when out's dtype
     * differs. Runs in place when input 0 is out's storage with out's shape.
     */
    record Elementwise(Buf out, List<Buf> ins, Expr expr) implements Kernel {
        public Elementwise {
            ins = List.copyOf(ins);
        }

        @Override public boolean inPlace() {
            return !ins.isEmpty() && ins.getFirst().sameStorage(out) && ins.getFirst().type().shape().equals(out.type().shape());
        }
    }

    /**
     * {@code out[..., M, N] = epilogue(op(a)[..., M, K] @ op(b)[..., K, N] + bias[N])}, where
     * op transposes the last two dims when the flag is set (the operand is stored transposed).
     * Batch dims broadcast. {@code bias} may be null.
     */
    record MatMul(Buf out, Buf a, Buf b, Buf bias, boolean transA, boolean transB, Epilogue epilogue) implements Kernel {
        @Override public List<Buf> ins() { return withEpilogue(bias == null ? List.of(a, b) : List.of(a, b, bias), epilogue); }
    }

    /**
     * Convolution with OIHW weights; out is NCHW or NHWC as {@code layout} says, x as
     * {@code inputLayout} says (usually the same; an NHWC convolution may read an NCHW x, which
     * fuses the layout conversion into its patch gather); padding is [top, left, bottom, right];
     * bias (per output channel) may be null.
     *
     * <p>{@code pool}, when not empty, is a max pooling [kh, kw] fused after the epilogue, with
     * stride = window and no padding (floor mode): out holds
     * {@code max(epilogue(conv))} over each kh x kw block of the convolution's output, whose
     * height and width ({@link #convHeight()}, {@link #convWidth()}) are then known numbers.
     * Rows and columns past the last whole block are never computed.
     */
    record Conv2d(Buf out, Buf x, Buf weight, Buf bias, List<Integer> stride, List<Integer> padding,
                  List<Integer> dilation, int groups, Layout layout, Layout inputLayout, Epilogue epilogue,
                  List<Integer> pool) implements Kernel {
        public Conv2d {
            stride = frozen(stride);
            padding = frozen(padding);
            dilation = frozen(dilation);
            pool = frozen(pool);
        }

        /** A convolution without a fused pooling. */
        public Conv2d(Buf out, Buf x, Buf weight, Buf bias, List<Integer> stride, List<Integer> padding,
                      List<Integer> dilation, int groups, Layout layout, Layout inputLayout, Epilogue epilogue) {
            this(out, x, weight, bias, stride, padding, dilation, groups, layout, inputLayout, epilogue, List.of());
        }

        public boolean pooled() { return !pool.isEmpty(); }

        /** The convolution's output height before pooling; x's height and the weight's must be known. */
        public long convHeight() { return convSize(0); }

        /** The convolution's output width before pooling; x's width and the weight's must be known. */
        public long convWidth() { return convSize(1); }

        private long convSize(int axis) {
            int xAxis = inputLayout == Layout.NHWC ? 1 + axis : 2 + axis;
            long in = x.type().shape().dim(xAxis).known().orElseThrow();
            long k = weight.type().shape().dim(2 + axis).known().orElseThrow();
            long span = in + padding.get(axis) + padding.get(axis + 2) - (long) dilation.get(axis) * (k - 1) - 1;
            return Math.floorDiv(span, stride.get(axis)) + 1;
        }

        @Override public List<Buf> ins() {
            return withEpilogue(bias == null ? List.of(x, weight) : List.of(x, weight, bias), epilogue);
        }
    }

    enum PoolKind { MAX, AVG }

    /** Pooling over NCHW or NHWC; padding is [top, left, bottom, right]. */
    record Pool2d(Buf out, Buf x, PoolKind kind, List<Integer> kernel, List<Integer> stride, List<Integer> padding,
                  boolean countIncludePad, Layout layout) implements Kernel {
        public Pool2d {
            kernel = frozen(kernel);
            stride = frozen(stride);
            padding = frozen(padding);
        }

        @Override public List<Buf> ins() { return List.of(x); }
    }

    enum ReduceKind { SUM, MEAN, MAX }

    /** Reduces {@code axes} of x (sorted, contiguous); out has x's shape without them, or with 1s there. */
    record Reduce(Buf out, Buf x, ReduceKind kind, List<Integer> axes) implements Kernel {
        public Reduce {
            axes = frozen(axes);
        }

        @Override public List<Buf> ins() { return List.of(x); }
    }

    /**
     * softmax (or log_softmax) of {@code scale * x} along {@code axis} (non-negative); a scale
     * of 1 is the plain softmax. The scale lets a preceding multiply by a constant (attention's
     * 1/sqrt(d)) be applied while the row is read.
     */
    record Softmax(Buf out, Buf x, int axis, double scale, boolean log) implements Kernel {
        @Override public List<Buf> ins() { return List.of(x); }
    }

    /**
     * Normalizes {@code x + residual} (or x alone when {@code residual} is null) over dims
     * [axis, rank) with biased variance; gamma and beta have shape x[axis:], the residual has
     * x's type. The residual lets a post-norm block's add be done while the row is read.
     */
    record LayerNorm(Buf out, Buf x, Buf gamma, Buf beta, Buf residual, int axis, double eps) implements Kernel {
        @Override public List<Buf> ins() { return residual == null ? List.of(x, gamma, beta) : List.of(x, gamma, beta, residual); }
    }

    /** Permutes dims: out dim i is x dim perm[i]. */
    record Transpose(Buf out, Buf x, List<Integer> perm) implements Kernel {
        public Transpose {
            perm = frozen(perm);
        }

        @Override public List<Buf> ins() { return List.of(x); }
    }

    /**
     * {@code out[i...] = x[starts[d] + i_d * steps[d] ...]}, one start and step per dim (starts normalized, steps >= 1).
     * A symbolic output length over a fixed axis of x is bounded at run time (see {@link SizeLimits}).
     */
    record Slice(Buf out, Buf x, List<Integer> starts, List<Integer> steps) implements Kernel {
        public Slice {
            starts = frozen(starts);
            steps = frozen(steps);
        }

        @Override public List<Buf> ins() { return List.of(x); }
    }

    /** Joins xs along {@code axis} (non-negative). */
    record Concat(Buf out, List<Buf> xs, int axis) implements Kernel {
        public Concat {
            xs = List.copyOf(xs);
        }

        @Override public List<Buf> ins() { return xs; }
    }

    /** {@code out = data[..., indices, ...]} along {@code axis}; indices are an integer buf. */
    record Gather(Buf out, Buf data, Buf indices, int axis) implements Kernel {
        @Override public List<Buf> ins() { return List.of(data, indices); }
    }

    /** Each element is its index along {@code axis}. */
    record Iota(Buf out, int axis) implements Kernel {
        @Override public List<Buf> ins() { return List.of(); }
    }

    /** An unmodifiable copy that keeps nulls, so that the verifier can report a broken kernel instead of failing here. */
    private static <T> List<T> frozen(List<T> list) {
        return list == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(list));
    }

    private static List<Buf> withEpilogue(List<Buf> main, Epilogue epilogue) {
        if (epilogue == null || epilogue.ins().isEmpty()) return main;
        List<Buf> all = new java.util.ArrayList<>(main);
        all.addAll(epilogue.ins());
        return List.copyOf(all);
    }
}
