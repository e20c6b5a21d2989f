package dev.nnc.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.cuda.CudaCompiledModel;
import dev.nnc.runtime.cuda.CudaDriver;
import dev.nnc.runtime.cuda.CudaUnavailable;
import dev.nnc.runtime.cuda.Device;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class {@code nnc build --backend=cuda} writes (JvmBackend.compileCuda over this backend's
 * PTX and launch table), loaded from class files and its PTX resource as a user's class loader
 * would: its public API is the JVM backend's, its PTX assembles, it runs on the
 * {@link EmulatedDevice} (through its package-private device constructor) like the interpreter,
 * and its public constructor, which needs the GPU, fails clearly where there is none.
 */
class EmulatedModelClassTest {
    @TempDir
    Path dir;

    private record Compiled(Graph graph, PtxModule module, JvmBackend.Result result) {}

    private static Compiled compile(String file) {
        Frontend.Result r = new Frontend().compile(PtxExamplesTest.EXAMPLES.resolve(file));
        assertTrue(r.ok(), () -> r.diagnostics().render());
        Graph g = r.models().values().iterator().next();
        KernelProgram p = PassManager.forLevel(OptLevel.O2).run(g);
        PtxModule m = CudaBackend.emit(p, CudaTarget.DEFAULT);
        String className = "gen." + JvmBackend.className(p.name());
        return new Compiled(g, m, JvmBackend.compileCuda(p, className, m.signature(), m.launchTable().text(), CudaBackend.ptx(m)));
    }

    /** The classes and resources written under {@code root} and loaded from there. */
    private static Class<?> load(Path root, JvmBackend.Result r) throws IOException, ClassNotFoundException {
        for (var c : r.classes().entrySet()) write(root.resolve(c.getKey().replace('.', '/') + ".class"), c.getValue());
        for (var c : r.resources().entrySet()) write(root.resolve(c.getKey()), c.getValue());
        var loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, EmulatedModelClassTest.class.getClassLoader());
        return loader.loadClass(r.className());
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private static CudaCompiledModel onEmulator(Class<?> c, PtxModule m, Map<String, Tensor> weights) throws ReflectiveOperationException {
        Constructor<?> ctor = c.getDeclaredConstructor(Map.class, Device.class);
        assertTrue(!Modifier.isPublic(ctor.getModifiers()), "the device constructor is not API");
        ctor.setAccessible(true);
        return (CudaCompiledModel) ctor.newInstance(weights, new EmulatedDevice(m));
    }

    @Test
    void theMlpClassRunsOnTheEmulatorLikeTheInterpreter() throws Exception {
        Compiled c = compile("mlp.nn");
        Class<?> cls = load(dir, c.result());
        Map<String, Tensor> weights = ModelCases.weights(c.graph());
        try (CudaCompiledModel model = onEmulator(cls, c.module(), weights)) {
            Map<String, Tensor> inputs = ModelCases.inputs(c.graph(), c.module(), 3, 11);
            ModelCases.assertMatchesInterpreter(c.graph(), inputs, weights, model.run(inputs), 1e-5, "run(Map)");
            Tensor x = inputs.values().iterator().next();
            float[] typed = (float[]) cls.getMethod("predict", float[].class).invoke(model, (Object) x.floats());
            Tensor y = model.run(inputs).values().iterator().next();
            assertEquals(Arrays.toString(y.floats()), Arrays.toString(typed), "typed predict is run(Map)");
            assertTrue(model.backendInfo().startsWith("cuda backend: CUDA emulator on the CPU, PTX for sm_80"), model.backendInfo());
        }
    }

    /** Token ids checked against the embedding table before any kernel runs: the signature's indices lines. */
    @Test
    void theBertClassRunsOnTheEmulatorAndRefusesTokenIdsOutsideItsTable() throws Exception {
        Compiled c = compile("bert_small.nn");
        Class<?> cls = load(dir, c.result());
        Map<String, Tensor> weights = ModelCases.weights(c.graph());
        try (CudaCompiledModel model = onEmulator(cls, c.module(), weights)) {
            Map<String, Tensor> inputs = ModelCases.inputs(c.graph(), c.module(), 2, 5);
            ModelCases.assertMatchesInterpreter(c.graph(), inputs, weights, model.run(inputs), 1e-5, "run(Map)");
            var ids = inputs.entrySet().stream().filter(e -> !e.getValue().dtype().isFloat()).findFirst().orElseThrow();
            long[] bad = ids.getValue().longs().clone();
            bad[0] = 1_000_000;
            var badInputs = new java.util.LinkedHashMap<>(inputs);
            badInputs.put(ids.getKey(), Tensor.ofLongs(ids.getValue().dtype(), ids.getValue().shape(), bad));
            var e = assertThrows(dev.nnc.runtime.InputMismatchException.class, () -> model.run(badInputs));
            assertTrue(e.getMessage().contains("index 1000000 at element 0"), e.getMessage());
        }
    }

