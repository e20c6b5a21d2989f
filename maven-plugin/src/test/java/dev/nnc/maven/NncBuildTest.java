package dev.nnc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NncBuildTest {
    private static final Path MLP = Path.of("../examples/mlp.nn");
    private static final Path MLP_WEIGHTS = Path.of("../examples/fixtures/mlp/weights.safetensors");

    @TempDir Path dir;
    Path src, out, api, state;
    final List<String> lines = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        src = Files.createDirectories(dir.resolve("src/main/nn"));
        out = dir.resolve("target/classes");
        api = dir.resolve("target/generated-sources/nnc-api");
        state = dir.resolve("target/nnc");
        Files.copy(MLP, src.resolve("mlp.nn"));
    }

    private NncBuild.Outcome build(String level, Map<String, Path> weights) throws Exception {
        return build("jvm", level, weights);
    }

    private NncBuild.Outcome build(String backend, String level, Map<String, Path> weights) throws Exception {
        lines.clear();
        NncBuild.Config c = new NncBuild.Config(src, out, api, state, "com.acme", backend, level, weights, List.of());
        return new NncBuild(c, new NncBuild.Log() {
            @Override public void info(String line) { lines.add("[INFO] " + line); }
            @Override public void warn(String line) { lines.add("[WARNING] " + line); }
            @Override public void error(String line) { lines.add("[ERROR] " + line); }
        }).run();
    }

    @Test
    void compilesThenFindsTheFileUpToDate() throws Exception {
        NncBuild.Outcome first = build("O2", Map.of("Mlp", MLP_WEIGHTS));
        assertEquals(1, first.compiled().size());
        assertTrue(Files.isRegularFile(out.resolve("com/acme/Mlp.class")));
        assertTrue(Files.isRegularFile(out.resolve("com/acme/Mlp$Vec.class")));
        assertEquals(Files.size(MLP_WEIGHTS), Files.size(out.resolve("com/acme/Mlp.safetensors")));
        assertTrue(Files.readString(api.resolve("com/acme/Mlp.java")).contains("public float[] predict(float[] x);"));
        assertTrue(lines.contains("[INFO] nnc: compiling mlp.nn (jvm, -O2)"), lines::toString);

        NncBuild.Outcome second = build("O2", Map.of("Mlp", MLP_WEIGHTS));
        assertEquals(0, second.compiled().size());
        assertEquals(List.of("[INFO] nnc: 1 model file up to date"), lines);
    }

    /** backend=native: the class runs the library packed beside it, and matches the JVM backend's class. */
    @Test
    void nativeBackendClassRunsItsBundledLibrary() throws Exception {
        build("native", "O2", Map.of("Mlp", MLP_WEIGHTS));
        assertTrue(Files.isRegularFile(out.resolve("com/acme/Mlp-" + dev.nnc.runtime.NativeLibrary.platform() + ".so")));
        float[] x = new float[3 * 100];
        for (int i = 0; i < x.length; i++) x[i] = (i % 11) / 11f;
        float[] nativeOut = predict(x);
        assertTrue(predictsWith("dev.nnc.runtime.NativeCompiledModel"), "the native class extends NativeCompiledModel");
        Files.walk(out).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        Files.walk(state).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        build("jvm", "O2", Map.of("Mlp", MLP_WEIGHTS));
        float[] jvmOut = predict(x);
        for (int i = 0; i < jvmOut.length; i++) assertEquals(jvmOut[i], nativeOut[i], 1e-5 + 1e-4 * Math.abs(jvmOut[i]));
    }

    /** backend=cuda: the class carries its PTX and extends the runtime's CUDA host; without a GPU, loading it says so. */
    @Test
    void cudaBackendClassCarriesItsPtx() throws Exception {
        build("cuda", "O2", Map.of("Mlp", MLP_WEIGHTS));
        assertTrue(Files.readString(out.resolve("com/acme/Mlp.ptx")).contains(".target sm_80"));
        assertTrue(Files.readString(api.resolve("com/acme/Mlp.java")).contains("public float[] predict(float[] x);"));
        assertTrue(predictsWith("dev.nnc.runtime.cuda.CudaCompiledModel"), "the cuda class extends CudaCompiledModel");
        boolean gpu;
        try {
            dev.nnc.runtime.cuda.CudaDriver.open().close();
            gpu = true;
        } catch (dev.nnc.runtime.cuda.CudaUnavailable e) {
            gpu = false;
        }
        if (gpu) {
            assertEquals(2, predict(new float[2 * 100]).length);
        } else {
            var e = org.junit.jupiter.api.Assertions.assertThrows(java.lang.reflect.InvocationTargetException.class,
                    () -> predict(new float[2 * 100]));
            assertTrue(e.getCause().getMessage().startsWith("no CUDA"), e.getCause().getMessage());
        }
    }

    /** {@code Mlp.load().predict(x)} through a class loader over the output folder. */
    private float[] predict(float[] x) throws Exception {
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {out.toUri().toURL()}, getClass().getClassLoader())) {
            Object model = loader.loadClass("com.acme.Mlp").getMethod("load").invoke(null);
            try {
                return (float[]) model.getClass().getMethod("predict", float[].class).invoke(model, (Object) x);
            } finally {
                if (model instanceof AutoCloseable c) c.close();
            }
        }
    }

    private boolean predictsWith(String superclass) throws Exception {
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {out.toUri().toURL()}, getClass().getClassLoader())) {
            return loader.loadClass("com.acme.Mlp").getSuperclass().getName().equals(superclass);
        }
    }

    @Test
    void changedSourceParameterWeightsOrMissingOutputRecompiles() throws Exception {
        build("O2", Map.of());
        Files.writeString(src.resolve("mlp.nn"), Files.readString(src.resolve("mlp.nn")) + "\n// edited\n");
        assertEquals(1, build("O2", Map.of()).compiled().size(), "changed source");
        assertEquals(1, build("O1", Map.of()).compiled().size(), "changed optimization level");
        Path w = dir.resolve("w.safetensors");
        Files.copy(MLP_WEIGHTS, w);
        assertEquals(1, build("O1", Map.of("Mlp", w)).compiled().size(), "weights added");
        assertEquals(0, build("O1", Map.of("Mlp", w)).compiled().size());
        byte[] bytes = Files.readAllBytes(w);
        bytes[bytes.length - 1] ^= 1;
        Files.write(w, bytes);
        assertEquals(1, build("O1", Map.of("Mlp", w)).compiled().size(), "weights content changed");
        Files.delete(out.resolve("com/acme/Mlp$Vec.class"));
        assertEquals(1, build("O1", Map.of("Mlp", w)).compiled().size(), "output deleted");
        assertTrue(Files.isRegularFile(out.resolve("com/acme/Mlp$Vec.class")));
    }

    @Test
    void removedSourceRemovesItsOutputs() throws Exception {
        build("O2", Map.of());
        Files.delete(src.resolve("mlp.nn"));
        build("O2", Map.of());
        assertTrue(Files.notExists(out.resolve("com/acme/Mlp.class")));
    }

    @Test
    void subfoldersBecomeSubPackages() throws Exception {
        Files.createDirectories(src.resolve("tabular"));
        Files.move(src.resolve("mlp.nn"), src.resolve("tabular/mlp.nn"));
        build("O2", Map.of());
        assertTrue(Files.isRegularFile(out.resolve("com/acme/tabular/Mlp.class")));
        assertTrue(lines.contains("[INFO] nnc: compiling tabular/mlp.nn (jvm, -O2)"), lines::toString);
    }

    @Test
    void compileErrorsAreLoggedOnePerLineAndFailTheBuild() throws Exception {
        Path bad = src.resolve("bad.nn");
        Files.writeString(bad, "import std.nn.*\n\nmodel Bad(x: f32[B, 4]) -> f32[B, 2] {\n    x |> dens(2)\n}\n");
        NncBuild.Failure f = assertThrows(NncBuild.Failure.class, () -> build("O2", Map.of()));
        assertEquals("nnc: 1 error in bad.nn (see above)", f.getMessage());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("[ERROR] " + bad.toAbsolutePath() + ":4:10: error: unknown name 'dens'")),
                lines::toString);
        assertTrue(lines.contains("[ERROR]  4 |     x |> dens(2)"), lines::toString);
        // The good file was compiled all the same, and is up to date next time.
        assertTrue(Files.isRegularFile(out.resolve("com/acme/Mlp.class")));
        Files.delete(bad);
        assertEquals(0, build("O2", Map.of()).compiled().size());
    }

    @Test
    void weightsForAnUnknownModelOrAMissingFileFail() {
        NncBuild.Failure unknown = assertThrows(NncBuild.Failure.class, () -> build("O2", Map.of("Mpl", MLP_WEIGHTS)));
        assertEquals("nnc: <weights> names no model 'Mpl'; the models are: Mlp", unknown.getMessage());
        Map<String, Path> missing = new LinkedHashMap<>();
        missing.put("Mlp", dir.resolve("nope.safetensors"));
        NncBuild.Failure gone = assertThrows(NncBuild.Failure.class, () -> build("O2", missing));
        assertTrue(gone.getMessage().contains("nope.safetensors does not exist"), gone.getMessage());
    }

    @Test
    void badParametersFail() {
        NncBuild.Failure level = assertThrows(NncBuild.Failure.class, () -> build("O3", Map.of()));
        assertTrue(level.getMessage().startsWith("nnc: optimizationLevel: unknown optimization level 'O3'"), level.getMessage());
    }
}
