package dev.nnc.ir;

import dev.nnc.runtime.DType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The shape rules of the graph IR ops ({@link Op}): each takes the operand types and the
 * node's attributes and returns the result type, or throws {@link ShapeError} with a
 * user-facing sentence that names the types involved. Bad operands or attributes never
 * produce any other exception.
 *
 * <p>Symbolic dims are computed with {@link Dim} arithmetic. Where a result would need
 * floor division of a symbolic size (a strided window or slice), the rule refuses with a
 * ShapeError rather than guess.
 */
public final class ShapeRules {

    private ShapeRules() {}

    private static final Dim ONE = Dim.of(1);

    // ---------------------------------------------------------------------------------
    // Elementwise

    /** Elementwise unary ops: the result type is the operand type. */
    public static TensorType unary(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 1, 1);
            if (attrs != null && attrs.has("approximate")) {
                String mode = stringAttr(attrs, "approximate");
                if (!mode.equals("none") && !mode.equals("tanh")) {
                    throw new ShapeError("gelu approximate must be \"none\" or \"tanh\", not \"" + mode + "\"");
                }
            }
            if (attrs != null && attrs.has("rate")) {
                double rate = floatAttr(attrs, "rate");
                if (!(rate >= 0 && rate <= 1)) {
                    throw new ShapeError("dropout rate must be between 0 and 1, not " + rate);
                }
            }
            return operands.get(0);
        });
    }

    /** {@code cast}: same shape, element type {@code dtype}. */
    public static TensorType cast(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 1, 1);
            return operands.get(0).withDType(dtypeAttr(attrs, "dtype"));
        });
    }

    /** Binary elementwise ops: equal element types, NumPy broadcasting of the shapes. */
    public static TensorType broadcast(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 2, 2);
            TensorType a = operands.get(0), b = operands.get(1);
            if (a.dtype() != b.dtype()) {
                throw new ShapeError("cannot combine " + a + " with " + b + ": element types "
                        + a.dtype().text() + " vs " + b.dtype().text());
            }
            return new TensorType(a.dtype(), broadcastShapes(a.shape(), b.shape(), "cannot broadcast " + a + " with " + b));
        });
    }

    /**
     * NumPy broadcasting: shapes are aligned at the end; two dims fit when they are equal or
     * one of them is 1.
     *
     * @param what the start of the error message, e.g. "cannot broadcast f32[B,10] with f32[B,12]"
     * @throws ShapeError naming the first dimension that differs
     */
    public static Shape broadcastShapes(Shape x, Shape y, String what) {
        int rx = x.rank(), ry = y.rank(), r = Math.max(rx, ry);
        List<Dim> out = new ArrayList<>(r);
        for (int i = 0; i < r; i++) {
            int ix = i - (r - rx), iy = i - (r - ry);
            Dim dx = ix >= 0 ? x.dims().get(ix) : ONE;
            Dim dy = iy >= 0 ? y.dims().get(iy) : ONE;
            if (dx.equals(dy) || dy.equals(ONE)) {
                out.add(dx);
            } else if (dx.equals(ONE)) {
                out.add(dy);
            } else {
                int shown = rx == ry ? i : i - r;
                throw new ShapeError(what + ": dimension " + shown + " is " + dx + " vs " + dy);
            }
        }
        return new Shape(out);
    }

    // ---------------------------------------------------------------------------------
    // Linear algebra and convolution

    /** {@code [..., M, K] @ [..., K, N] -> [..., M, N]}; the batch dims broadcast. */
    /** A unary op defined on real numbers only (sigmoid, exp, ...): integer tensors are refused. */
    public static TensorType floatUnary(List<TensorType> operands, Attrs attrs) {
        return requireFloat(unary(operands, attrs));
    }

    /** reduce_mean: a reduction whose result is a fraction, so only for floating-point input. */
    public static TensorType reduceMean(List<TensorType> operands, Attrs attrs) {
        return requireFloat(reduce(operands, attrs));
    }

    private static TensorType requireFloat(TensorType t) {
        if (!t.dtype().isFloat()) {
            throw new ShapeError(0, "needs a floating-point operand, but operand 0 is " + t
                    + " (convert it with op.cast(x, dtype: \"f32\"))");
        }
        return t;
    }

    public static TensorType matmul(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 2, 2);
            TensorType a = operands.get(0), b = operands.get(1);
            for (int i = 0; i < 2; i++) {
                TensorType t = operands.get(i);
                if (t.rank() < 2) {
                    throw new ShapeError(i, "matmul needs operands of rank 2 or more, but operand " + i + " is " + t);
                }
            }
            if (a.dtype() != b.dtype()) {
                throw new ShapeError("cannot multiply " + a + " by " + b + ": element types "
                        + a.dtype().text() + " vs " + b.dtype().text());
            }
            Dim k1 = a.shape().dim(-1), k2 = b.shape().dim(-2);
            if (!k1.equals(k2)) {
                throw new ShapeError("cannot multiply " + a + " by " + b + ": inner dimensions (K) are " + k1 + " vs " + k2);
            }
            Shape batchA = new Shape(a.shape().dims().subList(0, a.rank() - 2));
            Shape batchB = new Shape(b.shape().dims().subList(0, b.rank() - 2));
            List<Dim> out = new ArrayList<>(broadcastShapes(batchA, batchB,
                    "cannot broadcast the batch dimensions of " + a + " and " + b).dims());
            out.add(a.shape().dim(-2));
            out.add(b.shape().dim(-1));
            return new TensorType(a.dtype(), new Shape(out));
        });
    }

    /**
     * {@code conv2d(x [N,C,H,W], weight [O,C/groups,KH,KW], bias [O]?) -> [N,O,OH,OW]} with
     * {@code OH = (H + top + bottom - dilation*(KH-1) - 1) / stride + 1}.
     */
    public static TensorType conv2d(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 2, 3);
            TensorType x = operands.get(0), w = operands.get(1);
            long[] stride = intsAttr(attrs, "stride", 2, 1);
            long[] padding = intsAttr(attrs, "padding", 4, 0);
            long[] dilation = intsAttr(attrs, "dilation", 2, 1);
            long groups = intAttr(attrs, "groups");
            if (groups < 1) throw new ShapeError("conv2d groups must be at least 1, not " + groups);
            if (x.rank() != 4) {
                throw new ShapeError(0, "conv2d input must have rank 4 [N,C,H,W], but operand 0 is " + x);
            }
            if (w.rank() != 4) {
                throw new ShapeError(1, "conv2d weight must have rank 4 [O,C/groups,KH,KW], but operand 1 is " + w);
            }
            if (!x.dtype().isFloat()) {
                throw new ShapeError(0, "conv2d needs a floating-point input, but operand 0 is " + x);
            }
            if (w.dtype() != x.dtype()) {
                throw new ShapeError(1, "conv2d weight " + w + " must have the input's element type "
                        + x.dtype().text() + ", not " + w.dtype().text());
            }
            Dim c = x.shape().dim(1), o = w.shape().dim(0), cg = w.shape().dim(1);
            Dim expectedC = cg.times(Dim.of(groups));
            if (!c.equals(expectedC)) {
                throw new ShapeError(1, "conv2d input " + x + " has " + c + " channels, but weight " + w
                        + " with groups=" + groups + " expects " + expectedC);
            }
            if (groups > 1) {
                if (!(o instanceof Dim.Known ok)) {
                    throw new ShapeError(1, "conv2d weight " + w + " has a symbolic number of output channels " + o
                            + ", which cannot be checked to be divisible by groups=" + groups);
                }
                if (ok.value() % groups != 0) {
                    throw new ShapeError(1, "conv2d weight " + w + " has " + o
                            + " output channels, which is not divisible by groups=" + groups);
                }
            }
            if (operands.size() == 3) {
                TensorType bias = operands.get(2);
                if (bias.rank() != 1 || !bias.shape().dim(0).equals(o)) {
                    throw new ShapeError(2, "conv2d bias must have shape [" + o + "] to match weight " + w
                            + ", but operand 2 is " + bias);
                }
                if (bias.dtype() != x.dtype()) {
                    throw new ShapeError(2, "conv2d bias " + bias + " must have the input's element type "
                            + x.dtype().text() + ", not " + bias.dtype().text());
                }
            }
            long kh = knownKernel(w, 2), kw = knownKernel(w, 3);
            Dim oh = window("conv2d", x, 2, padding[0], padding[2], kh, stride[0], dilation[0]);
            Dim ow = window("conv2d", x, 3, padding[1], padding[3], kw, stride[1], dilation[1]);
            return new TensorType(x.dtype(), Shape.of(x.shape().dim(0), o, oh, ow));
        });
    }

    /** Max and average pooling over NCHW windows (floor mode, as PyTorch by default). */
    public static TensorType pool2d(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 1, 1);
            TensorType x = operands.get(0);
            long[] kernel = intsAttr(attrs, "kernel", 2, 1);
            long[] stride = intsAttr(attrs, "stride", 2, 1);
            long[] padding = intsAttr(attrs, "padding", 4, 0);
            if (x.rank() != 4) {
                throw new ShapeError(0, "pooling needs an input of rank 4 [N,C,H,W], but operand 0 is " + x);
            }
            requireFloat(x);
            for (int i = 0; i < 4; i++) {
                long k = kernel[i % 2];
                if (padding[i] > k / 2) {
                    throw new ShapeError("pooling padding " + padding[i] + " is more than half the kernel size " + k
                            + " (padding " + ints(padding) + ", kernel " + ints(kernel) + ")");
                }
            }
            Dim oh = window("pooling", x, 2, padding[0], padding[2], kernel[0], stride[0], 1);
            Dim ow = window("pooling", x, 3, padding[1], padding[3], kernel[1], stride[1], 1);
            return new TensorType(x.dtype(), Shape.of(x.shape().dim(0), x.shape().dim(1), oh, ow));
        });
    }

    /** {@code [N, C, H, W] -> [N, C, 1, 1]}. */
    public static TensorType globalPool(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 1, 1);
            TensorType x = operands.get(0);
            if (x.rank() != 4) {
                throw new ShapeError(0, "global pooling needs an input of rank 4 [N,C,H,W], but operand 0 is " + x);
            }
            requireFloat(x);
            return new TensorType(x.dtype(), Shape.of(x.shape().dim(0), x.shape().dim(1), ONE, ONE));
        });
    }

    private static long knownKernel(TensorType w, int axis) {
        Dim k = w.shape().dim(axis);
        if (!(k instanceof Dim.Known kk)) {
            throw new ShapeError(1, "conv2d weight " + w + " must have a known kernel size, but dimension " + axis + " is " + k);
        }
        if (kk.value() < 1) throw new ShapeError(1, "conv2d weight " + w + " has an empty kernel");
        return kk.value();
    }

    /** The output size of a sliding window along {@code axis} (2 = height, 3 = width) of {@code x}. */
    private static Dim window(String op, TensorType x, int axis, long padBefore, long padAfter, long kernel, long stride,
                              long dilation) {
        String axisName = axis == 2 ? "height" : "width";
        Dim in = x.shape().dim(axis);
        long span = Math.addExact(Math.multiplyExact(dilation, kernel - 1), 1);
        long pads = Math.addExact(padBefore, padAfter);
        if (in instanceof Dim.Known k) {
            long padded = Math.addExact(k.value(), pads);
            if (padded < span) {
                throw new ShapeError(0, op + " window of " + span + " (kernel " + kernel
                        + (dilation != 1 ? ", dilation " + dilation : "") + ") is larger than the padded input "
                        + axisName + " " + padded + " of " + x);
            }
            return Dim.of((padded - span) / stride + 1);
        }
        if (stride != 1) {
            throw new ShapeError(0, op + " with stride " + stride + " over the symbolic " + axisName + " " + in + " of " + x
                    + " is not supported: the output size would need floor division");
        }
        long c = pads - span + 1;
        return c >= 0 ? in.plus(Dim.of(c)) : in.minus(Dim.of(-c));
    }

    // ---------------------------------------------------------------------------------
    // Shape manipulation

    /**
     * Same elements, new shape. Element counts must agree: as numbers when both shapes are
     * known; otherwise the products must be equal as dims, or have the same known factor and
     * the same symbolic factors (so {@code [B,64,3,3] -> [B,576]} and
     * {@code [B,S,D] -> [B,S,H,D/H]} are accepted).
     */
    public static TensorType reshape(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 1, 1);
            TensorType x = operands.get(0);
            Shape target = new Shape(shapeAttr(attrs, "shape"));
            if (!sameElementCount(x.shape(), target)) {
                throw new ShapeError("cannot reshape " + x + " to " + target + ": " + numelText(x.shape())
                        + " elements vs " + numelText(target));
            }
            return x.withShape(target);
        });
    }

    /** Collapses dims from {@code axis} to the end into one ({@code torch.flatten(x, axis)}). */
    public static TensorType flatten(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 1, 1);
            TensorType x = operands.get(0);
            long a = intAttr(attrs, "axis");
            if (x.rank() == 0) {
                if (a != 0 && a != -1) throw new ShapeError(0, "flatten axis " + a + " is out of range for the scalar " + x);
                return x.withShape(Shape.of(1));
            }
            int axis = axis(a, x, "flatten axis");
            List<Dim> dims = new ArrayList<>(x.shape().dims().subList(0, axis));
            dims.add(new Shape(x.shape().dims().subList(axis, x.rank())).numel());
            return x.withShape(new Shape(dims));
        });
    }

    /** Permutes dims: result dim i is operand dim perm[i]. */
    public static TensorType transpose(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 1, 1);
            TensorType x = operands.get(0);
            long[] perm = intsAttr(attrs, "perm", -1, Long.MIN_VALUE);
            if (perm.length != x.rank()) {
                throw new ShapeError("transpose perm " + ints(perm) + " has " + perm.length + " entries, but " + x
                        + " has rank " + x.rank());
            }
            List<Dim> dims = new ArrayList<>();
            boolean[] used = new boolean[perm.length];
            for (long p : perm) {
                int ax = axis(p, x, "transpose perm entry");
                if (used[ax]) {
                    throw new ShapeError("transpose perm " + ints(perm) + " is not a permutation of the axes of " + x
                            + ": axis " + ax + " appears twice");
                }
                used[ax] = true;
                dims.add(x.shape().dims().get(ax));
            }
            return x.withShape(new Shape(dims));
        });
    }

    /** Joins the operands along {@code axis}; the other dims and the element types must agree. */
    public static TensorType concat(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 1, Integer.MAX_VALUE);
            TensorType first = operands.get(0);
            if (first.rank() == 0) throw new ShapeError(0, "cannot concatenate the scalar " + first);
            int axis = axis(intAttr(attrs, "axis"), first, "concat axis");
            Dim total = first.shape().dim(axis);
            for (int i = 1; i < operands.size(); i++) {
                TensorType t = operands.get(i);
                String what = "cannot concatenate " + first + " with " + t;
                if (t.dtype() != first.dtype()) {
                    throw new ShapeError(i, what + ": element types " + first.dtype().text() + " vs " + t.dtype().text());
                }
                if (t.rank() != first.rank()) {
                    throw new ShapeError(i, what + ": ranks " + first.rank() + " vs " + t.rank());
                }
                for (int j = 0; j < t.rank(); j++) {
                    Dim a = first.shape().dims().get(j), b = t.shape().dims().get(j);
                    if (j != axis && !a.equals(b)) {
                        throw new ShapeError(i, what + " along axis " + axis + ": dimension " + j + " is " + a + " vs " + b);
                    }
                }
                total = total.plus(t.shape().dim(axis));
            }
            List<Dim> dims = new ArrayList<>(first.shape().dims());
            dims.set(axis, total);
            return first.withShape(new Shape(dims));
        });
    }

    /** Starts or ends at or beyond this magnitude mean "from the start" / "to the end". */
    public static final long OPEN = Integer.MAX_VALUE;

    /**
     * Python-style slicing along each of {@code axes}. On a known dim, starts and ends are
     * clamped as in Python. On a symbolic dim the bounds are assumed to lie inside the dim
     * (the run time checks that); an end of {@link #OPEN} (2^31-1) or more means "to the
     * end", a start of -OPEN or less "from the start". A symbolic slice whose length depends
     * on the dim and whose step is not 1, or that starts from the end and stops at a
     * non-negative index, is refused.
     */
    public static TensorType slice(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 1, 1);
            TensorType x = operands.get(0);
            long[] axes = intsAttr(attrs, "axes", -1, Long.MIN_VALUE);
            long[] starts = intsAttr(attrs, "starts", -1, Long.MIN_VALUE);
            long[] ends = intsAttr(attrs, "ends", -1, Long.MIN_VALUE);
            long[] steps = intsAttr(attrs, "steps", -1, Long.MIN_VALUE);
            if (starts.length != axes.length || ends.length != axes.length || steps.length != axes.length) {
                throw new ShapeError("slice needs one start, end and step per axis, but has " + axes.length + " axes, "
                        + starts.length + " starts, " + ends.length + " ends and " + steps.length + " steps");
            }
            List<Dim> dims = new ArrayList<>(x.shape().dims());
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < axes.length; i++) {
                int ax = axis(axes[i], x, "slice axis");
                if (!seen.add(ax)) throw new ShapeError("slice axes " + ints(axes) + " name axis " + ax + " twice");
                if (steps[i] < 1) throw new ShapeError("slice steps must be positive, but the step for axis " + ax + " is " + steps[i]);
                dims.set(ax, sliceLength(x, ax, starts[i], ends[i], steps[i]));
            }
            return x.withShape(new Shape(dims));
        });
    }

    private static Dim sliceLength(TensorType x, int axis, long start, long end, long step) {
        Dim d = x.shape().dims().get(axis);
        if (d instanceof Dim.Known k) {
            long n = k.value();
            long s = start < 0 ? Math.max(0, start + n) : Math.min(start, n);
            long e = end < 0 ? Math.max(0, end + n) : Math.min(end, n);
            return Dim.of(e > s ? Math.ceilDiv(e - s, step) : 0);
        }
        long s = start <= -OPEN ? 0 : start;
        if (end <= -OPEN) return Dim.of(0);
        boolean toEnd = end >= OPEN;
        String refused = "slice [" + start + ":" + (toEnd ? "" : Long.toString(end)) + ":" + step + "] over the symbolic dimension "
                + d + " of " + x + " is not supported";
        if (s >= 0 && toEnd) {
            if (step != 1) throw new ShapeError(0, refused + ": its length would need floor division");
            return s == 0 ? d : d.minus(Dim.of(s));
        }
        if (s < 0 && toEnd) return Dim.of(Math.ceilDiv(-s, step));
        if ((s >= 0 && end >= 0) || (s < 0 && end < 0)) {
            return Dim.of(end > s ? Math.ceilDiv(end - s, step) : 0);
        }
        if (s >= 0) { // end < 0: from s to end-from-the-end
            if (step != 1) throw new ShapeError(0, refused + ": its length would need floor division");
            return d.minus(Dim.of(Math.subtractExact(s, end)));
        }
        throw new ShapeError(0, refused + ": its length depends on where the start falls");
    }

    /** {@code data[..., indices, ...]} along {@code axis}: shape data[:axis] + indices + data[axis+1:]. */
    public static TensorType gather(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 2, 2);
            TensorType data = operands.get(0), indices = operands.get(1);
            DType it = indices.dtype();
            if (it != DType.I32 && it != DType.I64 && it != DType.I8) {
                throw new ShapeError(1, "gather indices must be integers (i32, i64 or i8), but operand 1 is " + indices);
            }
            if (data.rank() == 0) throw new ShapeError(0, "cannot gather from the scalar " + data);
            int axis = axis(intAttr(attrs, "axis"), data, "gather axis");
            List<Dim> dims = new ArrayList<>(data.shape().dims().subList(0, axis));
            dims.addAll(indices.shape().dims());
            dims.addAll(data.shape().dims().subList(axis + 1, data.rank()));
            return data.withShape(new Shape(dims));
        });
    }

    // ---------------------------------------------------------------------------------
    // Reductions and normalization

    /** Reduces over {@code axes} (at least one, each once), keeping them as 1s if {@code keepdims}. */
    public static TensorType reduce(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 1, 1);
            TensorType x = operands.get(0);
            long[] axes = intsAttr(attrs, "axes", -1, Long.MIN_VALUE);
            boolean keep = boolAttr(attrs, "keepdims");
            if (axes.length == 0) throw new ShapeError("reduction needs at least one axis in axes");
            boolean[] reduced = new boolean[x.rank()];
            for (long a : axes) {
                int ax = axis(a, x, "reduction axis");
                if (reduced[ax]) throw new ShapeError("reduction axes " + ints(axes) + " name axis " + ax + " twice");
                reduced[ax] = true;
            }
            List<Dim> dims = new ArrayList<>();
            for (int i = 0; i < x.rank(); i++) {
                if (!reduced[i]) dims.add(x.shape().dims().get(i));
                else if (keep) dims.add(ONE);
            }
            return x.withShape(new Shape(dims));
        });
    }

    /** Ops along one axis that keep the shape (softmax, log_softmax). */
    public static TensorType axisUnary(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 1, 1);
            TensorType x = operands.get(0);
            axis(intAttr(attrs, "axis"), x, "axis");
            return requireFloat(x);
        });
    }

    /** {@code layer_norm(x, gamma, beta)}: gamma and beta have shape x.shape[axis:]. */
    public static TensorType layerNorm(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 3, 3);
            TensorType x = operands.get(0);
            if (!x.dtype().isFloat()) throw new ShapeError(0, "layer_norm needs a floating-point input, but operand 0 is " + x);
            int axis = axis(intAttr(attrs, "axis"), x, "layer_norm axis");
            checkEps(attrs);
            Shape norm = new Shape(x.shape().dims().subList(axis, x.rank()));
            String[] names = {null, "gamma", "beta"};
            for (int i = 1; i < 3; i++) {
                TensorType t = operands.get(i);
                if (!t.shape().equals(norm)) {
                    throw new ShapeError(i, "layer_norm " + names[i] + " must have shape " + norm + " (the dims of " + x
                            + " from axis " + axis + "), but operand " + i + " is " + t);
                }
                if (t.dtype() != x.dtype()) {
                    throw new ShapeError(i, "layer_norm " + names[i] + " " + t + " must have the input's element type "
                            + x.dtype().text() + ", not " + t.dtype().text());
                }
            }
            return x;
        });
    }

    /** Inference batch norm over channel axis 1: x, then gamma, beta, running mean and running var, each [C]. */
    public static TensorType batchNorm(List<TensorType> operands, Attrs attrs) {
        return guard(() -> {
            count(operands, 5, 5);
            TensorType x = operands.get(0);
            if (x.rank() < 2) throw new ShapeError(0, "batch_norm needs an input of rank 2 or more [N,C,...], but operand 0 is " + x);
            if (!x.dtype().isFloat()) throw new ShapeError(0, "batch_norm needs a floating-point input, but operand 0 is " + x);
            checkEps(attrs);
            Shape c = Shape.of(x.shape().dim(1));
            String[] names = {null, "gamma", "beta", "running mean", "running var"};
            for (int i = 1; i < 5; i++) {
                TensorType t = operands.get(i);
                if (!t.shape().equals(c)) {
                    throw new ShapeError(i, "batch_norm " + names[i] + " must have shape " + c + " (the channels of " + x
                            + "), but operand " + i + " is " + t);
                }
                if (t.dtype() != x.dtype()) {
                    throw new ShapeError(i, "batch_norm " + names[i] + " " + t + " must have the input's element type "
                            + x.dtype().text() + ", not " + t.dtype().text());
                }
            }
            return x;
        });
    }

    private static void checkEps(Attrs attrs) {
        double eps = floatAttr(attrs, "eps");
        if (!(eps >= 0) || Double.isInfinite(eps)) throw new ShapeError("eps must be a finite number of at least 0, not " + eps);
    }

    // ---------------------------------------------------------------------------------
    // Element counts

    /** True when the shapes have the same number of elements, as far as that can be shown. */
    static boolean sameElementCount(Shape a, Shape b) {
        Factors fa = Factors.of(a), fb = Factors.of(b);
        if (fa.num.signum() == 0 || fb.num.signum() == 0) {
            // An empty tensor: equal only if both certainly are.
            return fa.num.signum() == 0 && fb.num.signum() == 0;
        }
        if (fa.den.signum() == 0 || fb.den.signum() == 0) return false;
        if (a.numel().equals(b.numel())) return true;
        return fa.num.multiply(fb.den).equals(fb.num.multiply(fa.den)) && fa.atoms.equals(fb.atoms);
    }

    /** A product of dims as a rational constant times symbolic atoms with (signed) exponents. */
    private static final class Factors {
        BigInteger num = BigInteger.ONE, den = BigInteger.ONE;
        final Map<Dim, Integer> atoms = new HashMap<>();

        static Factors of(Shape s) {
            Factors f = new Factors();
            for (Dim d : s.dims()) f.add(d, 1);
            f.atoms.values().removeIf(e -> e == 0);
            return f;
        }

        void add(Dim d, int sign) {
            switch (d) {
                case Dim.Known k -> {
                    if (sign > 0) num = num.multiply(BigInteger.valueOf(k.value()));
                    else den = den.multiply(BigInteger.valueOf(k.value()));
                }
                case Dim.Expr e when e.op() == '*' -> {
                    add(e.left(), sign);
                    add(e.right(), sign);
                }
                case Dim.Expr e when e.op() == '/' -> {
                    add(e.left(), sign);
                    add(e.right(), -sign);
                }
                default -> atoms.merge(d, sign, Integer::sum);
            }
        }
    }

    private static String numelText(Shape s) {
        try {
            return s.numel().toString();
        } catch (IllegalArgumentException tooMany) {
            BigInteger n = BigInteger.ONE;
            for (Dim d : s.dims()) {
                if (!(d instanceof Dim.Known k)) return "too many";
                n = n.multiply(BigInteger.valueOf(k.value()));
            }
            return n.toString();
        }
    }

    // ---------------------------------------------------------------------------------
    // Helpers

    /** Runs a rule, turning dimension arithmetic that fails (negative, overflowing) into a ShapeError. */
    private static TensorType guard(Supplier<TensorType> rule) {
        try {
            return rule.get();
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new ShapeError("the result shape cannot be computed: " + e.getMessage());
        }
    }

    private static void count(List<TensorType> operands, int min, int max) {
        if (operands == null) throw new ShapeError("no operand list");
        int n = operands.size();
        if (n < min || n > max) {
            String want = min == max ? min + (min == 1 ? " operand" : " operands")
                    : max == Integer.MAX_VALUE ? "at least " + min + (min == 1 ? " operand" : " operands")
                    : min + " to " + max + " operands";
            throw new ShapeError("expected " + want + " but got " + n);
        }
        for (int i = 0; i < n; i++) {
            TensorType t = operands.get(i);
            if (t == null || t.dtype() == null || t.shape() == null) throw new ShapeError(i, "operand " + i + " has no type");
        }
    }

    /** Normalizes a possibly negative axis of {@code t}. */
    private static int axis(long axis, TensorType t, String what) {
        int rank = t.rank();
        if (axis < -rank || axis >= rank) {
            throw new ShapeError(what + " " + axis + " is out of range for " + t + ", which has rank " + rank);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    private static Object raw(Attrs attrs, String name) {
        Object v = attrs == null ? null : attrs.values().get(name);
        if (v == null) throw new ShapeError("missing attribute '" + name + "'");
        return v;
    }

    private static String describe(Object v) {
        String kind = switch (v) {
            case Long l -> "an integer";
            case Double d -> "a float";
            case Boolean b -> "a bool";
            case String s -> "a string";
            case DType d -> "a dtype";
            case List<?> l -> "a list";
            default -> "a value of type " + v.getClass().getSimpleName();
        };
        return kind + " (" + IrPrinter.value(v) + ")";
    }

    private static long intAttr(Attrs attrs, String name) {
        if (raw(attrs, name) instanceof Long l) return l;
        throw new ShapeError("attribute '" + name + "' must be an integer, but is " + describe(raw(attrs, name)));
    }

    private static double floatAttr(Attrs attrs, String name) {
        if (raw(attrs, name) instanceof Double d) return d;
        throw new ShapeError("attribute '" + name + "' must be a float, but is " + describe(raw(attrs, name)));
    }

    private static boolean boolAttr(Attrs attrs, String name) {
        if (raw(attrs, name) instanceof Boolean b) return b;
        throw new ShapeError("attribute '" + name + "' must be a bool, but is " + describe(raw(attrs, name)));
    }

    private static String stringAttr(Attrs attrs, String name) {
        if (raw(attrs, name) instanceof String s) return s;
        throw new ShapeError("attribute '" + name + "' must be a string, but is " + describe(raw(attrs, name)));
    }

    private static DType dtypeAttr(Attrs attrs, String name) {
        if (raw(attrs, name) instanceof DType d) return d;
        throw new ShapeError("attribute '" + name + "' must be a dtype, but is " + describe(raw(attrs, name)));
    }

    /**
     * An INTS attribute; {@code length} is the required length (or -1 for any) and {@code min}
     * the least allowed entry.
     */
    private static long[] intsAttr(Attrs attrs, String name, int length, long min) {
        Object v = raw(attrs, name);
        if (!(v instanceof List<?> list) || !list.stream().allMatch(e -> e instanceof Long)) {
            throw new ShapeError("attribute '" + name + "' must be a list of integers, but is " + describe(v));
        }
        long[] out = list.stream().mapToLong(e -> (Long) e).toArray();
        if (length >= 0 && out.length != length) {
            throw new ShapeError("attribute '" + name + "' must have " + length + " entries, but is " + ints(out));
        }
        for (long e : out) {
            if (e < min) {
                throw new ShapeError("attribute '" + name + "' entries must be at least " + min + ", but it is " + ints(out));
            }
            if (min > Long.MIN_VALUE && e > OPEN) {
                throw new ShapeError("attribute '" + name + "' entries must be at most " + OPEN + ", but it is " + ints(out));
            }
        }
        return out;
    }

    private static List<Dim> shapeAttr(Attrs attrs, String name) {
        Object v = raw(attrs, name);
        if (!(v instanceof List<?> list) || !list.stream().allMatch(e -> e instanceof Dim)) {
            throw new ShapeError("attribute '" + name + "' must be a shape, but is " + describe(v));
        }
        return list.stream().map(e -> (Dim) e).toList();
    }

    private static String ints(long[] values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) sb.append(i == 0 ? "" : ",").append(values[i]);
        return sb.append(']').toString();
    }
}
