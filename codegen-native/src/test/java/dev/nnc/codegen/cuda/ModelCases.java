package dev.nnc.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.Graph;
import dev.nnc.ir.Op;
import dev.nnc.ir.interp.Interpreter;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.SyntheticWeights;
import dev.nnc.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Inputs, weights and the comparison with the reference interpreter shared by the CUDA model tests (emulated and on a GPU). */
final class ModelCases {
    private ModelCases() {}

    /** Seeded synthetic weights for every parameter (as {@code reference_models.synthetic_weights}). */
    static Map<String, Tensor> weights(Graph g) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var p : g.paramSpecs()) out.put(p.name(), SyntheticWeights.generate(p.name(), p.shape(), 0));
        return out;
    }

    /**
     * Seeded inputs with every symbolic dim equal to {@code batch}: floats in [-1, 1), and
     * integer inputs (token ids) in [0, bound) for the size of the axis they index.
     */
    static Map<String, Tensor> inputs(Graph g, PtxModule m, long batch, long seed) {
        Random rng = new Random(seed);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (var n : g.nodes()) {
            if (n.op() != Op.INPUT) continue;
            Map<String, Long> bindings = new java.util.HashMap<>();
            for (String s : m.layout().symbols()) bindings.put(s, batch);
            int[] shape = n.type().shape().eval(bindings);
            int size = 1;
            for (int d : shape) size *= d;
            String name = n.attrs().getString("name");
            if (n.type().dtype().isFloat()) {
                float[] v = new float[size];
                for (int i = 0; i < size; i++) v[i] = rng.nextFloat() * 2 - 1;
                inputs.put(name, Tensor.ofFloats(DType.F32, shape, v));
            } else {
                long bound = m.indexBounds().getOrDefault(name, 2L);
                long[] v = new long[size];
                for (int i = 0; i < size; i++) v[i] = (long) rng.nextInt((int) bound);
                inputs.put(name, Tensor.ofLongs(n.type().dtype(), shape, v));
            }
        }
        return inputs;
    }

    /** Every output within {@code 1e-4 |expected| + abs} of the interpreter's. */
    static void assertMatchesInterpreter(Graph g, Map<String, Tensor> inputs, Map<String, Tensor> weights, Map<String, Tensor> actual,
                                         double abs, String context) {
        Map<String, Tensor> expected = Interpreter.run(g, inputs, weights);
        for (var e : expected.entrySet()) {
            Tensor want = e.getValue(), got = actual.get(e.getKey());
            assertArrayEquals(want.shape(), got.shape(), () -> "shape of " + e.getKey() + " " + context);
            for (int i = 0; i < want.size(); i++) {
                double w = want.getDouble(i), a = got.getDouble(i);
                int index = i;
                assertTrue(Math.abs(w - a) <= 1e-4 * Math.abs(w) + abs || (Double.isNaN(w) && Double.isNaN(a)),
                        () -> e.getKey() + "[" + index + "]: interpreter " + w + ", cuda " + a + " " + context);
            }
        }
    }
}
