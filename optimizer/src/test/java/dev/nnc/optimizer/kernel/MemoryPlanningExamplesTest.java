package dev.nnc.optimizer.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.ModelLoader;
import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.interp.Interpreter;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.KernelVerifier;
import dev.nnc.ir.kernel.Space;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.SyntheticWeights;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.WeightBinder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The example models through the whole -O2 pipeline: the planned arena at batch 32 is at most
 * 40% of the naive sum of every intermediate of the -O0 program (each arena storage's size),
 * and the compiled model still matches the reference interpreter (on the fixture input, and
 * on a random batch of 32 so that the planned offsets are exercised at the measured size).
 */
class MemoryPlanningExamplesTest {
    static final Path EXAMPLES = Path.of("..", "examples");
    static final long BATCH = 32;

    static Graph compile(String model) {
        Frontend.Result r = new Frontend().compile(EXAMPLES.resolve(model + ".nn"));
        assertTrue(r.ok(), () -> r.diagnostics().render());
        return r.models().values().iterator().next();
    }

    static Map<String, Tensor> weights(String model, Graph g) {
        if (model.equals("catsdogs_cnn")) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (var p : g.paramSpecs()) out.put(p.name(), SyntheticWeights.generate(p.name(), p.shape(), 0));
            return out;
        }
        return Safetensors.read(EXAMPLES.resolve("fixtures").resolve(model).resolve("weights.safetensors"));
    }

    /** Sum of the sizes of every distinct arena storage, at the given batch. */
    static long naiveArena(KernelProgram p, Map<String, Long> bindings) {
        Map<String, Long> sizes = new HashMap<>();
        for (Kernel k : p.kernels()) {
            for (Buf b : k.ins()) add(sizes, b, bindings);
            add(sizes, k.out(), bindings);
        }
        return sizes.values().stream().mapToLong(Long::longValue).sum();
    }

    private static void add(Map<String, Long> sizes, Buf b, Map<String, Long> bindings) {
        if (b.space() == Space.ARENA) sizes.putIfAbsent(b.name() + "@" + b.offset(), b.type().shape().numel().eval(bindings));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"mlp, x", "mnist_cnn, image", "cifar_cnn, image", "catsdogs_cnn, image"})
    void plannedArenaIsSmallAndModelStillMatches(String model, String input) {
        Graph g = compile(model);
        KernelProgram o0 = PassManager.forLevel(OptLevel.O0).run(g);
        KernelProgram o2 = PassManager.forLevel(OptLevel.O2).verifyEach(true).run(g);
        KernelVerifier.verify(o2);
        Map<String, Long> b32 = Map.of("B", BATCH);
        long naive = naiveArena(o0, b32), planned = o2.arenaSize().eval(b32);
        double ratio = (double) planned / naive;
        System.out.printf("%s: kernels %d (-O0) -> %d (-O2) + %d prepare; arena at B=%d: %d of naive %d elements (%.1f%%); -O2 arena %s%n",
                model, o0.kernels().size(), o2.kernels().size(), o2.prepare().size(), BATCH, planned, naive, 100 * ratio,
                o2.arenaSize());
        assertTrue(ratio <= 0.40, () -> model + ": planned arena is " + planned + " of naive " + naive + " elements");

        Map<String, Tensor> w = weights(model, g);
        CompiledModel m = ModelLoader.instantiate(JvmBackend.compile(o2, JvmBackend.className(g.name())), w);
        Map<String, Tensor> bound = WeightBinder.bind(g.paramSpecs(), w, model);
        Tensor fixture = Npy.read(EXAMPLES.resolve("fixtures").resolve(model).resolve(input + ".npy"));
        Tensor batch = randomBatch(fixture, (int) BATCH, new Random(7));
        for (Tensor x : List.of(fixture, batch)) {
            Tensor expected = Interpreter.run(g, Map.of(input, x), bound).get("output");
            Tensor actual = m.run(Map.of(input, x)).get("output");
            KernelPassTesting.assertClose(model, expected, actual, 1e-4, 1e-5);
        }
    }

    /** A batch of {@code n} with the fixture's per-item shape, values like an image's (0..1). */
    private static Tensor randomBatch(Tensor like, int n, Random rnd) {
        int[] shape = like.shape().clone();
        shape[0] = n;
        Tensor t = Tensor.zeros(like.dtype(), shape);
        float[] f = t.floats();
        for (int i = 0; i < f.length; i++) f[i] = rnd.nextFloat();
        return t;
    }
}
