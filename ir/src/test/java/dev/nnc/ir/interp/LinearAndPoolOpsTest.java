package dev.nnc.ir.interp;

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
 * matmul, conv2d and the pools on hand-computed cases. All inputs and results are small
 * integers or exact binary fractions, so results are compared exactly.
 */
class LinearAndPoolOpsTest {
    private static Tensor iota(int[] shape) {
        double[] v = new double[Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) v[i] = i;
        return f32(shape, v);
    }

    // ---- matmul

    @Test
    void matmul2d() {
        // [[1,2],[3,4]] @ [[5,6],[7,8]] = [[19,22],[43,50]]
        Tensor y = run1(Op.MATMUL, f32(shape(2, 2), 1, 2, 3, 4), f32(shape(2, 2), 5, 6, 7, 8));
        assertTensor(y, DType.F32, shape(2, 2), 19, 22, 43, 50);
    }

    @Test
    void matmulNonSquareAndBroadcastBatch() {
        // [2,1,2] @ [2,1]: the rank-2 operand is shared by both batch entries.
        Tensor y = run1(Op.MATMUL, f32(shape(2, 1, 2), 1, 2, 3, 4), f32(shape(2, 1), 5, 6));
        assertTensor(y, DType.F32, shape(2, 1, 1), 17, 39);
        // [1,2,3] @ [2,3,1]: batch dim 1 stretches to 2.
        Tensor z = run1(Op.MATMUL, f32(shape(1, 2, 3), 1, 0, 0, 0, 1, 0), f32(shape(2, 3, 1), 1, 2, 3, 4, 5, 6));
        assertTensor(z, DType.F32, shape(2, 2, 1), 1, 2, 4, 5);
    }

    @Test
    void matmulOnIntegers() {
        assertLongs(run1(Op.MATMUL, i32(shape(1, 2), 1, 2), i32(shape(2, 1), 3, 4)), DType.I32, shape(1, 1), 11);
    }

    // ---- conv2d

