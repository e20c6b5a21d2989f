package dev.nnc.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.Tensor;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The small example models (every model of {@code examples/*.nn} with at most
 * {@link #MAX_PARAMETERS} parameters; the emulator runs a CUDA thread at a time) through the
 * whole CUDA backend — kernels, weight upload, load-time kernels, context block, launches — on
 * the {@link EmulatedDevice}, against the reference interpreter at -O0 and -O2, batch 3 (odd,
 * so tiles are partly filled). Every example runs on a GPU in {@code GpuExampleModelsTest}.
 */
class EmulatedExampleModelsTest {
    static final long MAX_PARAMETERS = 2_000_000;

    @TestFactory
    Stream<DynamicTest> smallExamplesMatchTheInterpreter() throws IOException {
        return PtxExamplesTest.exampleFiles().stream().flatMap(file -> {
            Frontend.Result r = new Frontend().compile(file);
            assertTrue(r.ok(), () -> r.diagnostics().render());
            return r.models().values().stream().filter(g -> parameters(g) <= MAX_PARAMETERS).flatMap(g ->
                    Stream.of(OptLevel.O0, OptLevel.O2).map(level ->
                            DynamicTest.dynamicTest(file.getFileName() + " " + g.name() + " " + level, () -> check(g, level))));
        });
    }

    /** One model instance across batches 1, 5 and 2: device buffers grow for the larger batch and are reused for the smaller. */
    @org.junit.jupiter.api.Test
    void oneModelServesSeveralBatches() {
        Frontend.Result r = new Frontend().compile(PtxExamplesTest.EXAMPLES.resolve("mnist_cnn.nn"));
        Graph g = r.models().values().iterator().next();
        PtxModule m = PtxModuleEmitter.emit(PassManager.forLevel(OptLevel.O2).run(g), CudaTarget.DEFAULT);
        Map<String, Tensor> weights = ModelCases.weights(g);
        try (CudaModel cuda = new CudaModel(m, new EmulatedDevice(m), weights)) {
            for (long batch : new long[] {1, 5, 2}) {
                Map<String, Tensor> inputs = ModelCases.inputs(g, m, batch, batch);
                ModelCases.assertMatchesInterpreter(g, inputs, weights, cuda.run(inputs), 1e-5, "batch " + batch);
            }
        }
    }

    private static long parameters(Graph g) {
        return g.paramSpecs().stream().mapToLong(p -> Arrays.stream(p.shape()).asLongStream().reduce(1, (a, b) -> a * b)).sum();
    }

    private static void check(Graph g, OptLevel level) {
        KernelProgram p = PassManager.forLevel(level).run(g);
        PtxModule m = PtxModuleEmitter.emit(p, CudaTarget.DEFAULT);
        Map<String, Tensor> weights = ModelCases.weights(g), inputs = ModelCases.inputs(g, m, 3, 7);
        Map<String, Tensor> actual;
        try (CudaModel cuda = new CudaModel(m, new EmulatedDevice(m), weights)) {
            actual = cuda.run(inputs);
        }
        ModelCases.assertMatchesInterpreter(g, inputs, weights, actual, 1e-5, g.name() + " " + level);
    }

}
