package dev.nnc.cli;

import static dev.nnc.cli.MainTest.EXAMPLES;
import static dev.nnc.cli.MainTest.nnc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.cli.MainTest.Run;
import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.Expr;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.KernelPass;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.WeightBinder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code nnc verify}: passes on a correct pipeline, and bisects a broken one to the pass that broke it. */
class VerifyTest {
    static final String MNIST = EXAMPLES.resolve("mnist_cnn.nn").toString();
    static final String WEIGHTS = EXAMPLES.resolve("fixtures/mnist_cnn/weights.safetensors").toString();
    static final String IMAGE = EXAMPLES.resolve("fixtures/mnist_cnn/image.npy").toString();

    @Test
    void verifyPassesOnMnistAtEveryLevel() {
        for (String level : new String[] {"-O0", "-O1", "-O2"}) {
            Run r = nnc("verify", MNIST, "--weights", WEIGHTS, "--input", IMAGE, level);
            assertEquals(0, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("verify MnistCnn at " + level), r.out());
            assertTrue(r.out().matches("(?s).*  jvm   'output' f32\\[2,10]: max abs error \\S+, max rel error \\S+  PASS\n.*"), r.out());
            assertTrue(r.out().contains("tolerance: |got - expected| <= 1e-4*|expected| + 1e-5"), r.out());
        }
    }

    @Test
    void verifyTakesSyntheticWeightsAndAZeroTolerance() {
        Run r = nnc("verify", EXAMPLES.resolve("mlp.nn").toString(), "--synthetic-weights", "-i",
                EXAMPLES + "/fixtures/mlp/x.npy", "--tolerance", "0", "--abs-tolerance", "0.5");
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(1, nnc("verify", MNIST, "-i", IMAGE, "--tolerance", "-1").code());
    }

