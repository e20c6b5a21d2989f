package dev.nnc.codegen.nativecode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Native memory stays flat: many calls on one model, and many models compiled, used and closed
 * (JIT code, weights, per-thread buffers all freed). Measured as the process's resident set
 * (Linux /proc/self/status); the bounds leave room for the JVM's own growth.
 */
class NativeMemorySoakTest {
    static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void residentMemoryStaysFlat() throws IOException {
        Frontend.Result r = new Frontend().compile(EXAMPLES.resolve("mnist_cnn.nn"));
        Graph g = r.models().values().iterator().next();
        KernelProgram p = PassManager.forLevel(OptLevel.O2).run(g);
        Map<String, Tensor> w = Safetensors.read(EXAMPLES.resolve("fixtures/mnist_cnn/weights.safetensors"));
        float[] x = new float[8 * 784], y = new float[80];
        try (NativeModel m = NativeBackend.load(p, w)) {
            for (int i = 0; i < 200; i++) m.predict(x, y);
            long before = residentKb();
            for (int i = 0; i < 5000; i++) m.predict(x, y);
            long grew = residentKb() - before;
            assertTrue(grew < 8 * 1024, "5000 calls grew the resident set by " + grew + " kB");
        }
        // The first models warm up LLVM and the allocator (about 85 MB here; with the pooled-conv kernels the
        // growth goes on past 10 models, 32-36 MB over the next 20, then stays flat over three further
        // rounds of 20); a leak would grow with every model.
        compileUseAndClose(p, w, 30, x, y);
        long before = residentKb();
        compileUseAndClose(p, w, 20, x, y);
        long grew = residentKb() - before;
        assertTrue(grew < 32 * 1024, "20 more models compiled, used and closed grew the resident set by " + grew + " kB");
    }

    private static void compileUseAndClose(KernelProgram p, Map<String, Tensor> w, int times, float[] x, float[] y) {
        for (int i = 0; i < times; i++) {
            try (NativeModel m = NativeBackend.load(p, w)) {
                m.predict(x, y);
            }
        }
    }

    private static long residentKb() throws IOException {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
