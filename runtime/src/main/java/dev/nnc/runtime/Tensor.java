package dev.nnc.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense, row-major tensor: a {@link DType}, a shape and one flat backing array.
 *
 * <p>Float dtypes (F32, F16, BF16) keep their values in a {@code float[]}; F16 and BF16
 * values are stored already rounded to that precision, so arithmetic on them in float and
 * a final rounding reproduces what a half-precision kernel would compute. Integer and
 * bool dtypes (I8, I32, I64, BOOL) keep a {@code long[]}; bools are 0 or 1.
 *
 * <p>Tensors are treated as immutable values. To keep weight loading free of copies, the
 * factories take ownership of the array they are given and {@link #floats()} and
 * {@link #longs()} expose the backing array: code that did not create a tensor must not
 * write to them. A rank-0 tensor (shape {@code []}) is a scalar with one element.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    private final int size;
    private final float[] floats; // non-null exactly when dtype.isFloat()
    private final long[] longs; // non-null exactly when !dtype.isFloat()

    private Tensor(DType dtype, int[] shape, int size, float[] floats, long[] longs) {
        this.dtype = dtype;
        this.shape = shape;
        this.size = size;
        this.floats = floats;
        this.longs = longs;
    }

    /**
     * A float tensor over {@code data}, which the tensor takes over without copying. For
     * F16 and BF16, the values are rounded in place to that precision.
     *
     * @throws IllegalArgumentException if {@code dtype} is not a float dtype, a dimension is
     *     negative, or {@code data.length} differs from the shape's element count
     */
    public static Tensor ofFloats(DType dtype, int[] shape, float[] data) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(data, "data");
        if (!dtype.isFloat()) {
            throw new IllegalArgumentException("Tensor.ofFloats needs a float dtype (f32, f16, bf16), not "
                    + dtype + "; use Tensor.ofLongs for integer and bool tensors.");
        }
        int[] dims = shape.clone();
        int n = checkedSize(dims);
        checkLength(dtype, dims, n, data.length);
        switch (dtype) {
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    data[i] = HalfFloats.roundToF16(data[i]);
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    data[i] = HalfFloats.roundToBf16(data[i]);
                }
            }
            default -> {
            }
        }
        return new Tensor(dtype, dims, n, data, null);
    }

    /**
     * An integer or bool tensor over {@code data}, which the tensor takes over without
     * copying.
     *
     * @throws IllegalArgumentException if {@code dtype} is a float dtype, a dimension is
     *     negative, {@code data.length} differs from the shape's element count, or a value
     *     does not fit the dtype (bools must be 0 or 1)
     */
    public static Tensor ofLongs(DType dtype, int[] shape, long[] data) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(data, "data");
        if (dtype.isFloat()) {
            throw new IllegalArgumentException("Tensor.ofLongs needs an integer or bool dtype (i8, i32, i64, bool), not "
                    + dtype + "; use Tensor.ofFloats for float tensors.");
        }
        int[] dims = shape.clone();
        int n = checkedSize(dims);
        checkLength(dtype, dims, n, data.length);
        long min = minValue(dtype);
        long max = maxValue(dtype);
        for (int i = 0; i < n; i++) {
            long v = data[i];
            if (v < min || v > max) {
                throw new IllegalArgumentException("Value " + v + " at index " + i + " does not fit " + dtype
                        + " (range " + min + " to " + max + ").");
            }
        }
        return new Tensor(dtype, dims, n, null, data);
    }

    /** A tensor of zeros (false for bool). */
    public static Tensor zeros(DType dtype, int[] shape) {
        int n = checkedSize(shape);
        return dtype.isFloat() ? ofFloats(dtype, shape, new float[n]) : ofLongs(dtype, shape, new long[n]);
    }

    /** A rank-0 F32 tensor holding {@code value}. */
    public static Tensor scalar(float value) {
        return new Tensor(DType.F32, new int[0], 1, new float[] {value}, null);
    }

    public DType dtype() {
        return dtype;
    }

    /** The shape, as a fresh copy. */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** The extent of {@code axis}; a negative axis counts from the end, -1 being the last. */
    public int dim(int axis) {
        int a = axis < 0 ? axis + shape.length : axis;
        if (a < 0 || a >= shape.length) {
            throw new IndexOutOfBoundsException("Axis " + axis + " is out of range for " + this + " (rank "
                    + shape.length + ").");
        }
        return shape[a];
    }

    /** The number of elements: the product of the shape, 1 for a scalar. */
    public int size() {
        return size;
    }

    /**
     * The backing array of a float tensor, not a copy: callers that do not own this tensor
     * must not modify it.
     *
     * @throws IllegalStateException if the dtype is not a float dtype
     */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("Tensor " + this + " holds " + dtype
                    + " values in a long[]; floats() is only for f32, f16 and bf16 tensors.");
        }
        return floats;
    }

    /**
     * The backing array of an integer or bool tensor, not a copy: callers that do not own
     * this tensor must not modify it.
     *
     * @throws IllegalStateException if the dtype is a float dtype
     */
    public long[] longs() {
        if (longs == null) {
            throw new IllegalStateException("Tensor " + this + " holds " + dtype
                    + " values in a float[]; longs() is only for i8, i32, i64 and bool tensors.");
        }
        return longs;
    }

    /** The element at {@code flatIndex} (row-major) as a double, for every dtype. */
    public double getDouble(int flatIndex) {
        Objects.checkIndex(flatIndex, size);
        return floats != null ? floats[flatIndex] : longs[flatIndex];
    }

    /**
     * The element at {@code flatIndex} (row-major) of an integer or bool tensor.
     *
     * @throws IllegalStateException for float tensors, whose values need not be integers
     */
    public long getLong(int flatIndex) {
        Objects.checkIndex(flatIndex, size);
        return longs()[flatIndex];
    }

    /**
     * The same data under another shape with the same element count; one dimension may be
     * -1, meaning whatever the element count requires. The backing array is shared.
     */
    public Tensor reshape(int... newShape) {
        int[] dims = newShape.clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1 && inferred < 0) {
                inferred = i;
            } else if (dims[i] < 0) {
                throw new IllegalArgumentException("Cannot reshape " + this + " to " + shapeString(newShape)
                        + ": dimensions must be non-negative, with at most one -1.");
            } else {
                known *= dims[i];
            }
        }
        if (inferred >= 0) {
            if (known == 0 || size % known != 0) {
                throw new IllegalArgumentException("Cannot reshape " + this + " to " + shapeString(newShape)
                        + ": " + size + " elements do not divide into that shape.");
            }
            dims[inferred] = (int) (size / known);
            known = size;
        }
        if (known != size) {
            throw new IllegalArgumentException("Cannot reshape " + this + " (" + size + " elements) to "
                    + shapeString(newShape) + " (" + known + " elements).");
        }
        return new Tensor(dtype, dims, size, floats, longs);
    }

    /**
     * This tensor's values as {@code target}, within the same kind: float to float rounds
     * to the target precision, integer to integer checks that every value fits. Returns
     * this tensor when the dtype already matches.
     *
     * @throws IllegalArgumentException between float and integer/bool dtypes, or when an
     *     integer value does not fit the target
     */
    public Tensor to(DType target) {
        Objects.requireNonNull(target, "target");
        if (target == dtype) {
            return this;
        }
        if (target.isFloat() != dtype.isFloat()) {
            throw new IllegalArgumentException("Cannot convert " + this + " to " + target
                    + ": conversions between float and integer/bool tensors are not supported.");
        }
        return target.isFloat() ? ofFloats(target, shape, floats.clone()) : ofLongs(target, shape, longs.clone());
    }

    /** A shape as nnc prints it: {@code [2,10]}, {@code []} for a scalar. */
    public static String shapeString(int[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(shape[i]);
        }
        return sb.append(']').toString();
    }

    /** Delegates to {@link HalfFloats#roundToF16}. */
    public static float roundToF16(float value) {
        return HalfFloats.roundToF16(value);
    }

    /** Delegates to {@link HalfFloats#roundToBf16}. */
    public static float roundToBf16(float value) {
        return HalfFloats.roundToBf16(value);
    }

    /** Delegates to {@link HalfFloats#f16BitsToFloat}. */
    public static float f16BitsToFloat(short bits) {
        return HalfFloats.f16BitsToFloat(bits);
    }

    /** Delegates to {@link HalfFloats#floatToF16Bits}. */
    public static short floatToF16Bits(float value) {
        return HalfFloats.floatToF16Bits(value);
    }

    /** Delegates to {@link HalfFloats#bf16BitsToFloat}. */
    public static float bf16BitsToFloat(short bits) {
        return HalfFloats.bf16BitsToFloat(bits);
    }

    /** Delegates to {@link HalfFloats#floatToBf16Bits}. */
    public static short floatToBf16Bits(float value) {
        return HalfFloats.floatToBf16Bits(value);
    }

    /** Value equality: same dtype, shape and elements (NaNs with the same bits are equal). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t
                && t.dtype == dtype
                && Arrays.equals(t.shape, shape)
                && (floats != null ? Arrays.equals(t.floats, 0, size, floats, 0, size)
                        : Arrays.equals(t.longs, 0, size, longs, 0, size));
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape))
                + (floats != null ? Arrays.hashCode(floats) : Arrays.hashCode(longs));
    }

    /** The type, such as {@code f32[2,10]}; values are left out, as tensors can be huge. */
    @Override
    public String toString() {
        return dtype.text() + shapeString(shape);
    }

    /**
     * The element count of {@code shape}, for code that fills arrays before wrapping them.
     *
     * @throws IllegalArgumentException for negative dimensions or counts beyond a Java array
     */
    static int elementCount(int[] shape) {
        return checkedSize(shape);
    }

    private static int checkedSize(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Shape " + shapeString(shape) + " has a negative dimension.");
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                // Java arrays top out just below 2^31 elements.
                throw new IllegalArgumentException("Shape " + shapeString(shape)
                        + " has more elements than a Java array can hold.");
            }
        }
        return (int) n;
    }

    private static void checkLength(DType dtype, int[] shape, int expected, int actual) {
        if (expected != actual) {
            throw new IllegalArgumentException("A " + dtype.text() + shapeString(shape) + " tensor has " + expected
                    + " elements, but the data array has " + actual + ".");
        }
    }

    private static long minValue(DType dtype) {
        return switch (dtype) {
            case I8 -> Byte.MIN_VALUE;
            case I32 -> Integer.MIN_VALUE;
            case BOOL -> 0;
            default -> Long.MIN_VALUE;
        };
    }

    private static long maxValue(DType dtype) {
        return switch (dtype) {
            case I8 -> Byte.MAX_VALUE;
            case I32 -> Integer.MAX_VALUE;
            case BOOL -> 1;
            default -> Long.MAX_VALUE;
        };
    }
}
