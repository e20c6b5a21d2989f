package dev.nnc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Known f16/bf16 bit patterns, from the IEEE 754 binary16 and bfloat16 definitions. */
class HalfFloatsTest {
    private static void assertF16(int bits, float value) {
        assertEquals((short) bits, HalfFloats.floatToF16Bits(value), () -> "f16 bits of " + value);
        assertEquals(value, HalfFloats.f16BitsToFloat((short) bits), () -> "f16 value of 0x" + Integer.toHexString(bits));
    }

    private static void assertBf16(int bits, float value) {
        assertEquals((short) bits, HalfFloats.floatToBf16Bits(value), () -> "bf16 bits of " + value);
        assertEquals(value, HalfFloats.bf16BitsToFloat((short) bits), () -> "bf16 value of 0x" + Integer.toHexString(bits));
    }

    @Test
    void f16ExactValues() {
        assertF16(0x3C00, 1.0f);
        assertF16(0xBC00, -1.0f);
        assertF16(0x0000, 0.0f);
        assertF16(0x8000, -0.0f);
        assertF16(0x7BFF, 65504f); // largest finite
        assertF16(0x0400, 0x1p-14f); // smallest normal
        assertF16(0x0001, 0x1p-24f); // smallest subnormal
        assertF16(0x03FF, 1023 * 0x1p-24f); // largest subnormal
        assertF16(0x7C00, Float.POSITIVE_INFINITY);
        assertF16(0xFC00, Float.NEGATIVE_INFINITY);
        assertF16(0x3555, 0.333251953125f);
    }

    @Test
    void f16RoundsToNearestEven() {
        // 1 + 2^-11 is half-way between 1 and 1 + 2^-10: ties go to the even mantissa (1).
        assertEquals((short) 0x3C00, HalfFloats.floatToF16Bits(1f + 0x1p-11f));
        // 1 + 3 * 2^-11 is half-way between 0x3C01 and 0x3C02: the even one is 0x3C02.
        assertEquals((short) 0x3C02, HalfFloats.floatToF16Bits(1f + 3 * 0x1p-11f));
        // Just above half-way rounds up.
        assertEquals((short) 0x3C01, HalfFloats.floatToF16Bits(1f + 0x1p-11f + 0x1p-20f));
        // 65520 is half-way between 65504 and 65536 (which overflows): ties to even give infinity.
        assertEquals((short) 0x7C00, HalfFloats.floatToF16Bits(65520f));
        assertEquals((short) 0x7BFF, HalfFloats.floatToF16Bits(65519f));
        // Subnormal ties: 2^-25 is half of the smallest subnormal and rounds to even (zero);
        // 1.5 * 2^-24 rounds to even (2 * 2^-24).
        assertEquals((short) 0x0000, HalfFloats.floatToF16Bits(0x1p-25f));
        assertEquals((short) 0x0002, HalfFloats.floatToF16Bits(1.5f * 0x1p-24f));
        assertEquals((short) 0x0001, HalfFloats.floatToF16Bits(0x1p-25f + 0x1p-30f));
        assertEquals(0.0999755859375f, HalfFloats.roundToF16(0.1f));
    }

    @Test
    void f16NaNStaysNaN() {
        short bits = HalfFloats.floatToF16Bits(Float.NaN);
        assertEquals(0x7C00, bits & 0x7C00);
        assertTrue((bits & 0x03FF) != 0);
        assertTrue(Float.isNaN(HalfFloats.f16BitsToFloat((short) 0x7E00)));
    }

    @Test
    void bf16ExactValues() {
        assertBf16(0x3F80, 1.0f);
        assertBf16(0xBF80, -1.0f);
        assertBf16(0x0000, 0.0f);
        assertBf16(0x8000, -0.0f);
        assertBf16(0x4049, 3.140625f);
        assertBf16(0x7F7F, 0x1.FEp127f); // largest finite bf16
        assertBf16(0x0001, 0x1p-133f); // smallest subnormal
        assertBf16(0x7F80, Float.POSITIVE_INFINITY);
    }

    @Test
    void bf16RoundsToNearestEven() {
        // float bits 0x3F808000 are half-way between bf16 0x3F80 and 0x3F81: ties to even.
        assertEquals((short) 0x3F80, HalfFloats.floatToBf16Bits(Float.intBitsToFloat(0x3F808000)));
        assertEquals((short) 0x3F82, HalfFloats.floatToBf16Bits(Float.intBitsToFloat(0x3F818000)));
        assertEquals((short) 0x3F81, HalfFloats.floatToBf16Bits(Float.intBitsToFloat(0x3F808001)));
        assertEquals((short) 0x3F80, HalfFloats.floatToBf16Bits(Float.intBitsToFloat(0x3F807FFF)));
        // Rounding up out of the largest finite value overflows to infinity.
        assertEquals((short) 0x7F80, HalfFloats.floatToBf16Bits(Float.MAX_VALUE));
        assertEquals(3.140625f, HalfFloats.roundToBf16((float) Math.PI));
    }

    @Test
    void bf16NaNIsNotTruncatedToInfinity() {
        // A NaN whose payload lies only in the low 16 bits would become infinity if truncated.
        float nan = Float.intBitsToFloat(0x7F800001);
        assertTrue(Float.isNaN(nan));
        assertTrue(Float.isNaN(HalfFloats.roundToBf16(nan)));
        assertTrue(Float.isNaN(HalfFloats.roundToBf16(Float.intBitsToFloat(0xFF800001))));
        assertEquals((short) 0xFFC0, HalfFloats.floatToBf16Bits(Float.intBitsToFloat(0xFF800001)));
    }

    @Test
    void tensorDelegatesMatch() {
        assertEquals(HalfFloats.roundToF16(0.1f), Tensor.roundToF16(0.1f));
        assertEquals(HalfFloats.roundToBf16(0.1f), Tensor.roundToBf16(0.1f));
        assertEquals((short) 0x3C00, Tensor.floatToF16Bits(1f));
        assertEquals((short) 0x3F80, Tensor.floatToBf16Bits(1f));
        assertEquals(65504f, Tensor.f16BitsToFloat((short) 0x7BFF));
        assertEquals(1f, Tensor.bf16BitsToFloat((short) 0x3F80));
    }

    @Test
    void everyF16BitPatternRoundTrips() {
        for (int b = 0; b < 0x10000; b++) {
            float f = HalfFloats.f16BitsToFloat((short) b);
            if (!Float.isNaN(f)) {
                assertEquals((short) b, HalfFloats.floatToF16Bits(f), "f16 0x" + Integer.toHexString(b));
            }
        }
    }

    @Test
    void everyBf16BitPatternRoundTrips() {
        for (int b = 0; b < 0x10000; b++) {
            float f = HalfFloats.bf16BitsToFloat((short) b);
            if (!Float.isNaN(f)) {
                assertEquals((short) b, HalfFloats.floatToBf16Bits(f), "bf16 0x" + Integer.toHexString(b));
            }
        }
    }
}
