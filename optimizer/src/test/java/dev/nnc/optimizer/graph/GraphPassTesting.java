package dev.nnc.optimizer.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Graph;
import dev.nnc.ir.IrParser;
import dev.nnc.ir.IrPrinter;
import dev.nnc.ir.Node;
import dev.nnc.ir.Verifier;
import dev.nnc.ir.interp.Interpreter;
import dev.nnc.optimizer.GraphPass;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Golden-text and differential checks shared by the graph pass tests. */
final class GraphPassTesting {
    private GraphPassTesting() {}

    /**
     * Runs {@code pass} on the parsed {@code before} text, compares the printed result with
     * {@code after}, and checks that a second run finds nothing more to do (one walk reaches the fixpoint).
     */
    static Graph assertGolden(GraphPass pass, String before, String after) {
        Graph in = IrParser.parse(before);
        Verifier.verify(in);
        Graph out = pass.run(in);
        Verifier.verify(out);
        assertEquals(after, IrPrinter.print(out), () -> pass.name() + " on\n" + before);
        assertSame(out, pass.run(out), () -> pass.name() + " changed its own result again");
        return out;
    }

    /** Runs {@code pass} and checks the result is the very same graph object: nothing applied. */
    static void assertUnchanged(GraphPass pass, String text) {
        Graph in = IrParser.parse(text);
        Verifier.verify(in);
        if (pass.run(in) != in) fail(pass.name() + " changed a graph it should have left alone:\n" + text);
    }

    /** Random inputs for every input of {@code g}, every symbolic dim bound to {@code symbolSize}. */
    static Map<String, Tensor> randomInputs(Graph g, Random rnd, long symbolSize) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Node n : g.inputs()) out.put(n.attrs().getString("name"), random(n, rnd, symbolSize));
        return out;
    }

    /** Random weights for every parameter; names containing "var" get positive values (variances). */
    static Map<String, Tensor> randomWeights(Graph g, Random rnd) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Node n : g.params()) out.put(n.attrs().getString("name"), random(n, rnd, 1));
        return out;
    }

    private static Tensor random(Node n, Random rnd, long symbolSize) {
        Map<String, Long> bindings = new HashMap<>();
        for (Dim d : n.type().shape().dims()) if (d instanceof Dim.Sym s) bindings.put(s.name(), symbolSize);
        int[] shape = n.type().shape().eval(bindings);
        DType dt = n.type().dtype();
        Tensor t = Tensor.zeros(dt, shape);
        boolean positive = n.attrs().has("name") && n.attrs().getString("name").contains("var");
        if (dt.isFloat()) {
            float[] f = t.floats();
            for (int i = 0; i < f.length; i++) {
                double v = positive ? 0.5 + rnd.nextDouble() : rnd.nextGaussian();
                f[i] = switch (dt) {
                    case F16 -> Tensor.roundToF16((float) v);
                    case BF16 -> Tensor.roundToBf16((float) v);
                    default -> (float) v;
                };
            }
        } else {
            long[] l = t.longs();
            for (int i = 0; i < l.length; i++) l[i] = dt == DType.BOOL ? rnd.nextInt(2) : rnd.nextInt(21) - 10;
        }
        return t;
    }

    /**
     * Runs both graphs on the same data and compares the outputs by name: same names in the same
     * order, same dtype and shape, and each element within {@code relTol * max(|expected|, 1)}
     * (0 means equal as numbers: NaN matches NaN, and -0.0 matches 0.0; infinities match only themselves).
     */
    static void assertSameOutputs(Graph before, Graph after, Map<String, Tensor> inputs, Map<String, Tensor> weights,
                                  double relTol) {
        Verifier.verify(after);
        Map<String, Tensor> expected = Interpreter.run(before, inputs, weights);
        Map<String, Tensor> actual = Interpreter.run(after, inputs, weights);
        assertEquals(expected.keySet().stream().toList(), actual.keySet().stream().toList(), "output names");
        for (String name : expected.keySet()) {
            Tensor e = expected.get(name), a = actual.get(name);
            assertEquals(e.dtype(), a.dtype(), name + " dtype");
            assertArrayEquals(e.shape(), a.shape(), name + " shape");
            for (int i = 0; i < e.size(); i++) {
                double x = e.getDouble(i), y = a.getDouble(i);
                boolean ok = x == y || (Double.isNaN(x) && Double.isNaN(y))
                        || Math.abs(x - y) <= relTol * Math.max(Math.abs(x), 1);
                if (!ok) fail(name + "[" + i + "]: expected " + x + " but got " + y + " (tolerance " + relTol + " relative)");
            }
        }
    }

    /** Parses, runs {@code pass}, and checks outputs agree on seeded random data. */
    static Graph assertPreservesOutputs(GraphPass pass, String text, long seed, double relTol) {
        Graph before = IrParser.parse(text);
        Verifier.verify(before);
        Graph after = pass.run(before);
        Random rnd = new Random(seed);
        assertSameOutputs(before, after, randomInputs(before, rnd, 3), randomWeights(before, rnd), relTol);
        return after;
    }
}
