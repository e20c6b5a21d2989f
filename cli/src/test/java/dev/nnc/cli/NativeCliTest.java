package dev.nnc.cli;

import static dev.nnc.cli.MainTest.EXAMPLES;
import static dev.nnc.cli.MainTest.nnc;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native backend as a user meets it through the nnc command. */
class NativeCliTest {
    static final String[] FASHION = {"--weights", EXAMPLES.resolve("fashion_mnist/weights.safetensors").toString(),
            "--input", EXAMPLES.resolve("fashion_mnist/images.npy").toString(),
            "--labels", EXAMPLES.resolve("fashion_mnist/labels.npy").toString()};

    @Test
    void runNativeClassifiesFashionMnist() {
        String[] args = concat(new String[] {"run", "--backend=native", EXAMPLES.resolve("mnist_cnn.nn").toString()}, FASHION);
        MainTest.Run r = nnc(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("native backend"), r.out());
        assertTrue(r.out().contains("8 of 8 correct"), r.out());
    }

    @Test
    void verifyChecksBothBackends() {
        MainTest.Run r = nnc("verify", EXAMPLES.resolve("mnist_cnn.nn").toString(), FASHION[0], FASHION[1], FASHION[2], FASHION[3]);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("native") && r.out().contains("jvm") && r.out().contains("PASS: every output of 2 backends"), r.out());
    }

    @Test
    void buildWritesASharedLibraryAndItsHeader(@TempDir Path dir) throws Exception {
        Path lib = dir.resolve("libmlp.so");
        MainTest.Run r = nnc("build", EXAMPLES.resolve("mlp.nn").toString(), "--backend=native", "-o", lib.toString());
        assertEquals(0, r.code(), r.err());
        byte[] elf = Files.readAllBytes(lib);
        assertEquals(0x7f, elf[0]);
        assertEquals('E', elf[1]);
        assertEquals(62, elf[18], "e_machine x86-64");
        String header = Files.readString(dir.resolve("mlp.h"));
        assertTrue(header.contains("mlp_create") && header.contains("mlp_predict") && header.contains("mlp_last_error"), header);
    }

    @Test
    void aarch64TargetWritesAnArmLibrary(@TempDir Path dir) throws Exception {
        Path lib = dir.resolve("libmlp.so");
        MainTest.Run r = nnc("build", EXAMPLES.resolve("mlp.nn").toString(), "--backend=native", "--target=aarch64-linux-gnu",
                "-o", lib.toString());
        assertEquals(0, r.code(), r.err());
        byte[] elf = Files.readAllBytes(lib);
        assertEquals(183, elf[18] & 0xff, "e_machine AArch64");
    }

    @Test
    void buildWritesANativeJarThatAPlainJavaProgramUses(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("mlp.jar");
        MainTest.Run r = nnc("build", EXAMPLES.resolve("mlp.nn").toString(), "--backend=native", "-o", jar.toString());
        assertEquals(0, r.code(), r.err());
        Path src = dir.resolve("App.java");
        Files.writeString(src, """
                import java.nio.file.Path;
                public class App {
                    public static void main(String[] args) {
                        try (Mlp model = Mlp.load(Path.of(args[0]))) {
                            float[] x = new float[2 * 100];
                            for (int i = 0; i < x.length; i++) x[i] = (i % 7) / 7f;
                            float[] y = model.predict(x);
                            System.out.println(model.backendInfo());
                            System.out.println(y.length + " " + y[0] + " " + y[1]);
                        }
                    }
                }
                """);
        String cp = jar + java.io.File.pathSeparator + dir.resolve("nnc-runtime.jar");
        int javac = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", cp, "-d", dir.toString(), src.toString());
        assertEquals(0, javac, "javac of an app using the generated class");
        Path javaExe = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaExe.toString(), "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", dir + java.io.File.pathSeparator + cp, "App", EXAMPLES.resolve("fixtures/mlp/weights.safetensors").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("native backend"), out);
        float[] x = new float[200];
        for (int i = 0; i < x.length; i++) x[i] = (i % 7) / 7f;
        var g = new dev.nnc.frontend.Frontend().compile(EXAMPLES.resolve("mlp.nn")).models().get("Mlp");
        var w = dev.nnc.runtime.WeightBinder.bind(g.paramSpecs(),
                dev.nnc.runtime.Safetensors.read(EXAMPLES.resolve("fixtures/mlp/weights.safetensors")), "mlp");
        Tensor want = dev.nnc.ir.interp.Interpreter.run(g, java.util.Map.of("x", Tensor.ofFloats(DType.F32, new int[] {2, 100}, x)), w)
                .get("output");
        String[] parts = out.lines().filter(l -> l.startsWith("2 ")).findFirst().orElseThrow(() -> new AssertionError(out)).split(" ");
        assertArrayEquals(new double[] {want.getDouble(0), want.getDouble(1)},
                new double[] {Double.parseDouble(parts[1]), Double.parseDouble(parts[2])}, 1e-5);
    }

    @Test
    void emitShowsOptimizedLlvmIrAndAssembly() {
        MainTest.Run ir = nnc(EXAMPLES.resolve("mlp.nn").toString(), "--emit=llvm");
        assertEquals(0, ir.code(), ir.err());
        assertTrue(ir.out().contains("define void @nnc_k0(ptr") && ir.out().contains("<16 x float>"), ir.out());
        MainTest.Run arm = nnc(EXAMPLES.resolve("mlp.nn").toString(), "--emit=asm", "--target=aarch64-linux-gnu");
        assertEquals(0, arm.code(), arm.err());
        assertTrue(arm.out().contains("nnc_k0:") && arm.out().contains("fmla"), "AArch64 assembly with NEON FMAs");
    }

    @Test
    void wrongTargetsAreUserErrors() {
        MainTest.Run unknown = nnc(EXAMPLES.resolve("mlp.nn").toString(), "--emit=asm", "--target=pdp11-dec-unix");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("unknown target 'pdp11-dec-unix'"), unknown.err());
        String[] args = concat(new String[] {"run", "--backend=native", "--target=aarch64-linux-gnu",
                EXAMPLES.resolve("mnist_cnn.nn").toString()}, FASHION);
        MainTest.Run foreign = nnc(args);
        assertEquals(1, foreign.code());
        assertTrue(foreign.err().contains("cannot run on this x86_64 machine"), foreign.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
