package dev.nnc.ir.interp;

import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * Elementwise rules: unary maps, broadcasting binary ops and casts. Float dtypes compute in
 * double and round once per element; integer dtypes compute in long and wrap to their width.
 */
final class Elementwise {
    private Elementwise() {}

    /**
     * Applies {@code onFloat} to every element of a float tensor, or {@code onLong} to every
     * element of an integer tensor; a null {@code onLong} means the op is float-only.
     */
    static Tensor unary(Tensor x, DoubleUnaryOperator onFloat, LongUnaryOperator onLong, String where) {
        DType dt = x.dtype();
        int n = x.size();
        if (dt.isFloat()) {
            float[] in = x.floats();
            float[] out = new float[n];
            for (int i = 0; i < n; i++) out[i] = Numerics.round(dt, onFloat.applyAsDouble(in[i]));
            return Numerics.floats(dt, x.shape(), out);
        }
        if (onLong == null) Numerics.requireFloat(x, where);
        long[] in = x.longs();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = Numerics.wrap(dt, onLong.applyAsLong(in[i]));
        return Numerics.longs(dt, x.shape(), out);
    }

    /**
     * {@code op(a, b)} with NumPy broadcasting; both operands have the same dtype, which the
     * result keeps. A null {@code onLong} means the op is float-only.
     */
    static Tensor binary(Tensor a, Tensor b, DoubleBinaryOperator onFloat, LongBinaryOperator onLong, String where) {
        DType dt = a.dtype();
        if (b.dtype() != dt) {
            throw new IllegalStateException(where + ": operand dtypes differ: " + a + " and " + b);
        }
        int[] shape = Broadcast.shape(a.shape(), b.shape(), where);
        int[] ia = Broadcast.indexMap(shape, a.shape());
        int[] ib = Broadcast.indexMap(shape, b.shape());
        int n = ia.length;
        if (dt.isFloat()) {
            float[] x = a.floats(), y = b.floats();
            float[] out = new float[n];
            for (int i = 0; i < n; i++) out[i] = Numerics.round(dt, onFloat.applyAsDouble(x[ia[i]], y[ib[i]]));
            return Numerics.floats(dt, shape, out);
        }
        if (onLong == null) Numerics.requireFloat(a, where);
        long[] x = a.longs(), y = b.longs();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = Numerics.wrap(dt, onLong.applyAsLong(x[ia[i]], y[ib[i]]));
        return Numerics.longs(dt, shape, out);
    }

    /**
     * Converts to {@code to}: float to float rounds; float to integer truncates toward zero
     * (as PyTorch's {@code .to(torch.int32)}), saturating at the i64 range and then wrapping
     * to the target width, since PyTorch leaves out-of-range conversions undefined; anything
     * to bool is "nonzero" (NaN included, as in PyTorch); integer to integer wraps.
     */
    static Tensor cast(Tensor x, DType to) {
        int n = x.size();
        int[] shape = x.shape();
        if (x.dtype().isFloat()) {
            float[] in = x.floats();
            if (to.isFloat()) {
                float[] out = new float[n];
                for (int i = 0; i < n; i++) out[i] = Numerics.round(to, in[i]);
                return Numerics.floats(to, shape, out);
            }
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                float v = in[i];
                // (long) truncates toward zero; bool must not: 0.5 is true.
                out[i] = to == DType.BOOL ? (v != 0 || Float.isNaN(v) ? 1 : 0) : Numerics.wrap(to, (long) v);
            }
            return Numerics.longs(to, shape, out);
        }
        long[] in = x.longs();
        if (to.isFloat()) {
            float[] out = new float[n];
            for (int i = 0; i < n; i++) out[i] = Numerics.round(to, (double) in[i]);
            return Numerics.floats(to, shape, out);
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = Numerics.wrap(to, in[i]);
        return Numerics.longs(to, shape, out);
    }

    /** Integer division truncating toward zero, as torch.div(rounding_mode='trunc'). */
    static long divTrunc(long a, long b, String where) {
        if (b == 0) throw new InputError(where + ": integer division by zero");
        return a / b; // Java's / truncates toward zero; MIN_VALUE / -1 wraps, as in two's complement
    }

    /** a^b for integers by repeated squaring; the product wraps like any integer multiply. */
    static long powInt(long base, long exp, String where) {
        if (exp < 0) {
            throw new InputError(where + ": integer " + base + " to the negative power " + exp
                    + " (integers to negative integer powers are not allowed, as in PyTorch)");
        }
        long result = 1;
        long b = base;
        long e = exp;
        while (e > 0) {
            if ((e & 1) != 0) result *= b;
            b *= b;
            e >>>= 1;
        }
        return result;
    }
}
