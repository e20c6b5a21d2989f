package dev.nnc.runtime;

/**
 * Conversions between {@code float} and the 16-bit IEEE half (f16) and bfloat16 (bf16)
 * formats, all rounding to nearest, ties to even, as PyTorch and NumPy do.
 *
 * <p>nnc keeps f16 and bf16 tensors in {@code float[]} storage holding values that are
 * exactly representable in the narrow type; {@link #roundToF16} and {@link #roundToBf16}
 * establish that invariant, and the bit conversions are used at file boundaries.
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** The f16 bit pattern's value; every f16 value, subnormals included, is exact as a float. */
    public static float f16BitsToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /**
     * The nearest f16 (ties to even) as a bit pattern; values beyond 65504 by half an ulp or
     * more become infinity, and NaN stays NaN.
     */
    public static short floatToF16Bits(float value) {
        return Float.floatToFloat16(value);
    }

    /** The bf16 bit pattern's value: bf16 is the upper half of a float's bits. */
    public static float bf16BitsToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** The nearest bf16 (ties to even) as a bit pattern; NaN becomes a quiet NaN of the same sign. */
    public static short floatToBf16Bits(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            // Truncating a NaN whose payload sits only in the low half would give infinity.
            return (short) ((bits >>> 16) | 0x0040);
        }
        // Adding 0x7FFF plus the lowest kept bit rounds half-way cases towards an even result;
        // a carry out of the mantissa correctly bumps the exponent, up to infinity.
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** {@code value} rounded to the nearest f16 value, returned as a float. */
    public static float roundToF16(float value) {
        return f16BitsToFloat(floatToF16Bits(value));
    }

    /** {@code value} rounded to the nearest bf16 value, returned as a float. */
    public static float roundToBf16(float value) {
        return bf16BitsToFloat(floatToBf16Bits(value));
    }
}
