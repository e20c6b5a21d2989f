package dev.nnc.codegen.nativecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The full-size examples (Transformer, BERT-base, ResNet-50) at -O2 on the native backend match
 * PyTorch as the small ones do: |native - torch| <= 1e-4 * |torch| + 1e-5 per element. Their
 * fixtures are too large to commit; each case is skipped until
 * {@code examples/fixtures/generate.py --large} has written them (see examples/fixtures/README.md).
 */
class NativeFullSizeModelsTest {
    static final Path EXAMPLES = Path.of("..", "examples");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"transformer, x", "bert_base, input_ids token_type_ids attention_mask", "resnet50, image"})
    void matchesPyTorch(String model, String inputs) {
        Path fixtures = EXAMPLES.resolve("fixtures").resolve(model);
        assumeTrue(Files.exists(fixtures.resolve("output.npy")),
                () -> "no full-size fixture in " + fixtures + ": run /usr/bin/python3 examples/fixtures/generate.py --large");
        Frontend.Result r = new Frontend().compile(EXAMPLES.resolve(model + ".nn"));
        assertTrue(r.ok(), () -> r.diagnostics().render());
        Graph g = r.models().values().iterator().next();
        Map<String, Tensor> x = new LinkedHashMap<>();
        for (String name : inputs.split(" ")) x.put(name, Npy.read(fixtures.resolve(name + ".npy")));
        Tensor actual;
        try (NativeModel m = NativeBackend.load(PassManager.forLevel(OptLevel.O2).run(g),
                Safetensors.read(fixtures.resolve("weights.safetensors")))) {
            actual = m.run(x).get("output");
        }
        assertClose(Npy.read(fixtures.resolve("output.npy")), actual, model);
    }

    static void assertClose(Tensor expected, Tensor actual, String model) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        double maxAbs = 0, maxRel = 0;
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i), a = actual.getDouble(i);
            int index = i;
            assertTrue(Math.abs(e - a) <= 1e-4 * Math.abs(e) + 1e-5, () -> "element " + index + ": expected " + e + " got " + a);
            maxAbs = Math.max(maxAbs, Math.abs(e - a));
            if (e != 0) maxRel = Math.max(maxRel, Math.abs(e - a) / Math.abs(e));
        }
        System.out.printf("%s on the native backend: max abs error %.3g, max rel error %.3g%n", model, maxAbs, maxRel);
    }
}
