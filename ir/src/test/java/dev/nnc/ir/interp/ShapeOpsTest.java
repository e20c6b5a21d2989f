package dev.nnc.ir.interp;

import static dev.nnc.ir.interp.InterpTesting.assertLongs;
import static dev.nnc.ir.interp.InterpTesting.assertTensor;
import static dev.nnc.ir.interp.InterpTesting.f32;
import static dev.nnc.ir.interp.InterpTesting.i32;
import static dev.nnc.ir.interp.InterpTesting.i64;
import static dev.nnc.ir.interp.InterpTesting.run1;
import static dev.nnc.ir.interp.InterpTesting.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nnc.ir.Attrs;
import dev.nnc.ir.Dim;
import dev.nnc.ir.Op;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** reshape, flatten, transpose, concat, slice and gather: pure data movement, compared exactly. */
class ShapeOpsTest {
    private static Tensor iota(int[] shape) {
        double[] v = new double[Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) v[i] = i;
        return f32(shape, v);
    }

    private static double[] range(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return v;
    }

    @Test
    void reshapeKeepsRowMajorOrder() {
        Tensor y = run1(Op.RESHAPE, Attrs.of("shape", List.of(Dim.of(3), Dim.of(2))), iota(shape(2, 3)));
        assertTensor(y, DType.F32, shape(3, 2), 0, 1, 2, 3, 4, 5);
    }

    @Test
    void flatten() {
        assertTensor(run1(Op.FLATTEN, iota(shape(2, 2, 2))), DType.F32, shape(2, 4), range(8));
        assertTensor(run1(Op.FLATTEN, Attrs.of("axis", 0L), iota(shape(2, 2, 2))), DType.F32, shape(8), range(8));
        assertTensor(run1(Op.FLATTEN, Attrs.of("axis", -2L), iota(shape(2, 3, 4))), DType.F32, shape(2, 12), range(24));
    }

    @Test
    void transpose2d() {
        // [[0,1,2],[3,4,5]]^T = [[0,3],[1,4],[2,5]]
        Tensor y = run1(Op.TRANSPOSE, Attrs.of("perm", List.of(1L, 0L)), iota(shape(2, 3)));
        assertTensor(y, DType.F32, shape(3, 2), 0, 3, 1, 4, 2, 5);
    }

    @Test
    void transpose3dFollowsTheDefinition() {
        // perm [2,0,1]: y[i][j][k] = x[j][k][i]; x[a][b][c] = 12a + 4b + c.
        Tensor y = run1(Op.TRANSPOSE, Attrs.of("perm", List.of(2L, 0L, 1L)), iota(shape(2, 3, 4)));
        double[] expected = new double[24];
        int n = 0;
        for (int i = 0; i < 4; i++) for (int j = 0; j < 2; j++) for (int k = 0; k < 3; k++) expected[n++] = 12 * j + 4 * k + i;
        assertTensor(y, DType.F32, shape(4, 2, 3), expected);
        // Negative perm entries count from the end: [-1,-3,-2] is [2,0,1].
        assertTensor(run1(Op.TRANSPOSE, Attrs.of("perm", List.of(-1L, -3L, -2L)), iota(shape(2, 3, 4))),
                DType.F32, shape(4, 2, 3), expected);
    }

    @Test
    void concatAlongEachAxis() {
        Tensor a = f32(shape(2, 1), 1, 2), b = f32(shape(2, 2), 3, 4, 5, 6);
        assertTensor(run1(Op.CONCAT, Attrs.of("axis", 1L), a, b), DType.F32, shape(2, 3), 1, 3, 4, 2, 5, 6);
        assertTensor(run1(Op.CONCAT, Attrs.of("axis", -1L), a, b), DType.F32, shape(2, 3), 1, 3, 4, 2, 5, 6);
        Tensor c = f32(shape(1, 2), 7, 8);
        assertTensor(run1(Op.CONCAT, Attrs.of("axis", 0L), b, c, b), DType.F32, shape(5, 2), 3, 4, 5, 6, 7, 8, 3, 4, 5, 6);
        assertLongs(run1(Op.CONCAT, Attrs.of("axis", 0L), i64(shape(1), 1), i64(shape(2), 2, 3)), DType.I64, shape(3), 1, 2, 3);
    }

