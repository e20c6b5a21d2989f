package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The nnc command as a user runs it: exit codes, messages, and never a stack trace for user errors. */
class MainTest {
    static final Path EXAMPLES = Path.of("..", "examples");
    static final String FASHION = EXAMPLES.resolve("fashion_mnist").toString();

    record Run(int code, String out, String err) {}

    static Run nnc(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        String e = err.toString();
        assertFalse(e.contains("\tat dev.nnc") || e.contains("Exception in thread"), "stack trace printed:\n" + e);
        return new Run(code, out.toString(), e);
    }

    @Test
    void runsTheFashionMnistDemo() {
        Run r = nnc("run", EXAMPLES.resolve("mnist_cnn.nn").toString(), "--weights", FASHION + "/weights.safetensors",
                "--input", FASHION + "/images.npy", "--classes", FASHION + "/classes.txt", "--labels", FASHION + "/labels.npy");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[0] Ankle boot"), r.out());
        assertTrue(r.out().contains("8 of 8 correct"), r.out());
    }

    @Test
    void writesTheOutputAsNpy(@TempDir Path dir) {
        Path y = dir.resolve("y.npy");
        Run r = nnc("run", EXAMPLES.resolve("mlp.nn").toString(), "-w", EXAMPLES + "/fixtures/mlp/weights.safetensors",
                "-i", EXAMPLES + "/fixtures/mlp/x.npy", "--output", y.toString());
        assertEquals(0, r.code(), r.err());
        Tensor got = Npy.read(y), want = Npy.read(EXAMPLES.resolve("fixtures/mlp/output.npy"));
        for (int i = 0; i < want.size(); i++) assertEquals(want.getDouble(i), got.getDouble(i), 1e-6);
    }

    @Test
    void withoutWeightsItWarnsAndUsesInitializers() {
        Run r = nnc("run", EXAMPLES.resolve("mlp.nn").toString(), "-i", EXAMPLES + "/fixtures/mlp/x.npy");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("warning: no --weights given"), r.err());
    }

    @Test
    void checkPrintsTheSignature() {
        Run r = nnc("check", EXAMPLES.resolve("mnist_cnn.nn").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("model MnistCnn(image: f32[B,1,28,28]) -> output: f32[B,10]"), r.out());
    }

    @Test
    void emitsAstAndIr() {
        Run ast = nnc(EXAMPLES.resolve("mlp.nn").toString(), "--emit=ast");
        assertEquals(0, ast.code(), ast.err());
        assertTrue(ast.out().contains("model Mlp(x: f32[B, 100])"), ast.out());
        Run ir = nnc(EXAMPLES.resolve("mlp.nn").toString(), "--emit=ir");
        assertEquals(0, ir.code(), ir.err());
        assertTrue(ir.out().contains("param {name=\"fc1.weight\""), ir.out());
    }

    @Test
    void compileErrorsAreLocatedAndExitWithOne(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.nn");
        Files.writeString(bad, "import std.nn.*\nmodel M(x: f32[B, 4]) -> f32[B, 2] {\n    x |> dens(2)\n}\n");
        Run r = nnc("check", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad.nn:3:10: error: unknown name 'dens'"), r.err());
        assertTrue(r.err().contains("did you mean 'dense'?"), r.err());
    }

    @Test
    void wrongInputShapeIsAUserError(@TempDir Path dir) {
        Path x = dir.resolve("x.npy");
        Npy.write(x, Tensor.zeros(dev.nnc.runtime.DType.F32, new int[] {2, 99}));
        Run r = nnc("run", EXAMPLES.resolve("mlp.nn").toString(), "-i", x.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("input 'x'") && r.err().contains("f32[2,99]"), r.err());
    }

    @Test
    void mismatchedWeightsNameEveryProblem() {
        Run r = nnc("run", EXAMPLES.resolve("mnist_cnn.nn").toString(), "-w", EXAMPLES + "/fixtures/cifar_cnn/weights.safetensors",
                "-i", FASHION + "/images.npy");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("conv1.weight"), r.err());
    }

    @Test
    void missingFilesAreUserErrors() {
        assertEquals(1, nnc("check", "no/such/file.nn").code());
        assertEquals(1, nnc("run", EXAMPLES.resolve("mlp.nn").toString(), "-i", "missing.npy").code());
        assertEquals(1, nnc("run", EXAMPLES.resolve("mlp.nn").toString(), "-w", "missing.safetensors", "-i", "x.npy").code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--frobnicate", "--emit=llvmx"})
    void badOptionsExitWithOne(String option) {
        Run r = nnc(EXAMPLES.resolve("mlp.nn").toString(), option);
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("error: "), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "check", "run", "help"})
    void everyCommandHasHelp(String command) {
        Run r = command.isEmpty() ? nnc("--help") : nnc(command, "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Usage: nnc"), r.out());
    }

    @Test
    void anInternalErrorSaysItIsABugAndWritesAReproducer(@TempDir Path dir) throws Exception {
        System.setProperty("nnc.reproducer.dir", dir.toString());
        try {
            StringWriter err = new StringWriter();
            int code = Main.handle(new IllegalStateException("boom"), new String[] {"run", "x.nn"}, new PrintWriter(err, true));
            assertEquals(2, code);
            assertTrue(err.toString().contains("This is a bug in nnc"), err.toString());
            try (var files = Files.list(dir)) {
                Path report = files.filter(p -> p.getFileName().toString().startsWith("nnc-reproducer-")).findFirst().orElseThrow();
                String text = Files.readString(report);
                assertTrue(text.contains("command: nnc run x.nn") && text.contains("boom"), text);
                assertTrue(err.toString().contains(report.toString()), err.toString());
            }
        } finally {
            System.clearProperty("nnc.reproducer.dir");
        }
    }
}
