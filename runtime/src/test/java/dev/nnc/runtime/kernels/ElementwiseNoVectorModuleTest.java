package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every kernel of this group runs in a JVM started without {@code jdk.incubator.vector}: the
 * dispatching classes must never load their {@code *Vector} twins there. Runs {@link Main} in a
 * child JVM with the same class path and no {@code --add-modules}.
 */
class ElementwiseNoVectorModuleTest {
    @Test
    void kernelsRunWithoutTheVectorModule() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()))
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, process.exitValue(), output);
        assertEquals("ok scalar", output.strip().lines().reduce((a, b) -> b).orElse(""), output);
    }

    /** Calls each public entry point once with shapes large enough to take the threaded path too. */
    static final class Main {
        public static void main(String[] args) {
            if (VectorSupport.available()) {
                throw new AssertionError("vector module unexpectedly present");
            }
            int n = 300 * 257;
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (i % 13) * 0.25f;
            }
            float[] out = new float[n];
            Softmax.softmax(x, 0, out, 0, 300, 257, 1, false);
            Softmax.softmax(x, 0, out, 0, 3, 257, 100, true);
            LayerNorm.layerNorm(x, 0, null, 0, null, 0, out, 0, 300, 257, 1e-5f);
            Reduce.reduce(Reduce.SUM, x, 0, out, 0, 300, 257, 1);
            Reduce.reduce(Reduce.MAX, x, 0, out, 0, 3, 257, 100);
            Pool2d.maxPool(x, 0, 1, 3, 100, 257, 3, 3, 2, 2, 1, 1, 1, 1, out, 0, 50, 129);
            Pool2d.avgPool(x, 0, 1, 3, 100, 257, 3, 3, 1, 1, 1, 1, 1, 1, false, out, 0, 100, 257);
            Transpose.transpose(x, 0, new int[] {300, 257}, new int[] {1, 0}, out, 0);
            Slice.slice(x, 0, new int[] {300, 257}, new int[] {1, 2}, new int[] {1, 3}, new int[] {299, 85}, out, 0);
            Gather.gather(x, 0, 300, 257, 1, new long[] {-1, 0}, 0, 2, out, 0);
            Concat.concat(new float[][] {x, x}, new int[2], new int[] {257, 257}, 2, 150, 1, out, 0);
            Elementwise.copy(x, 0, out, 0, n);
            Elementwise.fill(out, 0, n, 1f);
            System.out.println("ok " + (VectorSupport.available() ? "vector" : "scalar"));
        }
    }
}
