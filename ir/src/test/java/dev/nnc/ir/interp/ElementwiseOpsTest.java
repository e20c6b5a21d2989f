package dev.nnc.ir.interp;

import static dev.nnc.ir.interp.InterpTesting.assertClose;
import static dev.nnc.ir.interp.InterpTesting.assertLongs;
import static dev.nnc.ir.interp.InterpTesting.assertTensor;
import static dev.nnc.ir.interp.InterpTesting.f32;
import static dev.nnc.ir.interp.InterpTesting.floats;
import static dev.nnc.ir.interp.InterpTesting.i32;
import static dev.nnc.ir.interp.InterpTesting.i64;
import static dev.nnc.ir.interp.InterpTesting.longs;
import static dev.nnc.ir.interp.InterpTesting.run1;
import static dev.nnc.ir.interp.InterpTesting.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.Attrs;
import dev.nnc.ir.Op;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Unary, binary and cast rules on small hand-computed cases. Exact values are compared
 * exactly; values of transcendental functions are the float32 rounding of the true value,
 * checked to 1e-7 relative (just under one float32 ulp).
 */
class ElementwiseOpsTest {
    private static final double F32_RTOL = 1e-7;

    // ---- unary

    @Test
    void negOnFloatsAndWrappingIntegers() {
        assertTensor(run1(Op.NEG, f32(shape(3), 1, -2.5, 0)), DType.F32, shape(3), -1, 2.5, -0.0);
        // -(-2^31) does not fit i32 and wraps back to -2^31, as two's complement negation.
        assertLongs(run1(Op.NEG, i32(shape(2), 5, Integer.MIN_VALUE)), DType.I32, shape(2), -5, Integer.MIN_VALUE);
    }

    @Test
    void abs() {
        assertTensor(run1(Op.ABS, f32(shape(2, 2), -1.5, 2, -0.0, 3)), DType.F32, shape(2, 2), 1.5, 2, 0, 3);
        assertLongs(run1(Op.ABS, i64(shape(2), -7, 7)), DType.I64, shape(2), 7, 7);
    }

    @Test
    void reluKeepsNaN() {
        Tensor y = run1(Op.RELU, f32(shape(4), -1, 0, 2.5, Double.NaN));
        assertTensor(y, DType.F32, shape(4), 0, 0, 2.5, Double.NaN);
        assertLongs(run1(Op.RELU, i32(shape(3), -3, 0, 4)), DType.I32, shape(3), 0, 0, 4);
    }

    @Test
    void sigmoid() {
        // sigmoid(0) = 1/2; sigmoid(ln 3) = 3/4; sigmoid(-ln 3) = 1/4; saturates without NaN.
        Tensor y = run1(Op.SIGMOID, f32(shape(5), 0, Math.log(3), -Math.log(3), 200, -200));
        assertClose(y, shape(5), F32_RTOL, 0, 0.5, 0.75, 0.25, 1, 0);
    }

    @Test
    void tanh() {
        // tanh(atanh(1/2)) = 1/2; atanh(0.5) = 0.5493061443340549.
        Tensor y = run1(Op.TANH, f32(shape(3), 0, 0.5493061443340549, -0.5493061443340549));
        assertClose(y, shape(3), F32_RTOL, 0, 0, 0.5, -0.5);
    }

    @Test
    void geluExactAndTanh() {
        // gelu(1) = 0.5 * (1 + erf(1/sqrt 2)) = Phi(1) = 0.8413447460685429; gelu(-1) = -(1 - Phi(1)).
        Tensor exact = run1(Op.GELU, f32(shape(3), 0, 1, -1));
        assertClose(exact, shape(3), F32_RTOL, 0, 0, 0.8413447460685429, -0.15865525393145707);
        // 0.5 * (1 + tanh(sqrt(2/pi) * 1.044715)) = 0.8411919906082768.
        Tensor tanh = run1(Op.GELU, Attrs.of("approximate", "tanh"), f32(shape(2), 0, 1));
        assertClose(tanh, shape(2), F32_RTOL, 0, 0, 0.8411919906082768);
    }

    @Test
    void erf() {
        Tensor y = run1(Op.ERF, f32(shape(3), 0, 1, -0.5));
        assertClose(y, shape(3), F32_RTOL, 0, 0, 0.8427007929497149, -0.5204998778130465);
    }