    @Test
    void aMismatchExitsWithOneAndIsBisected() {
        // f32 kernels never match the interpreter's double accumulation exactly, with or without passes.
        Run r = nnc("verify", MNIST, "--weights", WEIGHTS, "--input", IMAGE, "--tolerance", "0", "--abs-tolerance", "0");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("elements outside the tolerance)"), r.out());
        assertTrue(r.out().contains("no pass to blame: the output diverges with lowering alone"), r.out());
        assertTrue(r.out().strip().endsWith("FAIL"), r.out());
    }

    /** Negates the result of the first elementwise kernel: a deliberately wrong optimization. */
    static KernelPass negateFirstElementwise() {
        return new KernelPass() {
            @Override public String name() { return "negate-one"; }

            @Override public String description() { return "a broken pass, for tests"; }

            @Override public KernelProgram run(KernelProgram p) {
                List<Kernel> ks = new ArrayList<>(p.kernels());
                for (int i = 0; i < ks.size(); i++) {
                    if (ks.get(i) instanceof Kernel.Elementwise e) {
                        ks.set(i, new Kernel.Elementwise(e.out(), e.ins(), new Expr.Unary(Expr.UnaryFn.NEG, e.expr())));
                        break;
                    }
                }
                return p.withKernels(ks, p.arenaSize());
            }
        };
    }

    static KernelPass identity(String name) {
        return new KernelPass() {
            @Override public String name() { return name; }

            @Override public String description() { return "does nothing"; }

            @Override public KernelProgram run(KernelProgram p) { return p; }
        };
    }

    @Test
    void verifyNamesAnInjectedBrokenPass() {
        Graph g = new Frontend().compile(EXAMPLES.resolve("mnist_cnn.nn")).models().get("MnistCnn");
        Map<String, Tensor> w = WeightBinder.bind(g.paramSpecs(), Safetensors.read(java.nio.file.Path.of(WEIGHTS)), "w");
        Map<String, Tensor> in = Map.of("image", Npy.read(java.nio.file.Path.of(IMAGE)));
        PassManager broken = new PassManager(PassManager.forLevel(OptLevel.O2).passes().stream()
                .filter(p -> p instanceof dev.nnc.optimizer.GraphPass).map(p -> (dev.nnc.optimizer.GraphPass) p).toList(),
                List.of(identity("a"), identity("b"), negateFirstElementwise(), identity("d")));
        StringWriter out = new StringWriter();
        int code = new Verification(g, w, in, Tolerance.DEFAULT, List.of(Verification.Backend.JVM))
                .run(broken::run, broken, "a broken pipeline", new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertEquals(1, code, out.toString());
        assertTrue(out.toString().contains("FAIL ("), out.toString());
        assertTrue(out.toString().contains("first diverging pass: negate-one (kernel pass 3 of 4)"), out.toString());
    }

    /** Outputs equal to the reference unless the pipeline contains a pass named "bad". */
    static final Tensor GOOD = Tensor.ofFloats(DType.F32, new int[] {2}, new float[] {1, 2});
    static final Tensor WRONG = Tensor.ofFloats(DType.F32, new int[] {2}, new float[] {1, 2.5f});

    static PassManager pipeline(String... kernelPasses) {
        return new PassManager(List.of(), java.util.Arrays.stream(kernelPasses).map(VerifyTest::identity).toList());
    }

    @Test
    void bisectionFindsTheFirstBadPassInFewRuns() {
        AtomicInteger runs = new AtomicInteger();
        PassBisector b = new PassBisector(pm -> {
            runs.incrementAndGet();
            return Map.of("y", pm.passNames().contains("bad") ? WRONG : GOOD);
        }, Map.of("y", GOOD), Tolerance.DEFAULT);
        PassBisector.Finding f = b.bisect(pipeline("p1", "p2", "p3", "p4", "p5", "bad", "p7", "p8", "p9", "p10", "p11", "p12"));
        assertEquals("bad", f.pass());
        assertEquals(6, f.firstBad());
        assertEquals("bad (kernel pass 6 of 12)", f.description());
        assertTrue(runs.get() <= 2 + 4, "binary search, not a scan: " + runs.get() + " runs");
    }

    @Test
    void aPassThatThrowsCountsAsDiverging() {
        PassBisector b = new PassBisector(pm -> {
            if (pm.passNames().contains("crash")) throw new IllegalStateException("boom");
            return Map.of("y", GOOD);
        }, Map.of("y", GOOD), Tolerance.DEFAULT);
        assertEquals("crash", b.bisect(pipeline("p1", "crash", "p3")).pass());
    }

    @Test
    void divergingWithoutPassesBlamesLoweringAndNeverDivergingFindsNothing() {
        PassBisector always = new PassBisector(pm -> Map.of("y", WRONG), Map.of("y", GOOD), Tolerance.DEFAULT);
        PassBisector.Finding f = always.bisect(pipeline("p1", "p2"));
        assertEquals(0, f.firstBad());
        assertEquals(PassManager.LOWER, f.pass());
        PassBisector never = new PassBisector(pm -> Map.of("y", GOOD), Map.of("y", GOOD), Tolerance.DEFAULT);
        assertNull(never.bisect(pipeline("p1", "p2")));
    }

    @Test
    void outputDiffsReportAbsoluteAndRelativeErrors() {
        OutputDiff d = OutputDiff.of("y", GOOD, WRONG, Tolerance.DEFAULT);
        assertEquals(0.5, d.maxAbs(), 1e-12);
        assertEquals(0.25, d.maxRel(), 1e-12);
        assertEquals(1, d.outside());
        assertTrue(d.describe().endsWith("FAIL (1 of 2 elements outside the tolerance)"), d.describe());
        Tensor nan = Tensor.ofFloats(DType.F32, new int[] {2}, new float[] {1, Float.NaN});
        assertEquals(1, OutputDiff.of("y", GOOD, nan, Tolerance.DEFAULT).outside());
        assertTrue(OutputDiff.of("y", nan, nan, Tolerance.DEFAULT).pass());
        assertTrue(!OutputDiff.of("y", GOOD, Tensor.zeros(DType.F32, new int[] {3}), Tolerance.DEFAULT).pass());
        assertEquals("1e-4", Tolerance.number(1e-4));
        assertEquals("7.45e-9", Tolerance.number(7.45e-9));
        assertEquals("0.5", Tolerance.number(0.5));
    }
}