    @Test
    void itsPublicApiIsTheJvmClasssAndItCarriesItsPtx() throws Exception {
        Compiled c = compile("mnist_cnn.nn");
        Class<?> cuda = load(dir.resolve("cuda"), c.result());
        Class<?> jvm = load(dir.resolve("jvm"), JvmBackend.compile(PassManager.forLevel(OptLevel.O2).run(c.graph()), c.result().className()));
        assertEquals(publicMembers(jvm), publicMembers(cuda));
        assertTrue(publicMembers(cuda).contains("predict(float[],float[]) -> void"), publicMembers(cuda).toString());
        assertEquals(CudaCompiledModel.class, cuda.getSuperclass());
        assertEquals(Set.of("gen/MnistCnn.ptx"), c.result().resources().keySet());
        String ptx = new String(cuda.getResourceAsStream("MnistCnn.ptx").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(ptx.contains(".target sm_80") && ptx.contains(".entry nnc_k0"), "the resource is the module's PTX");
        var ptxas = Ptxas.find();
        assumeTrue(ptxas.isPresent(), Ptxas.MISSING);
        assertNull(Ptxas.assemble(ptxas.get(), ptx, "sm_80"));
    }

    /** Where there is no GPU, constructing the class says why, as {@code nnc run --backend=cuda} does; with one, it runs. */
    @Test
    void itsPublicConstructorNeedsTheGpuAndSaysSoWithoutOne() throws Exception {
        Compiled c = compile("mlp.nn");
        Class<?> cls = load(dir, c.result());
        Map<String, Tensor> weights = ModelCases.weights(c.graph());
        if (gpuPresent()) {
            try (var model = (CudaCompiledModel) cls.getConstructor(Map.class).newInstance(weights)) {
                Map<String, Tensor> inputs = ModelCases.inputs(c.graph(), c.module(), 3, 11);
                ModelCases.assertMatchesInterpreter(c.graph(), inputs, weights, model.run(inputs), 1e-5, "on the GPU");
            }
            return;
        }
        var e = assertThrows(InvocationTargetException.class, () -> cls.getConstructor(Map.class).newInstance(weights));
        CudaUnavailable why = assertInstanceOf(CudaUnavailable.class, e.getCause());
        assertTrue(why.getMessage().startsWith("no CUDA driver found (libcuda.so.1") || why.getMessage().startsWith("no CUDA device found"),
                why.getMessage());
        var wrongWeights = Map.of("nothing", Tensor.ofFloats(DType.F32, new int[] {1}, new float[1]));
        var bad = assertThrows(InvocationTargetException.class, () -> cls.getConstructor(Map.class).newInstance(wrongWeights));
        assertTrue(bad.getCause().getMessage().contains("the weights given to Mlp"), "weights are checked before the device is opened: "
                + bad.getCause().getMessage());
    }

    private static boolean gpuPresent() {
        try {
            CudaDriver.open().close();
            return true;
        } catch (CudaUnavailable e) {
            return false;
        }
    }

    /** Public constructors, methods and fields a class declares, as comparable text. */
    private static Set<String> publicMembers(Class<?> c) {
        Set<String> out = new TreeSet<>();
        Stream.of(c.getDeclaredConstructors(), c.getDeclaredMethods(), c.getDeclaredFields()).flatMap(Arrays::stream)
                .filter(m -> Modifier.isPublic(((Member) m).getModifiers()))
                .forEach(m -> out.add(switch (m) {
                    case java.lang.reflect.Method x -> x.getName() + params(x.getParameterTypes()) + " -> " + x.getReturnType().getSimpleName();
                    case Constructor<?> x -> "new" + params(x.getParameterTypes());
                    case java.lang.reflect.Field x -> x.getName() + ": " + x.getType().getSimpleName();
                    default -> throw new IllegalStateException();
                }));
        return out;
    }

    private static String params(Class<?>[] types) {
        return "(" + String.join(",", Arrays.stream(types).map(Class::getSimpleName).toList()) + ")";
    }
}
