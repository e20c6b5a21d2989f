package dev.nnc.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.Tensor;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The small example models through the whole CUDA backend — kernels, weight upload, load-time
 * kernels, context block, launches — on the {@link EmulatedDevice}, against the reference
 * interpreter at batch 3 (odd, so tiles are partly filled). The same code runs on a GPU in
 * {@code GpuExampleModelsTest}.
 */
class EmulatedExampleModelsTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"mlp, O0", "mlp, O2", "mnist_cnn, O0", "mnist_cnn, O2", "cifar_cnn, O2"})
    void matchesTheInterpreter(String model, OptLevel level) {
        Frontend.Result r = new Frontend().compile(Path.of("..", "examples", model + ".nn"));
        assertTrue(r.ok(), () -> r.diagnostics().render());
        Graph g = r.models().values().iterator().next();
        KernelProgram p = PassManager.forLevel(level).run(g);
        PtxModule m = PtxModuleEmitter.emit(p, CudaTarget.DEFAULT);
        Map<String, Tensor> weights = ModelCases.weights(g), inputs = ModelCases.inputs(g, m, 3, 7);
        Map<String, Tensor> actual;
        try (CudaModel cuda = new CudaModel(m, CudaTarget.DEFAULT, new EmulatedDevice(m), weights)) {
            actual = cuda.run(inputs);
        }
        ModelCases.assertMatchesInterpreter(g, inputs, weights, actual, 1e-5, model + " " + level);
    }
}
