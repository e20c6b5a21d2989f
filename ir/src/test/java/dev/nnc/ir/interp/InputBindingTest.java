package dev.nnc.ir.interp;

import static dev.nnc.ir.interp.InterpTesting.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nnc.ir.Attrs;
import dev.nnc.ir.Dim;
import dev.nnc.ir.Graph;
import dev.nnc.ir.GraphBuilder;
import dev.nnc.ir.Op;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.Value;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checking inputs and weights against the declared types, and binding symbolic dims: every message. */
class InputBindingTest {
    private static final Dim B = Dim.sym("B"), S = Dim.sym("S");

    private static Tensor zeros(DType dt, int... shape) {
        return Tensor.zeros(dt, shape);
    }

    /** image: f32[B,1,28,28] -> flatten. */
    private static Graph mnist() {
        GraphBuilder b = new GraphBuilder("mnist");
        Value x = b.input("image", new TensorType(DType.F32, Shape.of(B, Dim.of(1), Dim.of(28), Dim.of(28))));
        b.output("flat", b.add(Op.FLATTEN, x));
        return b.build();
    }

    /** ids: i64[B,S], mask: f32[B,S] -> ids cast to f32 times mask. */
    private static Graph bert() {
        GraphBuilder b = new GraphBuilder("bert");
        Value ids = b.input("ids", new TensorType(DType.I64, Shape.of(B, S)));
        Value mask = b.input("mask", new TensorType(DType.F32, Shape.of(B, S)));
        Value f = b.add(Op.CAST, List.of(ids), Attrs.of("dtype", DType.F32));
        b.output("y", b.add(Op.MUL, f, mask));
        return b.build();
    }

    private static String error(Graph g, Map<String, Tensor> inputs) {
        return assertThrows(InputError.class, () -> Interpreter.run(g, inputs, Map.of())).getMessage();
    }

    @Test
    void symbolicBatchBindsToWhateverComes() {
        for (int batch : new int[] {1, 2, 5}) {
            Tensor y = Interpreter.run(mnist(), Map.of("image", zeros(DType.F32, batch, 1, 28, 28)), Map.of()).get("flat");
            assertArrayEquals(shape(batch, 784), y.shape());
        }
    }

    @Test
    void knownDimensionMismatch() {
        assertEquals("input 'image': expected f32[B,1,28,28] but got f32[2,3,28,28] (dimension 1 is 1, got 3)",
                error(mnist(), Map.of("image", zeros(DType.F32, 2, 3, 28, 28))));
    }

    @Test
    void dtypeMismatch() {
        assertEquals("input 'image': expected f32[B,1,28,28] but got f16[2,1,28,28] (dtype is f32, got f16)",
                error(mnist(), Map.of("image", zeros(DType.F16, 2, 1, 28, 28))));
    }

    @Test
    void rankMismatch() {
        assertEquals("input 'image': expected f32[B,1,28,28] but got f32[2,28,28] (rank is 4, got 3)",
                error(mnist(), Map.of("image", zeros(DType.F32, 2, 28, 28))));
    }

    @Test
    void symbolBoundByAnEarlierInputMustAgree() {
        assertEquals("input 'mask': dimension 0 is B = 2 (bound by input 'ids'), got 3;"
                        + " expected f32[B,S] but got f32[3,128]",
                error(bert(), Map.of("ids", zeros(DType.I64, 2, 128), "mask", zeros(DType.F32, 3, 128))));
        assertEquals("input 'mask': dimension 1 is S = 128 (bound by input 'ids'), got 64;"
                        + " expected f32[B,S] but got f32[2,64]",
                error(bert(), Map.of("ids", zeros(DType.I64, 2, 128), "mask", zeros(DType.F32, 2, 64))));
    }

    @Test
    void symbolRepeatedWithinOneInput() {
        GraphBuilder b = new GraphBuilder("square");
        Dim n = Dim.sym("N");
        b.output("y", b.input("m", new TensorType(DType.F32, Shape.of(n, n))));
        assertEquals("input 'm': dimension 1 is N = 2 (bound by input 'm'), got 3; expected f32[N,N] but got f32[2,3]",
                error(b.build(), Map.of("m", zeros(DType.F32, 2, 3))));
    }

    @Test
    void missingInput() {
        assertEquals("missing input 'mask' (expected f32[B,S])", error(bert(), Map.of("ids", zeros(DType.I64, 2, 4))));
        Map<String, Tensor> withNull = new HashMap<>();
        withNull.put("ids", zeros(DType.I64, 2, 4));
        withNull.put("mask", null);
        assertEquals("missing input 'mask' (expected f32[B,S])", error(bert(), withNull));
    }

    @Test
    void unknownInput() {
        assertEquals("unknown input 'msk'; the model's inputs are 'ids' (i64[B,S]), 'mask' (f32[B,S])",
                error(bert(), Map.of("ids", zeros(DType.I64, 2, 4), "msk", zeros(DType.F32, 2, 4))));
    }