    @Test
    void conv2dIsACrossCorrelationPlusBias() {
        // x = 1..9 as 3x3, w = [[1,0],[0,-1]]: each output is x[i][j] - x[i+1][j+1] = -4.
        Tensor x = f32(shape(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);
        Tensor w = f32(shape(1, 1, 2, 2), 1, 0, 0, -1);
        assertTensor(run1(Op.CONV2D, x, w), DType.F32, shape(1, 1, 2, 2), -4, -4, -4, -4);
        assertTensor(run1(Op.CONV2D, x, w, f32(shape(1), 0.5)), DType.F32, shape(1, 1, 2, 2), -3.5, -3.5, -3.5, -3.5);
    }

    @Test
    void conv2dZeroPadding() {
        // A 3x3 box filter over a 2x2 input padded by 1: every window sees all four values.
        Tensor y = run1(Op.CONV2D, Attrs.of("padding", List.of(1L, 1L, 1L, 1L)),
                f32(shape(1, 1, 2, 2), 1, 2, 3, 4), f32(shape(1, 1, 3, 3), 1, 1, 1, 1, 1, 1, 1, 1, 1));
        assertTensor(y, DType.F32, shape(1, 1, 2, 2), 10, 10, 10, 10);
    }

    @Test
    void conv2dStrideAndDilation() {
        // x = 0..24 as 5x5; a dilated 2x2 box (taps 2 apart) with stride 2 gives 2x2 outputs:
        // out[0][0] = x00+x02+x20+x22 = 0+2+10+12, out[0][1] = 2+4+12+14,
        // out[1][0] = 10+12+20+22, out[1][1] = 12+14+22+24.
        Tensor y = run1(Op.CONV2D, Attrs.of("stride", List.of(2L, 2L), "dilation", List.of(2L, 2L)),
                iota(shape(1, 1, 5, 5)), f32(shape(1, 1, 2, 2), 1, 1, 1, 1));
        assertTensor(y, DType.F32, shape(1, 1, 2, 2), 24, 32, 64, 72);
    }

    @Test
    void conv2dGroupsKeepChannelsApart() {
        // Two channels [3, 5]; groups=2 scales each by its own 1x1 weight [2, 10].
        Tensor x = f32(shape(1, 2, 1, 1), 3, 5);
        assertTensor(run1(Op.CONV2D, Attrs.of("groups", 2L), x, f32(shape(2, 1, 1, 1), 2, 10)),
                DType.F32, shape(1, 2, 1, 1), 6, 50);
        // groups=1 mixes them: [1,1] and [1,-1] give the sum and the difference.
        assertTensor(run1(Op.CONV2D, x, f32(shape(2, 2, 1, 1), 1, 1, 1, -1)), DType.F32, shape(1, 2, 1, 1), 8, -2);
    }

    @Test
    void conv2dBatchAndMultipleOutputChannels() {
        // Batch 2, one input channel, two 1x1 filters (x1 and x-1): checks the N and O strides.
        Tensor y = run1(Op.CONV2D, f32(shape(2, 1, 1, 2), 1, 2, 3, 4), f32(shape(2, 1, 1, 1), 1, -1));
        assertTensor(y, DType.F32, shape(2, 2, 1, 2), 1, 2, -1, -2, 3, 4, -3, -4);
    }

    // ---- pools

    @Test
    void maxPool() {
        Tensor y = run1(Op.MAX_POOL2D, Attrs.of("kernel", List.of(2L, 2L), "stride", List.of(2L, 2L)),
                iota(shape(1, 1, 4, 4)));
        assertTensor(y, DType.F32, shape(1, 1, 2, 2), 5, 7, 13, 15);
    }

    @Test
    void maxPoolPaddingNeverWins() {
        // All inputs negative: a padded zero would win if padding took part.
        Tensor y = run1(Op.MAX_POOL2D, Attrs.of("kernel", List.of(2L, 2L), "stride", List.of(1L, 1L),
                "padding", List.of(1L, 1L, 1L, 1L)), f32(shape(1, 1, 2, 2), -1, -2, -3, -4));
        assertTensor(y, DType.F32, shape(1, 1, 3, 3), -1, -1, -2, -1, -1, -2, -3, -3, -4);
    }

    @Test
    void maxPoolPropagatesNaN() {
        Tensor y = run1(Op.MAX_POOL2D, Attrs.of("kernel", List.of(2L, 2L), "stride", List.of(2L, 2L)),
                f32(shape(1, 1, 2, 4), 1, Double.NaN, 3, 4, 5, 6, 7, 8));
        assertTensor(y, DType.F32, shape(1, 1, 1, 2), Double.NaN, 8);
    }

    @Test
    void avgPoolCountIncludePad() {
        // x = [[1,2],[3,4]], 2x2 windows, stride 1, padding 1: 3x3 windows over the padded 4x4.
        Tensor x = f32(shape(1, 1, 2, 2), 1, 2, 3, 4);
        Attrs base = Attrs.of("kernel", List.of(2L, 2L), "stride", List.of(1L, 1L), "padding", List.of(1L, 1L, 1L, 1L));
        // Including padding every window divides by 4.
        assertTensor(run1(Op.AVG_POOL2D, base, x), DType.F32, shape(1, 1, 3, 3),
                0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1);
        // Excluding it, by the number of real elements.
        Attrs exclude = Attrs.of("kernel", List.of(2L, 2L), "stride", List.of(1L, 1L),
                "padding", List.of(1L, 1L, 1L, 1L), "count_include_pad", false);
        assertTensor(run1(Op.AVG_POOL2D, exclude, x), DType.F32, shape(1, 1, 3, 3),
                1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4);
    }

    @Test
    void avgPoolAsymmetricPadding() {
        // x = 0..8 as 3x3, padding only bottom and right: windows {0,1,3,4}, {2,5}, {6,7}, {8}.
        Tensor x = iota(shape(1, 1, 3, 3));
        Attrs exclude = Attrs.of("kernel", List.of(2L, 2L), "stride", List.of(2L, 2L),
                "padding", List.of(0L, 0L, 1L, 1L), "count_include_pad", false);
        assertTensor(run1(Op.AVG_POOL2D, exclude, x), DType.F32, shape(1, 1, 2, 2), 2, 3.5, 6.5, 8);
        Attrs include = Attrs.of("kernel", List.of(2L, 2L), "stride", List.of(2L, 2L),
                "padding", List.of(0L, 0L, 1L, 1L));
        assertTensor(run1(Op.AVG_POOL2D, include, x), DType.F32, shape(1, 1, 2, 2), 2, 1.75, 3.25, 2);
    }

    @Test
    void globalPools() {
        Tensor x = f32(shape(1, 2, 2, 2), 1, 2, 3, 4, -1, -2, -3, -8);
        assertTensor(run1(Op.GLOBAL_AVG_POOL, x), DType.F32, shape(1, 2, 1, 1), 2.5, -3.5);
        assertTensor(run1(Op.GLOBAL_MAX_POOL, x), DType.F32, shape(1, 2, 1, 1), 4, -1);
    }
}
