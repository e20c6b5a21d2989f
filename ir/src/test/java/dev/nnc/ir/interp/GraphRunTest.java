package dev.nnc.ir.interp;

import static dev.nnc.ir.interp.InterpTesting.assertClose;
import static dev.nnc.ir.interp.InterpTesting.assertTensor;
import static dev.nnc.ir.interp.InterpTesting.det;
import static dev.nnc.ir.interp.InterpTesting.f32;
import static dev.nnc.ir.interp.InterpTesting.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whole graphs: value lifetimes, output order, malformed graphs, and a full-size CNN against PyTorch. */
class GraphRunTest {
    private static final TensorType F32_2 = new TensorType(DType.F32, Shape.of(2));

    @Test
    void valuesUsedManyTimesAndOutputsUsedLaterSurvive() {
        // a = relu(x); b = a + a; c = a * b; an unused node in between. Outputs in declaration order.
        GraphBuilder g = new GraphBuilder("g");
        Value x = g.input("x", F32_2);
        Value a = g.add(Op.RELU, x);
        Value b = g.add(Op.ADD, a, a);
        g.add(Op.NEG, b); // dead
        Value c = g.add(Op.MUL, a, b);
        g.output("c", c);
        g.output("a", a);
        g.output("a_again", a);
        Map<String, Tensor> out = Interpreter.run(g.build(), Map.of("x", f32(shape(2), -1, 3)), Map.of());
        assertEquals(List.of("c", "a", "a_again"), List.copyOf(out.keySet()));
        assertTensor(out.get("c"), DType.F32, shape(2), 0, 18);
        assertTensor(out.get("a"), DType.F32, shape(2), 0, 3);
        assertTensor(out.get("a_again"), DType.F32, shape(2), 0, 3);
    }

