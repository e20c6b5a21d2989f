package dev.nnc.cli;

import static dev.nnc.cli.MainTest.EXAMPLES;
import static dev.nnc.cli.MainTest.nnc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CUDA backend as a user meets it through the nnc command, on a machine with or without a GPU. */
class CudaCliTest {

    /** True when the NVIDIA driver library is installed (then the no-device test does not apply). */
    private static boolean driverInstalled() {
        for (String dir : new String[] {"/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/cuda/lib64"}) {
            if (Files.exists(Path.of(dir, "libcuda.so.1"))) return true;
        }
        return false;
    }

    @Test
    void runWithoutADriverSaysSoClearly() {
        assumeFalse(driverInstalled(), "this machine has the CUDA driver");
        MainTest.Run r = nnc("run", "--backend=cuda", EXAMPLES.resolve("mlp.nn").toString(), "--synthetic-weights",
                "--input", EXAMPLES.resolve("fixtures/mlp/x.npy").toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("error: no CUDA driver found"), r.err());
        assertTrue(r.err().contains("no CUDA device"), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void verifyWithCudaWithoutADriverSaysSo() {
        assumeFalse(driverInstalled(), "this machine has the CUDA driver");
        MainTest.Run r = nnc("verify", "--cuda", EXAMPLES.resolve("mlp.nn").toString(), "--synthetic-weights",
                "--input", EXAMPLES.resolve("fixtures/mlp/x.npy").toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("error: no CUDA driver found"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void emitPtxPrintsAModuleForTheChosenGpu() {
        MainTest.Run r = nnc(EXAMPLES.resolve("mnist_cnn.nn").toString(), "--emit=ptx", "--gpu=sm_90");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(".target sm_90"), r.out());
        assertTrue(r.out().contains(".entry nnc_k0"), r.out());
    }

    @Test
    void emitPtxWritesAFileWithO(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("mlp.ptx");
        MainTest.Run r = nnc(EXAMPLES.resolve("mlp.nn").toString(), "--emit=ptx", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(out).contains(".target sm_80"), "sm_80 by default");
    }

    @Test
    void anUnknownGpuIsAUserError() {
        MainTest.Run r = nnc(EXAMPLES.resolve("mlp.nn").toString(), "--emit=ptx", "--gpu=sm_61");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--gpu: unknown GPU architecture 'sm_61'; expected one of sm_75, sm_80"), r.err());
    }

    /**
     * The jar of {@code build --backend=cuda} holds the model class and its PTX, and a plain Java
     * program using it needs only the runtime jar; without a driver, loading the model says so.
     */
    @Test
    void buildWritesACudaJarThatAPlainJavaProgramLoads(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("mlp.jar");
        MainTest.Run r = nnc("build", EXAMPLES.resolve("mlp.nn").toString(), "--backend=cuda", "--gpu=sm_90", "-o", jar.toString());
        assertEquals(0, r.code(), r.err());
        try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
            assertTrue(zip.getEntry("Mlp.class") != null, "the model class");
            String ptx = new String(zip.getInputStream(zip.getEntry("Mlp.ptx")).readAllBytes());
            assertTrue(ptx.contains(".target sm_90") && ptx.contains(".entry nnc_k0"), "the PTX for --gpu");
        }
        Path src = dir.resolve("App.java");
        Files.writeString(src, """
                import java.nio.file.Path;
                public class App {
                    public static void main(String[] args) {
                        try (Mlp model = Mlp.load(Path.of(args[0]))) {
                            float[] y = model.predict(new float[2 * 100]);
                            System.out.println(model.backendInfo() + " -> " + y.length);
                        } catch (RuntimeException e) {
                            System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
                        }
                    }
                }
                """);
        String cp = jar + java.io.File.pathSeparator + dir.resolve("nnc-runtime.jar");
        int javac = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", cp, "-d", dir.toString(), src.toString());
        assertEquals(0, javac, "javac of an app using the generated class");
        Path javaExe = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaExe.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", dir + java.io.File.pathSeparator + cp, "App", EXAMPLES.resolve("fixtures/mlp/weights.safetensors").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        if (driverInstalled()) {
            assertTrue(out.contains("cuda backend") || out.contains("CudaUnavailable"), out);
        } else {
            assertTrue(out.startsWith("CudaUnavailable: no CUDA driver found (libcuda.so.1 could not be loaded)"), out);
        }
    }

    @Test
    void buildForCudaWritesPtxOrRefusesOtherFiles(@TempDir Path dir) throws Exception {
        Path ptx = dir.resolve("mlp.ptx");
        MainTest.Run r = nnc("build", EXAMPLES.resolve("mlp.nn").toString(), "--backend=cuda", "-o", ptx.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(ptx).contains(".target sm_80"), "sm_80 by default");
        MainTest.Run so = nnc("build", EXAMPLES.resolve("mlp.nn").toString(), "--backend=cuda", "-o", dir.resolve("libmlp.so").toString());
        assertEquals(1, so.code(), so.out() + so.err());
        assertTrue(so.err().contains("--backend=cuda writes a jar (-o NAME.jar) or PTX (-o NAME.ptx)"), so.err());
        MainTest.Run gpu = nnc("build", EXAMPLES.resolve("mlp.nn").toString(), "--backend=cuda", "--gpu=sm_20", "-o", dir.resolve("m.jar").toString());
        assertEquals(1, gpu.code());
        assertTrue(gpu.err().contains("--gpu: unknown GPU architecture 'sm_20'"), gpu.err());
    }
}
