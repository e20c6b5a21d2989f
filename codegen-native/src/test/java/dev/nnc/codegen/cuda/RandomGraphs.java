package dev.nnc.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.codegen.jvm.RandomGraphTest;
import dev.nnc.ir.Graph;
import dev.nnc.ir.IrPrinter;
import dev.nnc.ir.Op;
import dev.nnc.ir.interp.Interpreter;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.cuda.Device;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The JVM backend's seeded random graphs (elementwise chains with broadcasting, matmuls,
 * convolutions, pooling, normalizations, reductions, softmax, data movement, odd sizes) on the
 * CUDA backend against the reference interpreter, with the tolerance of the JVM and native
 * suites: |cuda - interp| <= 1e-4 |interp| + 1e-4.
 */
final class RandomGraphs {
    private RandomGraphs() {}

    /** Builds graph {@code seed}, compiles it at {@code level}, runs it on the device {@code devices} gives for the module, and compares. */
    static void check(long seed, OptLevel level, Function<PtxModule, Device> devices) {
        Random rng = new Random(seed);
        Graph g = new RandomGraphTest.Generator(rng).build();
        Map<String, Tensor> inputs = new HashMap<>(), weights = new HashMap<>();
        int batch = 1 + rng.nextInt(3);
        Map<String, Long> bindings = Map.of("B", (long) batch);
        for (var n : g.nodes()) {
            int[] shape = n.type().shape().eval(bindings);
            if (n.op() == Op.INPUT) inputs.put(n.attrs().getString("name"), RandomGraphTest.random(shape, rng));
            if (n.op() == Op.PARAM) weights.put(n.attrs().getString("name"), RandomGraphTest.random(shape, rng));
        }
        Tensor expected = Interpreter.run(g, inputs, weights).get("output");
        KernelProgram p = PassManager.forLevel(level).run(g);
        PtxModule m = PtxModuleEmitter.emit(p, CudaTarget.DEFAULT);
        Tensor actual;
        try (CudaModel model = new CudaModel(m, devices.apply(m), weights)) {
            actual = model.run(inputs).get("output");
        }
        String text = IrPrinter.print(g) + "\n" + KernelPrinter.print(p);
        assertArrayEquals(expected.shape(), actual.shape(), () -> "shape, graph:\n" + text);
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i), a = actual.getDouble(i);
            int index = i;
            assertTrue(Math.abs(e - a) <= 1e-4 * Math.abs(e) + 1e-4 || (Double.isNaN(e) && Double.isNaN(a)),
                    () -> "element " + index + ": interpreter " + e + ", cuda " + a + " (batch " + batch + ")\n" + text);
        }
    }
}
