package dev.nnc.ir.interp;

import static dev.nnc.ir.interp.InterpTesting.assertClose;
import static dev.nnc.ir.interp.InterpTesting.assertLongs;
import static dev.nnc.ir.interp.InterpTesting.assertTensor;
import static dev.nnc.ir.interp.InterpTesting.f32;
import static dev.nnc.ir.interp.InterpTesting.i32;
import static dev.nnc.ir.interp.InterpTesting.run1;
import static dev.nnc.ir.interp.InterpTesting.shape;

import dev.nnc.ir.Attrs;
import dev.nnc.ir.Op;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reductions, softmax, layer_norm and batch_norm on hand-computed cases. Exact results are
 * compared exactly; others are the float32 rounding of the true value, checked to 1e-7
 * relative (plus 1e-7 absolute where the true value is near zero).
 */
class ReductionAndNormOpsTest {
    private static final double RTOL = 1e-7;
    private static final Tensor X = f32(shape(2, 3), 1, 2, 3, 4, 5, 6);

    private static Attrs axes(boolean keepdims, long... axes) {
        return Attrs.of("axes", java.util.Arrays.stream(axes).boxed().toList(), "keepdims", keepdims);
    }

    @Test
    void reduceSum() {
        assertTensor(run1(Op.REDUCE_SUM, axes(false, 0), X), DType.F32, shape(3), 5, 7, 9);
        assertTensor(run1(Op.REDUCE_SUM, axes(true, 1), X), DType.F32, shape(2, 1), 6, 15);
        assertTensor(run1(Op.REDUCE_SUM, axes(false, 0, -1), X), DType.F32, shape(), 21);
        assertTensor(run1(Op.REDUCE_SUM, axes(true, 1, 0), X), DType.F32, shape(1, 1), 21);
        assertLongs(run1(Op.REDUCE_SUM, axes(false, 1), i32(shape(2, 2), 1, 2, Integer.MAX_VALUE, 1)),
                DType.I32, shape(2), 3, Integer.MIN_VALUE); // integer sums wrap to the width
    }

    @Test
    void reduceSumOfAMiddleAxis() {
        // [2,2,2] summed over axis 1: y[a][c] = x[a][0][c] + x[a][1][c] with x = 0..7.
        Tensor x = f32(shape(2, 2, 2), 0, 1, 2, 3, 4, 5, 6, 7);
        assertTensor(run1(Op.REDUCE_SUM, axes(false, 1), x), DType.F32, shape(2, 2), 2, 4, 10, 12);
    }

    @Test
    void reduceSumAccumulatesInDouble() {
        // 2^24 + 1 + 1 - 2^24 in float would lose both ones; in double it is 2.
        Tensor x = f32(shape(4), 16777216, 1, 1, -16777216);
        assertTensor(run1(Op.REDUCE_SUM, axes(false, 0), x), DType.F32, shape(), 2);
    }

    @Test
    void reduceMean() {
        assertTensor(run1(Op.REDUCE_MEAN, axes(false, -1), X), DType.F32, shape(2), 2, 5);
        assertTensor(run1(Op.REDUCE_MEAN, axes(true, 0), X), DType.F32, shape(1, 3), 2.5, 3.5, 4.5);
    }

    @Test
    void reduceMax() {
        assertTensor(run1(Op.REDUCE_MAX, axes(false, 0), f32(shape(2, 2), -1, 5, -3, Double.NaN)),
                DType.F32, shape(2), -1, Double.NaN);
        assertLongs(run1(Op.REDUCE_MAX, axes(true, 1), i32(shape(2, 2), -5, -7, 3, 2)), DType.I32, shape(2, 1), -5, 3);
    }

    @Test
    void softmaxAndLogSoftmax() {
        // softmax([0, ln 2, ln 3]) = [1, 2, 3] / 6.
        Tensor x = f32(shape(3), 0, Math.log(2), Math.log(3));
        assertClose(run1(Op.SOFTMAX, x), shape(3), RTOL, 0, 1.0 / 6, 2.0 / 6, 3.0 / 6);
        assertClose(run1(Op.LOG_SOFTMAX, x), shape(3), RTOL, 0, Math.log(1.0 / 6), Math.log(2.0 / 6), Math.log(0.5));
    }