    @Test
    void expLogSqrtRsqrt() {
        assertClose(run1(Op.EXP, f32(shape(3), 0, 1, -1)), shape(3), F32_RTOL, 0, 1, Math.E, 1 / Math.E);
        // log(0) = -inf and log(-1) = NaN, as in PyTorch.
        assertClose(run1(Op.LOG, f32(shape(4), 1, 0.5, 0, -1)), shape(4), F32_RTOL, 0,
                0, -0.6931471805599453, Double.NEGATIVE_INFINITY, Double.NaN);
        assertClose(run1(Op.SQRT, f32(shape(3), 4, 2, 0)), shape(3), F32_RTOL, 0, 2, Math.sqrt(2), 0);
        assertClose(run1(Op.RSQRT, f32(shape(3), 4, 0.25, 0)), shape(3), F32_RTOL, 0,
                0.5, 2, Double.POSITIVE_INFINITY);
    }

    @Test
    void floatOnlyUnaryOpsRejectIntegers() {
        // The shape rule refuses the graph before the interpreter's own check is reached.
        dev.nnc.ir.ShapeError e = assertThrows(dev.nnc.ir.ShapeError.class, () -> run1(Op.EXP, i32(shape(1), 1)));
        assertTrue(e.getMessage().contains("needs a floating-point operand"), e.getMessage());
    }

    @Test
    void dropoutIsTheIdentity() {
        Tensor x = f32(shape(2, 2), 1, -2, 3, -4);
        assertTensor(run1(Op.DROPOUT, Attrs.of("rate", 0.9), x), DType.F32, shape(2, 2), 1, -2, 3, -4);
        assertLongs(run1(Op.DROPOUT, i64(shape(2), 1, 2)), DType.I64, shape(2), 1, 2);
    }

    // ---- cast

    @Test
    void castFloatToIntTruncatesTowardZero() {
        Tensor y = run1(Op.CAST, Attrs.of("dtype", DType.I32), f32(shape(5), -2.7, -0.5, 0.5, 2.7, 7));
        assertLongs(y, DType.I32, shape(5), -2, 0, 0, 2, 7);
    }

    @Test
    void castToBoolIsNonzero() {
        Tensor y = run1(Op.CAST, Attrs.of("dtype", DType.BOOL), f32(shape(5), 0, -0.0, 0.25, -3, Double.NaN));
        assertLongs(y, DType.BOOL, shape(5), 0, 0, 1, 1, 1);
        assertLongs(run1(Op.CAST, Attrs.of("dtype", DType.BOOL), i64(shape(3), 0, -5, 2)), DType.BOOL, shape(3), 0, 1, 1);
    }

    @Test
    void castBetweenIntegersWraps() {
        // 300 = 256 + 44; -129 = -256 + 127.
        assertLongs(run1(Op.CAST, Attrs.of("dtype", DType.I8), i64(shape(3), 300, -129, 5)), DType.I8, shape(3), 44, 127, 5);
    }

    @Test
    void castToNarrowFloatsRounds() {
        // 2^24 + 1 is not a float: ties to even gives 2^24.
        assertTensor(run1(Op.CAST, Attrs.of("dtype", DType.F32), i32(shape(2), 16777217, -3)),
                DType.F32, shape(2), 16777216, -3);
        // 1/3 in f16 (11 significant bits) is 0.333251953125; in bf16 (8 bits) 0.333984375.
        assertTensor(run1(Op.CAST, Attrs.of("dtype", DType.F16), f32(shape(1), 1.0 / 3)), DType.F16, shape(1),
                0.333251953125);
        assertTensor(run1(Op.CAST, Attrs.of("dtype", DType.BF16), f32(shape(1), 1.0 / 3)), DType.BF16, shape(1),
                0.333984375);
        assertTensor(run1(Op.CAST, Attrs.of("dtype", DType.F32), longs(DType.BOOL, shape(2), 1, 0)),
                DType.F32, shape(2), 1, 0);
    }

    // ---- binary

    @Test
    void addBroadcastsNumPyStyle() {
        // [2,1] + [3] -> [2,3]: [[1],[10]] + [1,2,3].
        Tensor y = run1(Op.ADD, f32(shape(2, 1), 1, 10), f32(shape(3), 1, 2, 3));
        assertTensor(y, DType.F32, shape(2, 3), 2, 3, 4, 11, 12, 13);
        // A scalar broadcasts against anything, on either side.
        Tensor z = run1(Op.ADD, f32(shape(), 0.5), f32(shape(2, 2), 1, 2, 3, 4));
        assertTensor(z, DType.F32, shape(2, 2), 1.5, 2.5, 3.5, 4.5);
    }

