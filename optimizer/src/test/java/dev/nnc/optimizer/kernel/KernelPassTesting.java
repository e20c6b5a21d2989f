package dev.nnc.optimizer.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.ModelLoader;
import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Dim;
import dev.nnc.ir.Graph;
import dev.nnc.ir.IrParser;
import dev.nnc.ir.Verifier;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.KernelVerifier;
import dev.nnc.ir.kernel.Lowering;
import dev.nnc.ir.kernel.Space;
import dev.nnc.optimizer.KernelPass;
import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Golden-text and differential checks shared by the kernel pass tests. Goldens live in
 * {@code src/test/resources/golden/kernel/NAME.before.kir} (hand-written kernel IR, comments
 * allowed) and {@code NAME.after.kir} (the printed result); {@code -Dgolden.update=true}
 * rewrites the after files, which are then reviewed like code.
 */
final class KernelPassTesting {
    private KernelPassTesting() {}

    static final double REL = 1e-5, ABS = 1e-6;

    static String resource(String name) {
        try (InputStream s = KernelPassTesting.class.getResourceAsStream("/golden/kernel/" + name)) {
            assertNotNull(s, "missing test resource golden/kernel/" + name);
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses and verifies kernel IR text. */
    static KernelProgram parse(String text) {
        KernelProgram p = KernelParser.parse(text);
        KernelVerifier.verify(p);
        return p;
    }

    /** Parses, verifies and lowers graph IR text: the one-kernel-per-op program. */
    static KernelProgram lower(String graphText) {
        Graph g = IrParser.parse(graphText);
        Verifier.verify(g);
        KernelProgram p = Lowering.lower(g);
        KernelVerifier.verify(p);
        return p;
    }

    static final Path EXAMPLES = Path.of("..", "examples");

    /** An example model (examples/NAME.nn) as graph IR. */
    static Graph example(String name) {
        Frontend.Result r = new Frontend().compile(EXAMPLES.resolve(name + ".nn"));
        assertTrue(r.ok(), () -> r.diagnostics().render());
        return r.models().values().iterator().next();
    }

    /** {@code passes} run in order on {@code p}, each result verified. */
    static KernelProgram runAll(KernelProgram p, KernelPass... passes) {
        for (KernelPass pass : passes) {
            p = pass.run(p);
            KernelVerifier.verify(p);
        }
        return p;
    }

    /** Runs {@code pass} on NAME.before.kir, checks the verifier and the text against NAME.after.kir; returns both programs. */
    static KernelProgram[] assertGolden(KernelPass pass, String name) {
        KernelProgram before = parse(resource(name + ".before.kir"));
        KernelProgram after = pass.run(before);
        KernelVerifier.verify(after);
        String actual = KernelPrinter.print(after);
        if (Boolean.getBoolean("golden.update")) {
            try {
                Files.writeString(Path.of("src/test/resources/golden/kernel", name + ".after.kir"), actual);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertEquals(resource(name + ".after.kir"), actual, () -> pass.name() + " on " + name + ".before.kir");
        assertEquals(after, KernelParser.parse(actual), "the printed result reads back to the same program");
        return new KernelProgram[] {before, after};
    }

    /** The pass leaves the program alone: it returns the very same object. */
    static void assertUnchanged(KernelPass pass, KernelProgram p) {
        assertSame(p, pass.run(p), () -> pass.name() + " changed\n" + KernelPrinter.print(p));
    }

    /** Seeded random weights for every declared weight; names containing "var" get positive values (variances). */
    static Map<String, Tensor> randomWeights(KernelProgram p, Random rnd) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Buf w : p.weights()) out.put(w.name(), random(w, Map.of(), rnd, w.name().contains("var")));
        return out;
    }

    /** Seeded random inputs, every symbolic dim bound to {@code symbolSize}. */
    static Map<String, Tensor> randomInputs(KernelProgram p, Random rnd, long symbolSize) {
        Map<String, Long> bindings = new HashMap<>();
        for (Buf in : p.inputs()) for (Dim d : in.type().shape().dims()) if (d instanceof Dim.Sym s) bindings.put(s.name(), symbolSize);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Buf in : p.inputs()) out.put(in.name(), random(in, bindings, rnd, false));
        return out;
    }

    private static Tensor random(Buf b, Map<String, Long> bindings, Random rnd, boolean positive) {
        if (b.type().dtype() != DType.F32) throw new IllegalArgumentException("f32 only: " + KernelPrinter.buf(b));
        int[] shape = b.type().shape().eval(bindings);
        Tensor t = Tensor.zeros(DType.F32, shape);
        float[] f = t.floats();
        for (int i = 0; i < f.length; i++) f[i] = (float) (positive ? 0.5 + rnd.nextDouble() : rnd.nextGaussian());
        return t;
    }

    /** Both programs compiled to bytecode, run on the same seeded data; outputs agree within rel * |x| + abs. */
    static void assertSameOutputs(KernelProgram before, KernelProgram after, long seed, double rel, double abs) {
        KernelVerifier.verify(before);
        KernelVerifier.verify(after);
        assertEquals(before.inputs(), after.inputs(), "inputs");
        assertEquals(before.weights(), after.weights(), "weights");
        assertEquals(before.outputs(), after.outputs(), "outputs");
        Random rnd = new Random(seed);
        Map<String, Tensor> weights = randomWeights(before, rnd);
        for (long size : new long[] {1, 3}) {
            Map<String, Tensor> inputs = randomInputs(before, rnd, size);
            Map<String, Tensor> expected = run(before, weights, inputs), actual = run(after, weights, inputs);
            assertEquals(expected.keySet(), actual.keySet(), "output names");
            for (String name : expected.keySet()) assertClose(name, expected.get(name), actual.get(name), rel, abs);
        }
    }

    static void assertClose(String name, Tensor expected, Tensor actual, double rel, double abs) {
        assertArrayEquals(expected.shape(), actual.shape(), name + " shape");
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i), a = actual.getDouble(i);
            if (!(Math.abs(e - a) <= rel * Math.abs(e) + abs) && !(Double.isNaN(e) && Double.isNaN(a))) {
                fail(name + "[" + i + "]: expected " + e + " but got " + a + " (tolerance " + rel + "*|x| + " + abs + ")");
            }
        }
    }

    private static int compiled;

    static Map<String, Tensor> run(KernelProgram p, Map<String, Tensor> weights, Map<String, Tensor> inputs) {
        JvmBackend.Result r = JvmBackend.compile(p, JvmBackend.className(p.name() + "K" + compiled++));
        CompiledModel m = ModelLoader.instantiate(r, weights);
        return m.run(inputs);
    }

    /** The distinct arena storages (name and offset) of a program's kernels. */
    static Set<String> arenaStorages(KernelProgram p) {
        Set<String> out = new HashSet<>();
        p.kernels().forEach(k -> {
            for (Buf b : k.ins()) if (b.space() == Space.ARENA) out.add(b.name() + "@" + b.offset());
            if (k.out().space() == Space.ARENA) out.add(k.out().name() + "@" + k.out().offset());
        });
        return out;
    }
}
