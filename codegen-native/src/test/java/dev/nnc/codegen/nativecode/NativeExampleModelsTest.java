package dev.nnc.codegen.nativecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.interp.Interpreter;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.SyntheticWeights;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.WeightBinder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every example model compiled to native code at -O0, -O1 and -O2 matches the reference
 * interpreter and PyTorch's fixture output: |native - expected| <= 1e-4 * |expected| + 1e-5 per
 * element (f32 kernels, other summation order than the interpreter's double accumulation).
 */
class NativeExampleModelsTest {
    static final Path EXAMPLES = Path.of("..", "examples");

    @ParameterizedTest(name = "{0} {2}")
    @CsvSource({"mlp, x, O0", "mlp, x, O1", "mlp, x, O2",
            "mnist_cnn, image, O0", "mnist_cnn, image, O1", "mnist_cnn, image, O2",
            "cifar_cnn, image, O0", "cifar_cnn, image, O1", "cifar_cnn, image, O2",
            "catsdogs_cnn, image, O0", "catsdogs_cnn, image, O1", "catsdogs_cnn, image, O2"})
    void matchesInterpreterAndPyTorch(String model, String input, OptLevel level) {
        Frontend.Result r = new Frontend().compile(EXAMPLES.resolve(model + ".nn"));
        assertTrue(r.ok(), () -> r.diagnostics().render());
        Graph g = r.models().values().iterator().next();
        Map<String, Tensor> w = weights(model, g);
        Path fixtures = EXAMPLES.resolve("fixtures").resolve(model);
        Tensor x = Npy.read(fixtures.resolve(input + ".npy"));
        Tensor actual;
        try (NativeModel m = NativeBackend.load(PassManager.forLevel(level).run(g), w)) {
            actual = m.run(Map.of(input, x)).get("output");
        }
        Tensor reference = Interpreter.run(g, Map.of(input, x), WeightBinder.bind(g.paramSpecs(), w, model)).get("output");
        assertClose(reference, actual, "interpreter");
        assertClose(Npy.read(fixtures.resolve("output.npy")), actual, "PyTorch");
    }

    /** The fixture's weights; catsdogs has no committed weights (too large) and uses seeded synthetic ones, as its fixture does. */
    static Map<String, Tensor> weights(String model, Graph g) {
        if (model.equals("catsdogs_cnn")) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (var p : g.paramSpecs()) out.put(p.name(), SyntheticWeights.generate(p.name(), p.shape(), 0));
            return out;
        }
        return Safetensors.read(EXAMPLES.resolve("fixtures").resolve(model).resolve("weights.safetensors"));
    }

    static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i), a = actual.getDouble(i);
            int index = i;
            assertTrue(Math.abs(e - a) <= 1e-4 * Math.abs(e) + 1e-5,
                    () -> "element " + index + ": " + what + " " + e + ", native " + a);
        }
    }
}