    @Test
    void subAndMulBroadcastInBothDirections() {
        // [1,3] - [2,1]: row i, column j = a[j] - b[i].
        Tensor y = run1(Op.SUB, f32(shape(1, 3), 1, 2, 3), f32(shape(2, 1), 10, 20));
        assertTensor(y, DType.F32, shape(2, 3), -9, -8, -7, -19, -18, -17);
        Tensor m = run1(Op.MUL, f32(shape(2, 2), 1, 2, 3, 4), f32(shape(2, 1), -1, 0.5));
        assertTensor(m, DType.F32, shape(2, 2), -1, -2, 1.5, 2);
    }

    @Test
    void integerArithmeticWrapsToItsWidth() {
        assertLongs(run1(Op.ADD, longs(DType.I8, shape(2), 100, -100), longs(DType.I8, shape(2), 100, -100)),
                DType.I8, shape(2), -56, 56);
        assertLongs(run1(Op.MUL, i32(shape(1), 65536), i32(shape(1), 65536)), DType.I32, shape(1), 0);
        // bool + bool is "or", bool * bool is "and".
        assertLongs(run1(Op.ADD, longs(DType.BOOL, shape(3), 1, 0, 1), longs(DType.BOOL, shape(3), 1, 0, 0)),
                DType.BOOL, shape(3), 1, 0, 1);
    }

    @Test
    void divOnFloatsAndTruncatingOnIntegers() {
        assertTensor(run1(Op.DIV, f32(shape(3), 1, -7, 1), f32(shape(3), 4, 2, 0)), DType.F32, shape(3),
                0.25, -3.5, Double.POSITIVE_INFINITY);
        // torch.div(a, b, rounding_mode='trunc'): 7/2 = 3, -7/2 = -3, 7/-2 = -3, -7/-2 = 3.
        Tensor q = run1(Op.DIV, i64(shape(4), 7, -7, 7, -7), i64(shape(4), 2, 2, -2, -2));
        assertLongs(q, DType.I64, shape(4), 3, -3, -3, 3);
    }

    @Test
    void integerDivisionByZeroIsAnInputError() {
        InputError e = assertThrows(InputError.class, () -> run1(Op.DIV, i32(shape(2), 1, 2), i32(shape(2), 1, 0)));
        assertEquals("%2 = div: integer division by zero", e.getMessage());
    }

    @Test
    void pow() {
        Tensor y = run1(Op.POW, f32(shape(4), 2, 4, -8, 0), f32(shape(4), 3, 0.5, 1.0 / 3, 0));
        // (-8)^(1/3) is NaN for real pow, as in PyTorch; 0^0 = 1.
        assertTensor(y, DType.F32, shape(4), 8, 2, Double.NaN, 1);
        Tensor z = run1(Op.POW, i64(shape(4), 2, 3, -2, 0), i64(shape(4), 10, 0, 3, 0));
        assertLongs(z, DType.I64, shape(4), 1024, 1, -8, 1);
        InputError e = assertThrows(InputError.class, () -> run1(Op.POW, i64(shape(1), 2), i64(shape(1), -1)));
        assertTrue(e.getMessage().startsWith("%2 = pow: integer 2 to the negative power -1"), e.getMessage());
    }

    @Test
    void maximumAndMinimumPropagateNaN() {
        Tensor a = f32(shape(3), 1, 5, Double.NaN), b = f32(shape(3), 2, 3, 0);
        assertTensor(run1(Op.MAXIMUM, a, b), DType.F32, shape(3), 2, 5, Double.NaN);
        assertTensor(run1(Op.MINIMUM, a, b), DType.F32, shape(3), 1, 3, Double.NaN);
        assertLongs(run1(Op.MAXIMUM, i32(shape(2), -1, 4), i32(shape(1), 0)), DType.I32, shape(2), 0, 4);
        assertLongs(run1(Op.MINIMUM, i32(shape(2), -1, 4), i32(shape(1), 0)), DType.I32, shape(2), -1, 0);
    }

    @Test
    void halfPrecisionResultsRoundToNearestEven() {
        double ulpHalf = Math.scalb(1.0, -11); // half an f16 ulp at 1
        // 1 + 2^-11 is exactly between 1 and 1 + 2^-10: the even neighbour, 1, wins.
        Tensor y = run1(Op.ADD, floats(DType.F16, shape(2), 1, 1 + 2 * ulpHalf), floats(DType.F16, shape(2), ulpHalf, ulpHalf));
        assertTensor(y, DType.F16, shape(2), 1, 1 + 4 * ulpHalf);
        // bf16 keeps 8 significant bits: 1 + 2^-8 is a tie that rounds down to 1; 1 + 3*2^-8 rounds up.
        Tensor z = run1(Op.ADD, floats(DType.BF16, shape(2), 1, 1), floats(DType.BF16, shape(2), 0.00390625, 0.01171875));
        assertTensor(z, DType.BF16, shape(2), 1, 1.015625);
    }
}
