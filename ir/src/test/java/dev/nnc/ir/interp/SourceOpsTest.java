package dev.nnc.ir.interp;

import static dev.nnc.ir.interp.InterpTesting.assertLongs;
import static dev.nnc.ir.interp.InterpTesting.assertTensor;
import static dev.nnc.ir.interp.InterpTesting.f32;
import static dev.nnc.ir.interp.InterpTesting.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.nnc.ir.Attrs;
import dev.nnc.ir.Dim;
import dev.nnc.ir.Graph;
import dev.nnc.ir.GraphBuilder;
import dev.nnc.ir.Node;
import dev.nnc.ir.Op;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.Value;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** input, param, constant and iota: the ops whose result type is declared. */
class SourceOpsTest {
    @Test
    void inputAndParamPassTheCallersTensorsThrough() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", new TensorType(DType.F32, Shape.of(2)));
        Value w = b.param("w", new TensorType(DType.F32, Shape.of(2)), "zeros");
        b.output("x", x);
        b.output("w", w);
        b.output("sum", b.add(Op.ADD, x, w));
        Graph g = b.build();
        assertEquals(List.of(Op.INPUT, Op.PARAM, Op.ADD), g.nodes().stream().map(Node::op).toList());
        Tensor xt = f32(shape(2), 1, 2), wt = f32(shape(2), 10, 20);
        // Weights no parameter uses are ignored (a full state dict for a pruned graph).
        Map<String, Tensor> out = Interpreter.run(g, Map.of("x", xt), Map.of("w", wt, "unused", xt));
        assertSame(xt, out.get("x"));
        assertSame(wt, out.get("w"));
        assertTensor(out.get("sum"), DType.F32, shape(2), 11, 22);
    }

    @Test
    void constantFillsItsType() {
        GraphBuilder b = new GraphBuilder("g");
        b.output("scalar", b.constant(2.5, DType.F32));
        b.output("matrix", b.declare(Op.CONSTANT, new TensorType(DType.F32, Shape.of(2, 3)), Attrs.of("value", -1.0)));
        // Integers truncate like a cast; bool is "nonzero".
        b.output("int", b.declare(Op.CONSTANT, new TensorType(DType.I32, Shape.of(2)), Attrs.of("value", -3.9)));
        b.output("bool", b.declare(Op.CONSTANT, new TensorType(DType.BOOL, Shape.of(1)), Attrs.of("value", 0.5)));
        // f16 rounds: 0.1 becomes 0.0999755859375.
        b.output("half", b.declare(Op.CONSTANT, new TensorType(DType.F16, Shape.SCALAR), Attrs.of("value", 0.1)));
        Map<String, Tensor> out = Interpreter.run(b.build(), Map.of(), Map.of());
        assertTensor(out.get("scalar"), DType.F32, shape(), 2.5);
        assertTensor(out.get("matrix"), DType.F32, shape(2, 3), -1, -1, -1, -1, -1, -1);
        assertLongs(out.get("int"), DType.I32, shape(2), -3, -3);
        assertLongs(out.get("bool"), DType.BOOL, shape(1), 1);
        assertTensor(out.get("half"), DType.F16, shape(), 0.0999755859375);
    }

    @Test
    void iotaCountsAlongItsAxis() {
        GraphBuilder b = new GraphBuilder("g");
        b.output("cols", b.declare(Op.IOTA, new TensorType(DType.I64, Shape.of(2, 3)), Attrs.of("axis", 1L)));
        b.output("rows", b.declare(Op.IOTA, new TensorType(DType.F32, Shape.of(2, 3)), Attrs.of("axis", 0L)));
        b.output("last", b.declare(Op.IOTA, new TensorType(DType.I32, Shape.of(2, 2, 2)), Attrs.of("axis", -2L)));
        Map<String, Tensor> out = Interpreter.run(b.build(), Map.of(), Map.of());
        assertLongs(out.get("cols"), DType.I64, shape(2, 3), 0, 1, 2, 0, 1, 2);
        assertTensor(out.get("rows"), DType.F32, shape(2, 3), 0, 0, 0, 1, 1, 1);
        assertLongs(out.get("last"), DType.I32, shape(2, 2, 2), 0, 0, 1, 1, 0, 0, 1, 1);
    }

    @Test
    void iotaAndConstantWithASymbolicShape() {
        // Position ids [B, S] for a batch bound by the input: the declared shape is evaluated.
        GraphBuilder b = new GraphBuilder("g");
        Dim bDim = Dim.sym("B"), sDim = Dim.sym("S");
        b.input("ids", new TensorType(DType.I64, Shape.of(bDim, sDim)));
        b.output("pos", b.declare(Op.IOTA, new TensorType(DType.I64, Shape.of(bDim, sDim)), Attrs.of("axis", 1L)));
        b.output("ones", b.declare(Op.CONSTANT, new TensorType(DType.F32, Shape.of(sDim)), Attrs.of("value", 1.0)));
        Map<String, Tensor> out = Interpreter.run(b.build(),
                Map.of("ids", Tensor.ofLongs(DType.I64, shape(2, 3), new long[6])), Map.of());
        assertLongs(out.get("pos"), DType.I64, shape(2, 3), 0, 1, 2, 0, 1, 2);
        assertTensor(out.get("ones"), DType.F32, shape(3), 1, 1, 1);
    }
}
