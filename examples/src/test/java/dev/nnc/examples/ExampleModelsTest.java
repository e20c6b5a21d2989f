package dev.nnc.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.Verifier;
import dev.nnc.ir.interp.Interpreter;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.ParamSpec;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.SyntheticWeights;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.WeightBinder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Every example model, run by the reference interpreter on the PyTorch fixtures of
 * examples/fixtures (made by generate.py from ../shared/reference_models.py), matches
 * PyTorch's output: |nnc - torch| <= 1e-4 * |torch| + 1e-6 per element.
 */
class ExampleModelsTest {
    static final double RELATIVE = 1e-4;
    static final double ABSOLUTE = 1e-6;
    static final Path EXAMPLES = Path.of("").toAbsolutePath();

    static Graph compile(String file) {
        Frontend.Result r = new Frontend().compile(EXAMPLES.resolve(file));
        assertTrue(r.ok(), () -> r.diagnostics().render());
        Graph g = r.models().values().iterator().next();
        Verifier.verify(g);
        return g;
    }

    /** inputs: the model's input names, separated by spaces (each has its fixture file NAME.npy). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"mlp, x", "mnist_cnn, image", "cifar_cnn, image", "catsdogs_cnn, image", "transformer_small, x",
            "bert_small, input_ids token_type_ids attention_mask", "resnet_small, image"})
    void matchesPyTorch(String model, String inputs) {
        Graph g = compile(model + ".nn");
        Path fixtures = EXAMPLES.resolve("fixtures").resolve(model);
        Map<String, Tensor> weights = model.equals("catsdogs_cnn")
                ? synthetic(g) // 76 MB of weights are rebuilt from the documented formula, not committed
                : WeightBinder.bind(g.paramSpecs(), Safetensors.read(fixtures.resolve("weights.safetensors")), model);
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (String name : inputs.split(" ")) in.put(name, Npy.read(fixtures.resolve(name + ".npy")));
        Tensor expected = Npy.read(fixtures.resolve("output.npy"));
        Tensor actual = Interpreter.run(g, in, weights).get("output");
        assertClose(expected, actual);
    }

    /**
     * The full-size models compile and declare exactly the floating-point parameters of their
     * PyTorch modules: the count of tensors and of floats of each state_dict (without
     * num_batches_tracked), so that their weight files bind. Running them against PyTorch is
     * FullSizeModelsTest's job in the backends, when the fixtures have been generated.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"transformer, 24, 6304768", "bert_base, 197, 108891648", "resnet50, 267, 25610152"})
    void fullSizeModelsDeclareThePyTorchParameters(String model, int tensors, long floats) {
        Graph g = compile(model + ".nn");
        assertEquals(tensors, g.paramSpecs().size(), "parameter tensors");
        long total = 0;
        for (ParamSpec p : g.paramSpecs()) {
            long n = 1;
            for (int d : p.shape()) n *= d;
            total += n;
        }
        assertEquals(floats, total, "parameter floats");
    }

    /** The full-size and small files share their layers: the small model's parameter names are the full one's, fewer. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"transformer, transformer_small", "bert_base, bert_small", "resnet50, resnet_small"})
    void smallModelsNameTheirParametersAsTheFullSizeOnes(String full, String small) {
        var fullNames = compile(full + ".nn").paramSpecs().stream().map(ParamSpec::name).toList();
        var smallNames = compile(small + ".nn").paramSpecs().stream().map(ParamSpec::name).toList();
        assertTrue(fullNames.containsAll(smallNames), () -> "not in " + full + ": " + smallNames.stream()
                .filter(n -> !fullNames.contains(n)).toList());
    }

    @Test
    void fashionMnistModelClassifiesTheCommittedImages() {
        Graph g = compile("mnist_cnn.nn");
        Path dir = EXAMPLES.resolve("fashion_mnist");
        var weights = WeightBinder.bind(g.paramSpecs(), Safetensors.read(dir.resolve("weights.safetensors")), "fashion");
        Tensor images = Npy.read(dir.resolve("images.npy"));
        Tensor probs = Interpreter.run(g, Map.of("image", images), weights).get("output");
        assertClose(Npy.read(dir.resolve("expected.npy")), probs);
        Tensor labels = Npy.read(dir.resolve("labels.npy"));
        int classes = probs.dim(1);
        for (int row = 0; row < labels.size(); row++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (probs.getDouble(row * classes + c) > probs.getDouble(row * classes + best)) best = c;
            }
            assertEquals(labels.getLong(row), best, "image " + row);
        }
    }

    static Map<String, Tensor> synthetic(Graph g) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (ParamSpec p : g.paramSpecs()) out.put(p.name(), SyntheticWeights.generate(p.name(), p.shape(), 0));
        return out;
    }

    static void assertClose(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        assertEquals(expected.dtype(), actual.dtype(), "dtype");
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i), a = actual.getDouble(i);
            double tolerance = RELATIVE * Math.abs(e) + ABSOLUTE;
            final int index = i;
            assertTrue(Math.abs(e - a) <= tolerance, () -> "element " + index + ": expected " + e + " got " + a);
        }
    }
}