    @Test
    void softmaxAlongAxis0AndWithoutOverflow() {
        // Columns [0, ln 3] and [0, 0]: [1/4, 3/4] and [1/2, 1/2].
        Tensor y = run1(Op.SOFTMAX, Attrs.of("axis", 0L), f32(shape(2, 2), 0, 0, Math.log(3), 0));
        assertClose(y, shape(2, 2), RTOL, 0, 0.25, 0.5, 0.75, 0.5);
        // exp(1000) overflows; subtracting the max first does not.
        assertClose(run1(Op.SOFTMAX, f32(shape(2), 1000, 1000)), shape(2), 0, 0, 0.5, 0.5);
        assertClose(run1(Op.LOG_SOFTMAX, f32(shape(2), 1000, 0)), shape(2), RTOL, 0, 0, -1000);
        // -inf takes no share.
        assertClose(run1(Op.SOFTMAX, f32(shape(2), Double.NEGATIVE_INFINITY, 0)), shape(2), 0, 0, 0, 1);
    }

    @Test
    void layerNorm() {
        // x = [1,2,3,4]: mean 2.5, biased variance 1.25; eps 0.75 makes var + eps = 2.
        // y = (x - 2.5) / sqrt 2 * gamma + beta with gamma [1,1,2,2], beta [0,0,0,1].
        Tensor y = run1(Op.LAYER_NORM, Attrs.of("eps", 0.75), f32(shape(1, 4), 1, 2, 3, 4),
                f32(shape(4), 1, 1, 2, 2), f32(shape(4), 0, 0, 0, 1));
        assertClose(y, shape(1, 4), RTOL, 0, -1.5 / Math.sqrt(2), -0.5 / Math.sqrt(2), 1 / Math.sqrt(2),
                3 / Math.sqrt(2) + 1);
    }

    @Test
    void layerNormNormalizesEachRowSeparately() {
        // Rows [1,3] and [10,30]: each becomes [-1, 1] (eps 0), whatever its scale.
        Tensor y = run1(Op.LAYER_NORM, Attrs.of("eps", 0.0), f32(shape(2, 2), 1, 3, 10, 30), f32(shape(2), 1, 1),
                f32(shape(2), 0, 0));
        assertClose(y, shape(2, 2), RTOL, 0, -1, 1, -1, 1);
    }

    @Test
    void batchNormUsesRunningStatisticsPerChannel() {
        // Channel 0: mean 2, var 4 -> (x - 2) / 2. Channel 1: mean 0, var 100, gamma 2, beta 1 -> x / 5 + 1.
        Tensor y = run1(Op.BATCH_NORM, Attrs.of("eps", 0.0), f32(shape(1, 2, 1, 2), 1, 3, 10, 20),
                f32(shape(2), 1, 2), f32(shape(2), 0, 1), f32(shape(2), 2, 0), f32(shape(2), 4, 100));
        assertClose(y, shape(1, 2, 1, 2), RTOL, 0, -0.5, 0.5, 3, 5);
        // Rank 2 [N, C]: no spatial dims.
        Tensor z = run1(Op.BATCH_NORM, Attrs.of("eps", 0.0), f32(shape(2, 2), 1, 10, 3, 20),
                f32(shape(2), 1, 2), f32(shape(2), 0, 1), f32(shape(2), 2, 0), f32(shape(2), 4, 100));
        assertClose(z, shape(2, 2), RTOL, 0, -0.5, 3, 0.5, 5);
    }

    @Test
    void reduceAxesListed() {
        // keepdims defaults to false in the op definition.
        assertTensor(run1(Op.REDUCE_SUM, Attrs.of("axes", List.of(1L)), X), DType.F32, shape(2), 6, 15);
    }
}
