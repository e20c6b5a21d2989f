package dev.nnc.codegen.nativecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.interp.Interpreter;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.InputMismatchException;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.SyntheticWeights;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.WeightBinder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
            "catsdogs_cnn, image, O0", "catsdogs_cnn, image, O1", "catsdogs_cnn, image, O2",
            "transformer_small, x, O0", "transformer_small, x, O1", "transformer_small, x, O2",
            "bert_small, input_ids token_type_ids attention_mask, O0",
            "bert_small, input_ids token_type_ids attention_mask, O1",
            "bert_small, input_ids token_type_ids attention_mask, O2",
            "resnet_small, image, O0", "resnet_small, image, O1", "resnet_small, image, O2"})
    void matchesInterpreterAndPyTorch(String model, String inputs, OptLevel level) {
        Graph g = compile(model);
        Map<String, Tensor> w = weights(model, g);
        Path fixtures = EXAMPLES.resolve("fixtures").resolve(model);
        Map<String, Tensor> x = new LinkedHashMap<>();
        for (String name : inputs.split(" ")) x.put(name, Npy.read(fixtures.resolve(name + ".npy")));
        Tensor actual;
        try (NativeModel m = NativeBackend.load(PassManager.forLevel(level).verifyEach(true).run(g), w)) {
            actual = m.run(x).get("output");
        }
        Tensor reference = Interpreter.run(g, x, WeightBinder.bind(g.paramSpecs(), w, model)).get("output");
        assertClose(reference, actual, "interpreter");
        assertClose(Npy.read(fixtures.resolve("output.npy")), actual, "PyTorch");
    }

    static Graph compile(String model) {
        Frontend.Result r = new Frontend().compile(EXAMPLES.resolve(model + ".nn"));
        assertTrue(r.ok(), () -> r.diagnostics().render());
        return r.models().values().iterator().next();
    }

    /** BERT reads the first S rows of its position table: native code never sees a longer sequence. */
    @Test
    void aSequenceLongerThanThePositionTableIsRefused() {
        Graph g = compile("bert_small");
        try (NativeModel m = NativeBackend.load(PassManager.forLevel(OptLevel.O2).run(g), weights("bert_small", g))) {
            Tensor ids = Tensor.ofLongs(DType.I64, new int[] {2, 70}, new long[140]);
            var e = assertThrows(InputMismatchException.class,
                    () -> m.run(Map.of("input_ids", ids, "token_type_ids", ids, "attention_mask", ids)));
            assertTrue(e.getMessage().startsWith("size S = 70 is larger than 64, the most this model supports"), e.getMessage());
        }
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
