package dev.nnc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void floatTensorBasics() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.ofFloats(DType.F32, new int[] {2, 3}, data);
        assertEquals(DType.F32, t.dtype());
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertEquals(2, t.rank());
        assertEquals(6, t.size());
        assertEquals(2, t.dim(0));
        assertEquals(3, t.dim(1));
        assertEquals(3, t.dim(-1));
        assertEquals(2, t.dim(-2));
        assertSame(data, t.floats(), "floats() exposes the backing array, no copy");
        assertEquals(5.0, t.getDouble(4));
        assertEquals("f32[2,3]", t.toString());
    }

    @Test
    void shapeIsCopiedInAndOut() {
        int[] shape = {2, 3};
        Tensor t = Tensor.zeros(DType.F32, shape);
        shape[0] = 99;
        assertEquals(2, t.dim(0));
        t.shape()[1] = 99;
        assertEquals(3, t.dim(1));
    }

    @Test
    void dimOutOfRange() {
        Tensor t = Tensor.zeros(DType.I64, new int[] {4});
        var e = assertThrows(IndexOutOfBoundsException.class, () -> t.dim(1));
        assertTrue(e.getMessage().contains("Axis 1"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> t.dim(-2));
    }

    @Test
    void lengthMustMatchShape() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.ofFloats(DType.F32, new int[] {2, 10}, new float[19]));
        assertEquals("A f32[2,10] tensor has 20 elements, but the data array has 19.", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofLongs(DType.I64, new int[] {3}, new long[4]));
    }

    @Test
    void dtypeKindMustMatchStorage() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.ofFloats(DType.I32, new int[] {1}, new float[1]));
        assertTrue(e.getMessage().contains("Tensor.ofLongs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.ofLongs(DType.BF16, new int[] {1}, new long[1]));
        assertTrue(e.getMessage().contains("Tensor.ofFloats"), e.getMessage());
    }

    @Test
    void negativeDimensionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.F32, new int[] {2, -1}));
    }

    @Test
    void wrongAccessorThrowsIllegalState() {
        Tensor f = Tensor.zeros(DType.F16, new int[] {2});
        Tensor l = Tensor.zeros(DType.BOOL, new int[] {2});
        var e = assertThrows(IllegalStateException.class, f::longs);
        assertTrue(e.getMessage().contains("f16[2]") && e.getMessage().contains("float[]"), e.getMessage());
        e = assertThrows(IllegalStateException.class, l::floats);
        assertTrue(e.getMessage().contains("bool[2]") && e.getMessage().contains("long[]"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> f.getLong(0));
    }

    @Test
    void halfPrecisionValuesAreRoundedOnConstruction() {
        Tensor h = Tensor.ofFloats(DType.F16, new int[] {2}, new float[] {0.1f, 70000f});
        assertEquals(0.0999755859375f, h.floats()[0]);
        assertEquals(Float.POSITIVE_INFINITY, h.floats()[1]);
        Tensor b = Tensor.ofFloats(DType.BF16, new int[] {1}, new float[] {(float) Math.PI});
        assertEquals(3.140625f, b.floats()[0]);
    }

    @Test
    void integerValuesMustFitTheDtype() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.ofLongs(DType.I8, new int[] {2}, new long[] {1, 128}));
        assertEquals("Value 128 at index 1 does not fit i8 (range -128 to 127).", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofLongs(DType.BOOL, new int[] {1}, new long[] {2}));
        assertThrows(IllegalArgumentException.class,
                () -> Tensor.ofLongs(DType.I32, new int[] {1}, new long[] {1L << 31}));
        Tensor ok = Tensor.ofLongs(DType.I32, new int[] {2}, new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE});
        assertEquals(Integer.MIN_VALUE, ok.getLong(0));
    }

    @Test
    void getDoubleWorksForEveryDtype() {
        for (DType d : DType.values()) {
            Tensor t = d.isFloat() ? Tensor.ofFloats(d, new int[] {2}, new float[] {0, 1})
                    : Tensor.ofLongs(d, new int[] {2}, new long[] {0, 1});
            assertEquals(1.0, t.getDouble(1), d.text());
            assertEquals(0.0, t.getDouble(0), d.text());
        }
        Tensor big = Tensor.ofLongs(DType.I64, new int[] {1}, new long[] {-(1L << 40)});
        assertEquals(-(double) (1L << 40), big.getDouble(0));
        assertEquals(-(1L << 40), big.getLong(0));
        assertThrows(IndexOutOfBoundsException.class, () -> big.getDouble(1));
    }

    @Test
    void scalarAndZeros() {
        Tensor s = Tensor.scalar(2.5f);
        assertEquals(0, s.rank());
        assertEquals(1, s.size());
        assertEquals(2.5, s.getDouble(0));
        assertEquals("f32[]", s.toString());
        Tensor z = Tensor.zeros(DType.I8, new int[] {3, 0});
        assertEquals(0, z.size());
        assertEquals(0, z.longs().length);
        Tensor zf = Tensor.zeros(DType.BF16, new int[] {2, 2});
        assertArrayEquals(new float[4], zf.floats());
    }

    @Test
    void reshapeSharesDataAndChecksSize() {
        Tensor t = Tensor.ofFloats(DType.F32, new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        Tensor r = t.reshape(3, 2);
        assertArrayEquals(new int[] {3, 2}, r.shape());
        assertSame(t.floats(), r.floats());
        assertArrayEquals(new int[] {6}, t.reshape(-1).shape());
        assertArrayEquals(new int[] {1, 2, 3}, t.reshape(1, -1, 3).shape());
        var e = assertThrows(IllegalArgumentException.class, () -> t.reshape(4, 2));
        assertEquals("Cannot reshape f32[2,3] (6 elements) to [4,2] (8 elements).", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.reshape(-1, 4));
        assertThrows(IllegalArgumentException.class, () -> t.reshape(-1, -1));
        assertArrayEquals(new int[0], Tensor.scalar(1).reshape(1).reshape().shape());
    }

    @Test
    void shapeString() {
        assertEquals("[2,10]", Tensor.shapeString(new int[] {2, 10}));
        assertEquals("[]", Tensor.shapeString(new int[0]));
        assertEquals("[7]", Tensor.shapeString(new int[] {7}));
    }

    @Test
    void conversionWithinKind() {
        Tensor f = Tensor.ofFloats(DType.F32, new int[] {2}, new float[] {0.1f, -2f});
        Tensor h = f.to(DType.F16);
        assertEquals(DType.F16, h.dtype());
        assertEquals(0.0999755859375f, h.floats()[0]);
        assertEquals(0.1f, f.floats()[0], "the source is not modified");
        assertSame(f, f.to(DType.F32));
        Tensor i = Tensor.ofLongs(DType.I64, new int[] {2}, new long[] {5, -3});
        assertEquals(DType.I8, i.to(DType.I8).dtype());
        assertThrows(IllegalArgumentException.class,
                () -> Tensor.ofLongs(DType.I64, new int[] {1}, new long[] {300}).to(DType.I8));
        assertThrows(IllegalArgumentException.class, () -> f.to(DType.I32));
    }

    @Test
    void valueEquality() {
        Tensor a = Tensor.ofFloats(DType.F32, new int[] {2}, new float[] {1, Float.NaN});
        Tensor b = Tensor.ofFloats(DType.F32, new int[] {2}, new float[] {1, Float.NaN});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, a.reshape(1, 2));
        assertNotEquals(a, Tensor.ofFloats(DType.F16, new int[] {2}, new float[] {1, Float.NaN}));
        assertNotEquals(Tensor.zeros(DType.I32, new int[] {1}), Tensor.zeros(DType.I64, new int[] {1}));
    }
}
