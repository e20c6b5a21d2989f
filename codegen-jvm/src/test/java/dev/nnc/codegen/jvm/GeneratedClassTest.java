package dev.nnc.codegen.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.Lowering;
import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.InputMismatchException;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The generated class as an application uses it: typed predict, checks, threads, allocation. */
class GeneratedClassTest {
    static final String MODEL = "mnist_cnn";

    static CompiledModel mnist() {
        Graph g = ExampleModelsTest.compile(MODEL);
        return ModelLoader.instantiate(JvmBackend.compile(Lowering.lower(g), "MnistCnn"),
                Safetensors.read(ExampleModelsTest.EXAMPLES.resolve("fixtures/mnist_cnn/weights.safetensors")));
    }

    /** The same model as the optimizer fuses it (see ExampleModelsTest.fusedMnist): GEMM and conv relu flags, packed transposed weights. */
    static CompiledModel mnistFused() throws Exception {
        return ModelLoader.instantiate(JvmBackend.compile(ExampleModelsTest.fusedMnist(), "MnistCnnFused"),
                Safetensors.read(ExampleModelsTest.EXAMPLES.resolve("fixtures/mnist_cnn/weights.safetensors")));
    }

    static float[] images(int batch, long seed) {
        Random rng = new Random(seed);
        float[] x = new float[batch * 784];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextFloat();
        return x;
    }

    static Method predict(CompiledModel m) throws NoSuchMethodException {
        return m.getClass().getMethod("predict", float[].class, float[].class);
    }

