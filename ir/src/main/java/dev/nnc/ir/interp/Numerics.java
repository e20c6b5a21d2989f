package dev.nnc.ir.interp;

import dev.nnc.runtime.DType;
import dev.nnc.runtime.HalfFloats;
import dev.nnc.runtime.Tensor;

/**
 * How a value computed in double (or long) is stored in a tensor of a given dtype. Every rule
 * computes in double and rounds once, here, so the interpreter's only float rounding is the
 * one the result type demands.
 */
final class Numerics {
    private Numerics() {}

    /** {@code v} rounded to the nearest value of the float dtype {@code dt} (ties to even). */
    static float round(DType dt, double v) {
        float f = (float) v;
        return switch (dt) {
            case F32 -> f;
            // double -> float -> half rounds twice; PyTorch's half kernels compute in float and
            // round the float result, so this is the value they produce.
            case F16 -> HalfFloats.roundToF16(f);
            case BF16 -> HalfFloats.roundToBf16(f);
            case I8, I32, I64, BOOL -> throw new IllegalArgumentException(dt + " is not a float dtype");
        };
    }

    /**
     * {@code v} wrapped to the integer dtype {@code dt} as two's complement arithmetic of that
     * width does (PyTorch integer overflow wraps too); bool keeps "nonzero" as 1.
     */
    static long wrap(DType dt, long v) {
        return switch (dt) {
            case I8 -> (byte) v;
            case I32 -> (int) v;
            case I64 -> v;
            case BOOL -> v != 0 ? 1 : 0;
            case F32, F16, BF16 -> throw new IllegalArgumentException(dt + " is not an integer dtype");
        };
    }

    /** A float tensor over {@code data}, whose values are already rounded to {@code dt}. */
    static Tensor floats(DType dt, int[] shape, float[] data) {
        return Tensor.ofFloats(dt, shape, data);
    }

    /** An integer tensor over {@code data}, whose values are already wrapped to {@code dt}. */
    static Tensor longs(DType dt, int[] shape, long[] data) {
        return Tensor.ofLongs(dt, shape, data);
    }

    /** Fails unless {@code t} holds floats: the op has no integer meaning. */
    static void requireFloat(Tensor t, String where) {
        if (!t.dtype().isFloat()) {
            throw new IllegalStateException(where + ": needs a float operand (f32, f16, bf16), got " + t);
        }
    }
}
