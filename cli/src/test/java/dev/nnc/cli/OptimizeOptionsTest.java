package dev.nnc.cli;

import static dev.nnc.cli.MainTest.EXAMPLES;
import static dev.nnc.cli.MainTest.nnc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.cli.MainTest.Run;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** -O levels, --print-after, --print-after-all and --time-passes as a user runs them. */
class OptimizeOptionsTest {
    static final String MNIST = EXAMPLES.resolve("mnist_cnn.nn").toString();
    static final String WEIGHTS = EXAMPLES.resolve("fixtures/mnist_cnn/weights.safetensors").toString();
    static final String IMAGE = EXAMPLES.resolve("fixtures/mnist_cnn/image.npy").toString();

    @Test
    void everyLevelPredictsTheSameClasses(@TempDir Path dir) {
        Tensor[] outputs = new Tensor[4];
        String[][] levels = {{"-O0"}, {"-O", "1"}, {"--opt-level=2"}, {}};
        for (int i = 0; i < levels.length; i++) {
            Path y = dir.resolve("y" + i + ".npy");
            String[] args = concat(new String[] {"run", MNIST, "-w", WEIGHTS, "-i", IMAGE, "--output", y.toString()}, levels[i]);
            Run r = nnc(args);
            assertEquals(0, r.code(), r.err());
            outputs[i] = Npy.read(y);
        }
        Tensor torch = Npy.read(EXAMPLES.resolve("fixtures/mnist_cnn/output.npy"));
        for (Tensor t : outputs) {
            for (int row = 0; row < 2; row++) assertEquals(argmax(torch, row), argmax(t, row), "row " + row);
            for (int j = 0; j < t.size(); j++) assertEquals(outputs[0].getDouble(j), t.getDouble(j), 1e-5);
        }
    }

    @Test
    void aBadLevelIsAUsageError() {
        Run r = nnc(MNIST, "-O7");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown optimization level '7'"), r.err());
    }

    @Test
    void printAfterLowerPrintsKernelIrAndAfterAGraphPassGraphIr() {
        Run r = nnc(MNIST, "--emit=ir", "--print-after=lower");
        assertEquals(0, r.code(), r.err());
        // --emit=ir does not lower: nothing is printed.
        assertTrue(!r.err().contains("kernels MnistCnn {"), r.err());
        Run k = nnc(MNIST, "--emit=kernel-ir", "-O0", "--print-after=lower");
        assertEquals(0, k.code(), k.err());
        assertTrue(k.err().contains("// ---- kernel IR of MnistCnn after lower ----\nkernels MnistCnn {"), k.err());
        assertTrue(k.err().contains("conv2d(in:image : f32[B,1,28,28]"), k.err());
        String graphPass = PassManager.forLevel(OptLevel.O2).passNames().getFirst();
        Run g = nnc(MNIST, "--emit=kernel-ir", "--print-after=" + graphPass);
        assertEquals(0, g.code(), g.err());
        assertTrue(g.err().contains("// ---- graph IR of MnistCnn after " + graphPass + " ----\ngraph MnistCnn {"), g.err());
    }

    @Test
    void printAfterAllPrintsEveryStep() {
        Run r = nnc(MNIST, "--emit=kernel-ir", "--print-after-all");
        assertEquals(0, r.code(), r.err());
        for (String pass : PassManager.forLevel(OptLevel.O2).passNames()) {
            assertTrue(r.err().contains(" after " + pass + " ----\n"), pass + "\n" + r.err());
        }
        assertTrue(r.err().contains("// ---- kernel IR of MnistCnn after lower ----"), r.err());
    }

    @Test
    void anUnknownPassIsAUsageErrorListingThePasses() {
        Run r = nnc(MNIST, "--print-after=cse,no-such-pass");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("error: --print-after: no pass named 'no-such-pass' at -O2; the passes are: "), r.err());
        for (String pass : PassManager.forLevel(OptLevel.O2).passNames()) assertTrue(r.err().contains(pass), pass + "\n" + r.err());
        assertTrue(r.err().contains("lower"), r.err());
        Run o0 = nnc(MNIST, "-O0", "--print-after=cse");
        assertEquals(1, o0.code());
        assertTrue(o0.err().contains("at -O0; the passes are: lower"), o0.err());
    }

    @Test
    void timePassesPrintsEveryPassInOrderWithTheTotal(@TempDir Path dir) {
        Run r = nnc("build", MNIST, "-o", dir.resolve("m.jar").toString(), "--time-passes");
        assertEquals(0, r.code(), r.err());
        int at = r.err().indexOf("pass timings for MnistCnn at -O2:");
        assertTrue(at >= 0, r.err());
        java.util.List<String> steps = new java.util.ArrayList<>();
        var pm = PassManager.forLevel(OptLevel.O2);
        for (var p : pm.passes()) {
            if (p instanceof dev.nnc.optimizer.KernelPass && !steps.contains("lower")) steps.add("lower");
            steps.add(p.name());
        }
        for (String step : steps) {
            int line = r.err().indexOf("\n  " + step + " ", at);
            assertTrue(line > at, step + " missing or out of order:\n" + r.err());
            assertTrue(r.err().substring(line, r.err().indexOf('\n', line + 1)).matches("\n  \\S+ +\\d+\\.\\d{3} +\\d+\\.\\d%"),
                    r.err());
            at = line;
        }
        assertTrue(r.err().indexOf("\n  total ", at) > at, r.err());
    }

    static int argmax(Tensor t, int row) {
        int cols = t.shape()[1], best = 0;
        for (int c = 1; c < cols; c++) if (t.getDouble(row * cols + c) > t.getDouble(row * cols + best)) best = c;
        return best;
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
