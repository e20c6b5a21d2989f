package dev.nnc.cli;

import static dev.nnc.cli.MainTest.EXAMPLES;
import static dev.nnc.cli.MainTest.nnc;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.cli.MainTest.Run;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BERT's three named int64 inputs through {@code nnc run} and {@code nnc verify}, on every backend. */
class LargeModelsCliTest {
    static final Path FIXTURES = EXAMPLES.resolve("fixtures/bert_small");
    static final String BERT = EXAMPLES.resolve("bert_small.nn").toString();

    static List<String> inputs() {
        List<String> args = new ArrayList<>();
        for (String name : List.of("input_ids", "token_type_ids", "attention_mask")) {
            args.add("--input");
            args.add(name + "=" + FIXTURES.resolve(name + ".npy"));
        }
        return args;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native", "interp"})
    void runTakesNamedIntegerInputsAndMatchesPyTorch(String backend, @TempDir Path dir) {
        Path out = dir.resolve("out.npy");
        List<String> args = new ArrayList<>(List.of("run", BERT, "--backend=" + backend,
                "--weights", FIXTURES.resolve("weights.safetensors").toString(), "--output", out.toString()));
        args.addAll(inputs());
        Run r = nnc(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("output 'output': f32[2,32,128]"), r.out());
        Tensor expected = Npy.read(FIXTURES.resolve("output.npy")), actual = Npy.read(out);
        assertArrayEquals(expected.shape(), actual.shape());
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i), a = actual.getDouble(i);
            int index = i;
            assertTrue(Math.abs(e - a) <= 1e-4 * Math.abs(e) + 1e-5, () -> "element " + index + ": " + e + " vs " + a);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-O0", "-O2"})
    void verifyPassesOnBothBackends(String level) {
        List<String> args = new ArrayList<>(List.of("verify", BERT, level,
                "--weights", FIXTURES.resolve("weights.safetensors").toString()));
        args.addAll(inputs());
        Run r = nnc(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("PASS: every output of 2 backends matches the reference"), r.out());
    }
}