    /** {@code load()} reads the weights a build tool packed beside the class; without them it says what to do. */
    @Test
    void loadReadsWeightsPackedBesideTheClass(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        JvmBackend.Result r = JvmBackend.compile(Lowering.lower(ExampleModelsTest.compile(MODEL)), "com.acme.MnistCnn");
        for (var e : r.classes().entrySet()) {
            java.nio.file.Path f = dir.resolve(e.getKey().replace('.', '/') + ".class");
            java.nio.file.Files.createDirectories(f.getParent());
            java.nio.file.Files.write(f, e.getValue());
        }
        try (var bare = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            var noWeights = assertThrows(java.lang.reflect.InvocationTargetException.class,
                    () -> bare.loadClass("com.acme.MnistCnn").getMethod("load").invoke(null));
            assertTrue(noWeights.getCause().getMessage().contains("no weights resource MnistCnn.safetensors"),
                    noWeights.getCause().getMessage());
        }
        java.nio.file.Files.copy(ExampleModelsTest.EXAMPLES.resolve("fixtures/mnist_cnn/weights.safetensors"),
                dir.resolve(JvmBackend.weightsResourcePath("com.acme.MnistCnn")));
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            CompiledModel m = (CompiledModel) loader.loadClass("com.acme.MnistCnn").getMethod("load").invoke(null);
            float[] x = images(2, 3), y = new float[20], want = new float[20];
            predict(m).invoke(m, x, y);
            CompiledModel reference = mnist();
            predict(reference).invoke(reference, x, want);
            assertArrayEquals(want, y, 0f);
        }
    }

    @Test
    void typedPredictMatchesRunAndChecksLengths() throws Exception {
        CompiledModel m = mnist();
        float[] x = images(3, 1), y = new float[30];
        predict(m).invoke(m, x, y);
        Tensor viaRun = m.run(Map.of("image", Tensor.ofFloats(DType.F32, new int[] {3, 1, 28, 28}, x))).get("output");
        assertArrayEquals(viaRun.floats(), y, 0f);
        assertEquals("f32[B,1,28,28]", m.getClass().getField("IMAGE_TYPE").get(null));
        var e = assertThrows(java.lang.reflect.InvocationTargetException.class, () -> predict(m).invoke(m, new float[785], new float[10]));
        assertTrue(e.getCause() instanceof InputMismatchException && e.getCause().getMessage().contains("input 'image'"),
                e.getCause().getMessage());
        var wrongOut = assertThrows(java.lang.reflect.InvocationTargetException.class, () -> predict(m).invoke(m, x, new float[10]));
        assertTrue(wrongOut.getCause().getMessage().contains("output 'output'"), wrongOut.getCause().getMessage());
        var wrongShape = assertThrows(InputMismatchException.class,
                () -> m.run(Map.of("image", Tensor.zeros(DType.F32, new int[] {2, 3, 28, 28}))));
        assertTrue(wrongShape.getMessage().contains("f32[2,3,28,28]"), wrongShape.getMessage());
    }

    @Test
    void concurrentCallersGetTheirOwnResults() throws Exception {
        CompiledModel m = mnist();
        Method p = predict(m);
        int callers = 4;
        List<float[]> inputs = new ArrayList<>(), expected = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            float[] x = images(1 + i, 10 + i), y = new float[(1 + i) * 10];
            p.invoke(m, x, y);
            inputs.add(x);
            expected.add(y);
        }
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                int c = i;
                results.add(pool.submit(() -> {
                    float[] y = new float[(1 + c) * 10];
                    for (int rep = 0; rep < 50; rep++) {
                        p.invoke(m, inputs.get(c), y);
                        if (!java.util.Arrays.equals(y, expected.get(c))) return false;
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) assertTrue(f.get(), "a concurrent caller saw another caller's data");
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aSteadyStateCallAllocatesNothingOnTheCallingThread() throws Exception {
        // On one thread and split across two: kernels reuse per-thread job objects and scratch.
        // The plain lowering's weight transposes write arena slots on every call: still no allocation.
        int threads = dev.nnc.runtime.kernels.Parallel.threads();
        try {
            for (int t : new int[] {1, 2}) {
                dev.nnc.runtime.kernels.Parallel.setThreads(t);
                checkNoAllocation();
            }
        } finally {
            dev.nnc.runtime.kernels.Parallel.setThreads(threads);
        }
    }

    @Test
    void dataMovementKernelsAllocateNothingEither() throws Exception {
        // transpose, slice and concat take shape arrays: they come from per-thread scratch.
        var b = new dev.nnc.ir.GraphBuilder("Moves");
        var x = b.input("x", new dev.nnc.ir.TensorType(DType.F32, dev.nnc.ir.Shape.of(dev.nnc.ir.Dim.sym("B"), dev.nnc.ir.Dim.of(6), dev.nnc.ir.Dim.of(10))));
        var t = b.add(dev.nnc.ir.Op.TRANSPOSE, List.of(x), dev.nnc.ir.Attrs.of("perm", List.of(0L, 2L, 1L)));
        var s = b.add(dev.nnc.ir.Op.SLICE, List.of(t), dev.nnc.ir.Attrs.of("axes", List.of(1L), "starts", List.of(1L),
                "ends", List.of(9L), "steps", List.of(2L)));
        b.output("output", b.add(dev.nnc.ir.Op.CONCAT, List.of(s, s), dev.nnc.ir.Attrs.of("axis", 1L)));
        var g = b.build();
        CompiledModel m = ModelLoader.instantiate(JvmBackend.compile(Lowering.lower(g), "Moves"), Map.of());
        Method p = predict(m);
        int threads = dev.nnc.runtime.kernels.Parallel.threads();
        dev.nnc.runtime.kernels.Parallel.setThreads(1);
        try {
            assertAllocationFree(p, m, new Object[] {new float[3 * 60], new float[3 * 8 * 6]});
        } finally {
            dev.nnc.runtime.kernels.Parallel.setThreads(threads);
        }
    }

    /** Both the plain lowering (elementwise relus and bias adds, transposes) and the fused program. */
    private void checkNoAllocation() throws Exception {
        for (CompiledModel m : List.of(mnist(), mnistFused())) {
            Method p = predict(m);
            float[] x = images(8, 3), y = new float[80];
            assertAllocationFree(p, m, new Object[] {x, y});
        }
    }

    private static void assertAllocationFree(Method p, CompiledModel m, Object[] args) throws Exception {
        for (int i = 0; i < 3000; i++) p.invoke(m, args);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 20; i++) p.invoke(m, args);
        long after = threads.getThreadAllocatedBytes(id);
        // Reflection's invoke itself allocates nothing for these argument types once warmed up;
        // the budget covers the MXBean call's own bookkeeping.
        assertTrue(after - before < 200, "20 calls allocated " + (after - before) + " bytes");
    }
}
