package dev.nnc.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * GPU test (skipped without a CUDA device): every model of every {@code examples/*.nn} at -O0
 * and -O2 on the GPU against the reference interpreter, synthetic weights, batch 2. Run with
 * {@code ./mvnw -pl codegen-native test -Dtest='Gpu*Test'}.
 */
class GpuExampleModelsTest {

    @TestFactory
    Stream<DynamicTest> everyExampleMatchesTheInterpreterOnTheGpu() throws IOException {
        return PtxExamplesTest.exampleFiles().stream().flatMap(file -> Stream.of(OptLevel.O0, OptLevel.O2).map(level ->
                DynamicTest.dynamicTest(file.getFileName() + " " + level, () -> check(file, level))));
    }

    private static void check(Path file, OptLevel level) {
        GpuAvailability.assumeGpu();
        Frontend.Result r = new Frontend().compile(file);
        assertTrue(r.ok(), () -> r.diagnostics().render());
        for (Graph g : r.models().values()) {
            var program = PassManager.forLevel(level).run(g);
            Map<String, Tensor> weights = ModelCases.weights(g);
            Map<String, Tensor> inputs = ModelCases.inputs(g, PtxModuleEmitter.emit(program, CudaTarget.DEFAULT), 2, 11);
            Map<String, Tensor> actual;
            try (CudaModel m = CudaBackend.load(program, CudaTarget.DEFAULT, weights)) {
                actual = m.run(inputs);
            }
            ModelCases.assertMatchesInterpreter(g, inputs, weights, actual, 1e-4, g.name() + " " + level);
        }
    }
}