    @Test
    void aNodeWhoseDeclaredTypeDisagreesWithItsResultIsCaught() {
        Value x = new Value(0, F32_2);
        Value y = new Value(1, new TensorType(DType.F32, Shape.of(3)));
        Graph g = new Graph("bad", List.of(new Node(x, Op.INPUT, List.of(), Attrs.of("name", "x")),
                new Node(y, Op.RELU, List.of(x), Attrs.NONE)), List.of(new Graph.Output("y", y)));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Interpreter.run(g, Map.of("x", f32(shape(2), 1, 2)), Map.of()));
        assertEquals("%1 = relu: computed f32[2] but the node's type is f32[3]; the graph is ill-typed", e.getMessage());
    }

    @Test
    void aSymbolicTypeThatEvaluatesWrongIsCaughtWithItsValue() {
        Dim b = Dim.sym("B");
        Value x = new Value(0, new TensorType(DType.F32, Shape.of(b)));
        Value y = new Value(1, new TensorType(DType.F32, Shape.of(b.times(Dim.of(2)))));
        Graph g = new Graph("bad", List.of(new Node(x, Op.INPUT, List.of(), Attrs.of("name", "x")),
                new Node(y, Op.NEG, List.of(x), Attrs.NONE)), List.of(new Graph.Output("y", y)));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Interpreter.run(g, Map.of("x", f32(shape(2), 1, 2)), Map.of()));
        assertEquals("%1 = neg: computed f32[2] but the node's type is f32[B*2] = f32[4]; the graph is ill-typed",
                e.getMessage());
    }

    @Test
    void anOperandDefinedLaterIsCaught() {
        Value x = new Value(0, F32_2), y = new Value(1, F32_2);
        Graph g = new Graph("bad", List.of(new Node(y, Op.NEG, List.of(x), Attrs.NONE),
                new Node(x, Op.INPUT, List.of(), Attrs.of("name", "x"))), List.of(new Graph.Output("y", y)));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Interpreter.run(g, Map.of("x", f32(shape(2), 1, 2)), Map.of()));
        assertEquals("%1 = neg: operand %0 is not defined by an earlier node", e.getMessage());
    }

    @Test
    void aSymbolNoInputBindsIsCaught() {
        Value x = new Value(0, F32_2);
        Value c = new Value(1, new TensorType(DType.F32, Shape.of(Dim.sym("K"))));
        Graph g = new Graph("bad", List.of(new Node(x, Op.INPUT, List.of(), Attrs.of("name", "x")),
                new Node(c, Op.CONSTANT, List.of(), Attrs.of("value", 1.0))), List.of(new Graph.Output("c", c)));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Interpreter.run(g, Map.of("x", f32(shape(2), 1, 2)), Map.of()));
        assertEquals("%1 = constant: its type f32[K] uses the dimension K, which no input binds", e.getMessage());
    }

    /** det(shape, seed) times an exact power of two (so the product rounds the same in both languages). */
    private static Tensor det(int[] shape, int seed, double scale) {
        float[] v = InterpTesting.det(shape, seed).floats();
        for (int i = 0; i < v.length; i++) v[i] = (float) (v[i] * scale);
        return Tensor.ofFloats(DType.F32, shape, v);
    }

    /**
     * The catsdogs CNN of DESIGN.md (150x150x3; conv 32/64/128 3x3 + relu + max_pool 2, flatten,
     * dense 512 relu, dense 1 sigmoid; 19M parameters) at batch 2, against PyTorch computing
     * each layer in float64 and rounding its result to float32, as the interpreter does:
     * <pre>
     * def f32(t): return t.float().double()
     * x = det([2,3,150,150], 100).double(); c = 3; seed = 101
     * for f, s in [(32, 1/4), (64, 1/16), (128, 1/32)]:
     *     w = det([f,c,3,3], seed).double() * s; b = det([f], seed+1).double() / 16; seed += 2
     *     x = f32(F.conv2d(x, w, b)); x = f32(torch.relu(x)); x = f32(F.max_pool2d(x, 2, 2)); c = f
     * x = x.flatten(1)
     * w1 = det([36992,512], 107).double() / 128; b1 = det([512], 108).double() / 16
     * w2 = det([512,1], 109).double() / 16; b2 = det([1], 110).double() / 16
     * h = f32(torch.relu(f32(f32(x @ w1) + b1))); logits = f32(f32(h @ w2) + b2)
     * print(h.sum(1).tolist(), logits, torch.sigmoid(logits))
     * </pre>
     * Tolerance 1e-5 relative: the only differences are the order of double accumulation and
     * the resulting float32 roundings of values that then propagate through four layers.
     * (Takes about a second; timings belong to benchmarks, so none is asserted.)
     */
    @Test
    void catsDogsCnnMatchesPyTorch() {
        GraphBuilder g = new GraphBuilder("catsdogs");
        Map<String, Tensor> weights = new HashMap<>();
        Value x = g.input("image", new TensorType(DType.F32, Shape.of(Dim.sym("B"), Dim.of(3), Dim.of(150), Dim.of(150))));
        int c = 3, seed = 101;
        int[] filters = {32, 64, 128};
        double[] scales = {1.0 / 4, 1.0 / 16, 1.0 / 32};
        for (int i = 0; i < 3; i++) {
            int f = filters[i];
            String name = "conv" + (i + 1);
            weights.put(name + ".weight", det(shape(f, c, 3, 3), seed, scales[i]));
            weights.put(name + ".bias", det(shape(f), seed + 1, 1.0 / 16));
            seed += 2;
            Value w = g.param(name + ".weight", InterpTesting.typeOf(weights.get(name + ".weight")), "glorot_uniform");
            Value b = g.param(name + ".bias", InterpTesting.typeOf(weights.get(name + ".bias")), "zeros");
            x = g.add(Op.RELU, g.add(Op.CONV2D, x, w, b));
            x = g.add(Op.MAX_POOL2D, List.of(x), Attrs.of("kernel", List.of(2L, 2L), "stride", List.of(2L, 2L)));
            c = f;
        }
        x = g.add(Op.FLATTEN, x);
        weights.put("fc1.weight", det(shape(36992, 512), 107, 1.0 / 128));
        weights.put("fc1.bias", det(shape(512), 108, 1.0 / 16));
        weights.put("fc2.weight", det(shape(512, 1), 109, 1.0 / 16));
        weights.put("fc2.bias", det(shape(1), 110, 1.0 / 16));
        Value h = g.add(Op.RELU, g.add(Op.ADD, g.add(Op.MATMUL, x,
                g.param("fc1.weight", InterpTesting.typeOf(weights.get("fc1.weight")), "glorot_uniform")),
                g.param("fc1.bias", InterpTesting.typeOf(weights.get("fc1.bias")), "zeros")));
        Value logits = g.add(Op.ADD, g.add(Op.MATMUL, h,
                g.param("fc2.weight", InterpTesting.typeOf(weights.get("fc2.weight")), "glorot_uniform")),
                g.param("fc2.bias", InterpTesting.typeOf(weights.get("fc2.bias")), "zeros"));
        g.output("probs", g.add(Op.SIGMOID, logits));
        g.output("logits", logits);
        g.output("hidden_sum", g.add(Op.REDUCE_SUM, List.of(h), Attrs.of("axes", List.of(1L))));

        Map<String, Tensor> out = Interpreter.run(g.build(), Map.of("image", det(shape(2, 3, 150, 150), 100, 1)), weights);
        assertClose(out.get("hidden_sum"), shape(2), 1e-5, 0, 13.990281321690418, 14.429847401799634);
        assertClose(out.get("logits"), shape(2, 1), 1e-5, 0, -0.1351408958, -0.1324723065);
        assertClose(out.get("probs"), shape(2, 1), 1e-5, 0, 0.4662661008, 0.4669302707);
    }
}
