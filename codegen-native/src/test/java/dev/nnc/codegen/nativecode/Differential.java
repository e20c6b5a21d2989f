package dev.nnc.codegen.nativecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.ModelLoader;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.KernelVerifier;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Runs one kernel program on the native backend and on the JVM backend (itself tested against
 * the reference interpreter) with the same seeded random weights and inputs, and compares every
 * output: |native - jvm| <= 1e-4 * |jvm| + 1e-5 per element (both f32; they differ only in
 * summation order and in the approximations of exp/tanh/erf).
 */
final class Differential {
    private Differential() {}

    static final double REL = 1e-4, ABS = 1e-5;

    /** Parses kernel-IR text and checks it on both backends with symbol B bound to {@code batch}. */
    static void check(String kir, int batch, long seed) {
        check(KernelParser.parse(kir), batch, seed);
    }

    static void check(KernelProgram p, int batch, long seed) {
        check(p, batch, seed, REL, ABS);
    }

    /** As {@link #check(KernelProgram, int, long)} with another tolerance: |native - jvm| <= rel * |jvm| + abs. */
    static void check(KernelProgram p, int batch, long seed, double rel, double abs) {
        KernelVerifier.verify(p);
        Random rng = new Random(seed);
        Map<String, Long> bindings = Map.of("B", (long) batch);
        Map<String, Tensor> weights = new HashMap<>(), inputs = new HashMap<>();
        for (Buf w : p.weights()) weights.put(w.name(), random(w, bindings, rng, 0));
        for (Buf in : p.inputs()) inputs.put(in.name(), random(in, bindings, rng, indexBound(p, in, bindings)));
        Map<String, Tensor> expected = ModelLoader.instantiate(JvmBackend.compile(p, "Ref"), weights).run(inputs);
        Map<String, Tensor> actual;
        try (NativeModel m = NativeBackend.load(p, weights)) {
            actual = m.run(inputs);
        }
        String text = KernelPrinter.print(p);
        for (var e : expected.entrySet()) {
            Tensor a = actual.get(e.getKey());
            assertArrayEquals(e.getValue().shape(), a.shape(), () -> "shape of " + e.getKey() + "\n" + text);
            for (int i = 0; i < a.size(); i++) {
                double x = e.getValue().getDouble(i), y = a.getDouble(i);
                if (Double.isNaN(x) && Double.isNaN(y)) continue;
                if (!(Math.abs(x - y) <= rel * Math.abs(x) + abs)) {
                    fail("output " + e.getKey() + " element " + i + ": jvm " + x + ", native " + y + " (batch " + batch
                            + ", seed " + seed + ")\n" + text);
                }
            }
        }
    }

    /** Gaussian floats (sd 0.5); integer inputs uniform in [0, bound) (gather indices) or in [-2^40, 2^40) (bound 0). */
    static Tensor random(Buf b, Map<String, Long> bindings, Random rng, int bound) {
        int[] shape = b.type().shape().eval(bindings);
        int n = 1;
        for (int d : shape) n *= d;
        if (b.type().dtype().isFloat()) {
            float[] data = new float[n];
            for (int i = 0; i < n; i++) data[i] = (float) (rng.nextGaussian() * 0.5);
            return Tensor.ofFloats(DType.F32, shape, data);
        }
        long[] data = new long[n];
        // Integers that are not indices (bound 0) are read as numbers: any sign, beyond f32's 2^24 exact range too.
        for (int i = 0; i < n; i++) data[i] = bound > 0 ? rng.nextInt(bound) : rng.nextLong(-(1L << 40), 1L << 40);
        return Tensor.ofLongs(b.type().dtype(), shape, data);
    }

    /** For an integer input used as gather indices: the size of the gathered axis; 0 for one read as numbers. */
    private static int indexBound(KernelProgram p, Buf in, Map<String, Long> bindings) {
        for (var k : p.kernels()) {
            if (k instanceof dev.nnc.ir.kernel.Kernel.Gather g && g.indices().name().equals(in.name())) {
                return (int) g.data().type().shape().dim(g.axis()).eval(bindings);
            }
        }
        return 0;
    }
}