    /** y: f32[S/2] declared before x: f32[B,S], which binds S. */
    private static Graph halves() {
        GraphBuilder b = new GraphBuilder("halves");
        Value y = b.input("y", new TensorType(DType.F32, Shape.of(S.div(Dim.of(2)))));
        b.input("x", new TensorType(DType.F32, Shape.of(B, S)));
        b.output("y", y);
        return b.build();
    }

    @Test
    void compoundDimsAreCheckedAfterAllSymbolsAreBound() {
        Tensor ok = Interpreter.run(halves(), Map.of("y", zeros(DType.F32, 4), "x", zeros(DType.F32, 1, 8)), Map.of())
                .get("y");
        assertArrayEquals(shape(4), ok.shape());
        assertEquals("input 'y': dimension 0 is S/2 = 4, got 5; expected f32[S/2] but got f32[5]",
                error(halves(), Map.of("y", zeros(DType.F32, 5), "x", zeros(DType.F32, 1, 8))));
        assertEquals("input 'y': cannot check dimension 0 (S/2): S/2 = 7/2 is not a whole number;"
                        + " expected f32[S/2] but got f32[3]",
                error(halves(), Map.of("y", zeros(DType.F32, 3), "x", zeros(DType.F32, 1, 7))));
    }

    // ---- weights

    private static Graph dense() {
        GraphBuilder b = new GraphBuilder("dense");
        Value x = b.input("x", new TensorType(DType.F32, Shape.of(B, Dim.of(2))));
        Value w = b.param("fc.weight", new TensorType(DType.F32, Shape.of(2, 3)), "glorot_uniform");
        b.output("y", b.add(Op.MATMUL, x, w));
        return b.build();
    }

    private static String weightError(Map<String, Tensor> weights) {
        return assertThrows(InputError.class,
                () -> Interpreter.run(dense(), Map.of("x", zeros(DType.F32, 1, 2)), weights)).getMessage();
    }

    @Test
    void weightsAreCheckedByNameDtypeAndShape() {
        assertEquals("missing weight 'fc.weight' (expected f32[2,3])", weightError(Map.of()));
        assertEquals("weight 'fc.weight': expected f32[2,3] but got f32[3,2] (dimension 0 is 2, got 3)",
                weightError(Map.of("fc.weight", zeros(DType.F32, 3, 2))));
        assertEquals("weight 'fc.weight': expected f32[2,3] but got bf16[2,3] (dtype is f32, got bf16)",
                weightError(Map.of("fc.weight", zeros(DType.BF16, 2, 3))));
        assertEquals("weight 'fc.weight': expected f32[2,3] but got f32[6] (rank is 2, got 1)",
                weightError(Map.of("fc.weight", zeros(DType.F32, 6))));
    }

    // ---- shapes that only the bound sizes make invalid

    @Test
    void aSliceOfASymbolicDimThatTheInputIsTooShortFor() {
        // x[2:] over f32[S] has type f32[S-2]; with S = 1 the start lies outside the input.
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", new TensorType(DType.F32, Shape.of(S)));
        b.output("y", b.add(Op.SLICE, List.of(x), Attrs.of("axes", List.of(0L), "starts", List.of(2L),
                "ends", List.of((long) Integer.MAX_VALUE), "steps", List.of(1L))));
        Graph g = b.build();
        assertArrayEquals(shape(3), Interpreter.run(g, Map.of("x", zeros(DType.F32, 5)), Map.of()).get("y").shape());
        assertEquals("%1 = slice: with S = 1, dimension 0 of its type f32[S-2] is -1",
                error(g, Map.of("x", zeros(DType.F32, 1))));
    }

    @Test
    void aSliceWithinASymbolicDimWhoseEndTheInputIsTooShortFor() {
        // x[:, 1:3] over f32[B,S] has type f32[B,2]; with S = 2 the end lies outside.
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", new TensorType(DType.F32, Shape.of(B, S)));
        b.output("y", b.add(Op.SLICE, List.of(x), Attrs.of("axes", List.of(1L), "starts", List.of(1L),
                "ends", List.of(3L), "steps", List.of(1L))));
        assertEquals("%1 = slice: end 3 lies outside dimension 1 of size 2, which the model's types assume it lies within",
                error(b.build(), Map.of("x", zeros(DType.F32, 1, 2))));
    }

    @Test
    void aReshapeThatTheBoundSizesDoNotDivide() {
        // [B,S] -> [B,2,S/2]: S must be even.
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", new TensorType(DType.F32, Shape.of(B, S)));
        b.output("y", b.add(Op.RESHAPE, List.of(x), Attrs.of("shape", List.of(B, Dim.of(2), S.div(Dim.of(2))))));
        Graph g = b.build();
        assertArrayEquals(shape(1, 2, 3), Interpreter.run(g, Map.of("x", zeros(DType.F32, 1, 6)), Map.of()).get("y").shape());
        assertEquals("%1 = reshape: with B = 1, S = 5, its type f32[B,2,S/2] is not a valid shape: S/2 = 5/2 is not a whole number",
                error(g, Map.of("x", zeros(DType.F32, 1, 5))));
    }
}
