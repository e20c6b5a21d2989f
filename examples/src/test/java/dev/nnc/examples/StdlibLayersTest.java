package dev.nnc.examples;

import static dev.nnc.examples.ExampleModelsTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.Verifier;
import dev.nnc.ir.interp.Interpreter;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.WeightBinder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The std.transformer layers the example models do not use (pre-norm encoder layer, masked
 * multi-head attention, token + position embeddings, the GELU feed-forward block), on the
 * reference interpreter against the PyTorch modules of examples/fixtures/stdlib_layers.py:
 * |nnc - torch| <= 1e-4 * |torch| + 1e-6 per element, as ExampleModelsTest.
 */
class StdlibLayersTest {
    static final Path FIXTURES = ExampleModelsTest.EXAMPLES.resolve("fixtures/stdlib_layers");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PreNorm, pre_norm, x", "MaskedAttention, masked_attention, x mask", "TokenPosition, token_position, ids",
            "GeluFeedForward, gelu_feed_forward, x"})
    void matchesPyTorch(String model, String fixture, String inputs) {
        Frontend.Result r = new Frontend().compile(Path.of("src/test/resources/stdlib_layers.nn").toAbsolutePath());
        assertTrue(r.ok(), () -> r.diagnostics().render());
        Graph g = r.models().get(model);
        Verifier.verify(g);
        Path dir = FIXTURES.resolve(fixture);
        Map<String, Tensor> weights = WeightBinder.bind(g.paramSpecs(), Safetensors.read(dir.resolve("weights.safetensors")), fixture);
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (String name : inputs.split(" ")) in.put(name, Npy.read(dir.resolve(name + ".npy")));
        assertClose(Npy.read(dir.resolve("output.npy")), Interpreter.run(g, in, weights).get("output"));
    }
}