    private static Attrs slice(long axis, long start, long end, long step) {
        return Attrs.of("axes", List.of(axis), "starts", List.of(start), "ends", List.of(end), "steps", List.of(step));
    }

    @Test
    void slicePythonSemantics() {
        Tensor x = iota(shape(10));
        assertTensor(run1(Op.SLICE, slice(0, -3, 100, 1), x), DType.F32, shape(3), 7, 8, 9); // x[-3:100]
        assertTensor(run1(Op.SLICE, slice(0, 1, -1, 3), x), DType.F32, shape(3), 1, 4, 7); // x[1:-1:3]
        assertTensor(run1(Op.SLICE, slice(0, -100, 2, 1), x), DType.F32, shape(2), 0, 1); // x[-100:2]
        assertTensor(run1(Op.SLICE, slice(0, 8, 2, 1), x), DType.F32, shape(0)); // x[8:2] is empty
        assertTensor(run1(Op.SLICE, slice(0, 0, 10, 4), x), DType.F32, shape(3), 0, 4, 8); // x[::4]
    }

    @Test
    void sliceSeveralAxes() {
        // x = 0..11 as 3x4; x[1:, ::2] with the axes listed out of order.
        Attrs a = Attrs.of("axes", List.of(1L, 0L), "starts", List.of(0L, 1L), "ends", List.of(4L, 3L),
                "steps", List.of(2L, 1L));
        assertTensor(run1(Op.SLICE, a, iota(shape(3, 4))), DType.F32, shape(2, 2), 4, 6, 8, 10);
        assertLongs(run1(Op.SLICE, slice(-1, 1, 3, 1), i32(shape(2, 3), 1, 2, 3, 4, 5, 6)), DType.I32, shape(2, 2),
                2, 3, 5, 6);
    }

    @Test
    void gatherRowsWithNegativeIndices() {
        // data [[1,2],[3,4],[5,6]]; indices [-1, 0] pick rows 2 and 0.
        Tensor y = run1(Op.GATHER, f32(shape(3, 2), 1, 2, 3, 4, 5, 6), i64(shape(2), -1, 0));
        assertTensor(y, DType.F32, shape(2, 2), 5, 6, 1, 2);
    }

    @Test
    void gatherAlongAnInnerAxisWithMatrixIndices() {
        // data [[10,11,12],[20,21,22]]; axis 1 with indices [[0,-1],[1,1]]: y[r][i][j] = data[r][idx[i][j]].
        Tensor y = run1(Op.GATHER, Attrs.of("axis", 1L), f32(shape(2, 3), 10, 11, 12, 20, 21, 22),
                i32(shape(2, 2), 0, -1, 1, 1));
        assertTensor(y, DType.F32, shape(2, 2, 2), 10, 12, 11, 11, 20, 22, 21, 21);
        // An embedding lookup: integer data, scalar index.
        assertLongs(run1(Op.GATHER, i64(shape(3), 7, 8, 9), i64(shape(), 1)), DType.I64, shape(), 8);
    }

    @Test
    void gatherIndexOutOfRangeIsAnInputError() {
        Tensor data = f32(shape(3, 2), 1, 2, 3, 4, 5, 6);
        InputError e = assertThrows(InputError.class, () -> run1(Op.GATHER, data, i64(shape(2), 0, 3)));
        assertEquals("%2 = gather: index 3 is out of range for axis 0 of size 3 (data f32[3,2])", e.getMessage());
        InputError neg = assertThrows(InputError.class, () -> run1(Op.GATHER, data, i64(shape(1), -4)));
        assertEquals("%2 = gather: index -4 is out of range for axis 0 of size 3 (data f32[3,2])", neg.getMessage());
    }
}
