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
    void tokenIdsOutOfTheVocabularyAreAUserErrorOnEveryBackend(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("tok.nn");
        Files.writeString(model, "import std.nn.*\nmodel Tok(ids: i64[B, S]) -> f32[B, S, 8] {\n    ids |> emb: embedding(100, 8)\n}\n");
        Path ids = dir.resolve("ids.npy");
        Npy.write(ids, Tensor.ofLongs(dev.nnc.runtime.DType.I64, new int[] {1, 3}, new long[] {1, 2, 300}));
        for (String backend : new String[] {"jvm", "interp"}) {
            Run r = nnc("run", model.toString(), "-i", ids.toString(), "--backend=" + backend);
            assertEquals(1, r.code(), backend + ": " + r.err());
            assertTrue(r.err().contains("300") && r.err().startsWith("warning") && r.err().contains("error:"), r.err());
        }
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

    @Test
    void buildWritesAJarThatAPlainJavaProgramUses(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("mlp.jar");
        Run r = nnc("build", EXAMPLES.resolve("mlp.nn").toString(), "-o", jar.toString());
        assertEquals(0, r.code(), r.err());
        Path runtime = dir.resolve("nnc-runtime.jar");
        assertTrue(Files.isRegularFile(runtime), "runtime jar beside the model jar");
        Path src = dir.resolve("App.java");
        Files.writeString(src, """
                import java.nio.file.Path;
                public class App {
                    public static void main(String[] args) {
                        Mlp model = Mlp.load(Path.of(args[0]));
                        float[] x = new float[2 * 100];
                        for (int i = 0; i < x.length; i++) x[i] = (i % 7) / 7f;
                        float[] y = model.predict(x);
                        System.out.println(y.length + " " + y[0] + " " + y[1]);
                    }
                }
                """);
        String cp = jar + java.io.File.pathSeparator + runtime;
        int javac = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", cp, "-d", dir.toString(), src.toString());
        assertEquals(0, javac, "javac of an app using the generated class");
        Path javaExe = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaExe.toString(), "--add-modules", "jdk.incubator.vector", "-cp",
                dir + java.io.File.pathSeparator + cp, "App", EXAMPLES.resolve("fixtures/mlp/weights.safetensors").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        // The same input through the reference interpreter.
        float[] x = new float[200];
        for (int i = 0; i < x.length; i++) x[i] = (i % 7) / 7f;
        var g = new dev.nnc.frontend.Frontend().compile(EXAMPLES.resolve("mlp.nn")).models().get("Mlp");
        var w = dev.nnc.runtime.WeightBinder.bind(g.paramSpecs(),
                dev.nnc.runtime.Safetensors.read(EXAMPLES.resolve("fixtures/mlp/weights.safetensors")), "mlp");
        Tensor want = dev.nnc.ir.interp.Interpreter.run(g, java.util.Map.of("x", Tensor.ofFloats(dev.nnc.runtime.DType.F32,
                new int[] {2, 100}, x)), w).get("output");
        String line = out.lines().filter(l -> l.startsWith("2 ")).findFirst().orElseThrow(() -> new AssertionError(out));
        String[] parts = line.split(" ");
        assertEquals(want.getDouble(0), Double.parseDouble(parts[1]), 1e-5);
        assertEquals(want.getDouble(1), Double.parseDouble(parts[2]), 1e-5);
    }

    /** nnc in a child JVM started without --add-modules jdk.incubator.vector. */
    static Run withoutVectorApi(String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                "dev.nnc.cli.Main"));
        command.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(command).start();
        String out = new String(p.getInputStream().readAllBytes()), err = new String(p.getErrorStream().readAllBytes());
        return new Run(p.waitFor(), out, err);
    }

    @Test
    void withoutTheVectorApiItWarnsRunsScalarAndStrictRefuses(@TempDir Path dir) throws Exception {
        Run warned = withoutVectorApi("run", EXAMPLES.resolve("mlp.nn").toString(), "-w", EXAMPLES + "/fixtures/mlp/weights.safetensors",
                "-i", EXAMPLES + "/fixtures/mlp/x.npy");
        assertEquals(0, warned.code(), warned.err());
        assertTrue(warned.err().contains("warning: the Vector API is not available"), warned.err());
        assertTrue(warned.out().contains("every kernel runs its scalar path"), warned.out());
        assertTrue(warned.out().contains("0.506422"), warned.out());
        Run strict = withoutVectorApi("build", EXAMPLES.resolve("mlp.nn").toString(), "-o", dir.resolve("m.jar").toString(), "--strict");
        assertEquals(1, strict.code(), strict.err());
        assertTrue(strict.err().contains("--strict makes this an error"), strict.err());
    }

    @Test
    void aFileAloneCompilesToAJarAsJavacWould(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("out/Mnist.jar");
        Run r = nnc(EXAMPLES.resolve("mnist_cnn.nn").toString(), "-o", jar.toString());
        assertEquals(0, r.code(), r.err());
        try (var j = new java.util.jar.JarFile(jar.toFile())) {
            assertTrue(j.getEntry("MnistCnn.class") != null && j.getEntry("MnistCnn$Vec.class") != null);
            assertEquals("nnc-runtime.jar", j.getManifest().getMainAttributes().getValue("Class-Path"));
        }
        assertTrue(Files.isRegularFile(dir.resolve("out/nnc-runtime.jar")));
    }

    @Test
    void emitsKernelIrAndABytecodeListing() {
        Run k = nnc(EXAMPLES.resolve("mlp.nn").toString(), "--emit=kernel-ir");
        assertEquals(0, k.code(), k.err());
        // The first dense layer reads the input directly (with -O2 also the weight, transposed in place).
        assertTrue(k.out().contains("matmul(in:x : f32[B,100], "), k.out());
        Run j = nnc(EXAMPLES.resolve("mlp.nn").toString(), "--emit=jvm");
        assertEquals(0, j.code(), j.err());
        assertTrue(j.out().contains("INVOKESTATIC dev/nnc/runtime/kernels/Gemm.matmul"), j.out());
        assertTrue(j.out().contains("jdk/incubator/vector/FloatVector.fromArray"), j.out());
    }

    @Test
    void interpreterBackendStillAvailable() {
        Run r = nnc("run", EXAMPLES.resolve("mlp.nn").toString(), "--backend=interp", "-w", EXAMPLES + "/fixtures/mlp/weights.safetensors",
                "-i", EXAMPLES + "/fixtures/mlp/x.npy");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("reference interpreter"), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "check", "run", "verify", "build", "help"})
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
