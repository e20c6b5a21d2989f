package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * GEMM and convolution in child JVMs where the vector path is off: once without the
 * {@code jdk.incubator.vector} module (so {@code GemmVector} and {@code ConvVector} must never
 * load), once with the module but {@code -Dnnc.scalar=true}. Each child checks its results
 * against naive loops and prints its path.
 */
class GemmNoVectorModuleTest {
    @Test
    void runsWithoutTheVectorModule() throws IOException, InterruptedException {
        assertEquals("ok scalar (jdk.incubator.vector not loaded: run with --add-modules jdk.incubator.vector)",
                runChild(List.of()));
    }

    @Test
    void nncScalarForcesTheScalarTwin() throws IOException, InterruptedException {
        assertEquals("ok scalar (nnc.scalar=true)",
                runChild(List.of("--add-modules", "jdk.incubator.vector", "-Dnnc.scalar=true")));
    }

    private static String runChild(List<String> options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, process.exitValue(), output);
        return output.strip().lines().reduce((a, b) -> b).orElse("");
    }

    /** Multiplies and convolves (GEMM and 1x1 convolution large enough for the threaded path), and checks the results. */
    static final class Main {
        public static void main(String[] args) {
            if (Gemm.VECTOR) {
                throw new AssertionError("vector path unexpectedly on");
            }
            int m = 70;
            int n = 90;
            int k = 300;
            float[] a = new float[m * k];
            float[] b = new float[k * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = (i % 7) - 3;
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (i % 5) - 2;
            }
            float[] c = new float[m * n];
            Gemm.matmul(a, 0, k, false, b, 0, n, false, c, 0, n, m, n, k, null, 0, false);
            float[] cp = new float[m * n];
            Gemm.matmul(a, 0, k, false, Gemm.packB(b, 0, n, false, k, n), cp, 0, n, m, null, 0, false);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float ref = 0;
                    for (int p = 0; p < k; p++) {
                        ref += a[i * k + p] * b[p * n + j];
                    }
                    if (c[i * n + j] != ref || cp[i * n + j] != ref) {
                        throw new AssertionError("C[" + i + "][" + j + "] = " + c[i * n + j] + " / " + cp[i * n + j]
                                + ", expected " + ref);
                    }
                }
            }
            // 1x1 convolution = GEMM per image: out[o][pixel] = sum_c w[o][c] x[c][pixel]
            float[] x = new float[2 * k * 20];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % 3) - 1;
            }
            float[] out = new float[2 * m * 20];
            float[] outPacked = new float[2 * m * 20];
            Conv2d.conv2d(x, 0, 2, k, 4, 5, a, 0, m, 1, 1, null, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, out, 0, 4, 5, false);
            Conv2d.conv2d(x, 0, 2, k, 4, 5, Conv2d.packWeights(a, 0, m, k, 1, 1, 1), m, 1, 1, null, 0,
                    1, 1, 0, 0, 0, 0, 1, 1, 1, outPacked, 0, 4, 5, false);
            for (int img = 0; img < 2; img++) {
                for (int o = 0; o < m; o++) {
                    for (int q = 0; q < 20; q++) {
                        float ref = 0;
                        for (int ch = 0; ch < k; ch++) {
                            ref += a[o * k + ch] * x[(img * k + ch) * 20 + q];
                        }
                        int at = (img * m + o) * 20 + q;
                        if (out[at] != ref || outPacked[at] != ref) {
                            throw new AssertionError("out " + at + " = " + out[at] + " / " + outPacked[at]
                                    + ", expected " + ref);
                        }
                    }
                }
            }
            convMaxPool();
            System.out.println("ok " + VectorSupport.describe());
        }

        /** The public NHWC convolution with a fused 2x2 max pooling (the scalar twin here), exact on small integers. */
        private static void convMaxPool() {
            int n = 2, h = 6, w = 7, c = 5, o = 9, oh = 4, ow = 5, ph = 2, pw = 2;
            float[] x = new float[n * h * w * c];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % 3) - 1;
            }
            float[] weight = new float[o * c * 9];
            for (int i = 0; i < weight.length; i++) {
                weight[i] = (i % 7) - 3;
            }
            float[] out = new float[n * ph * pw * o];
            Conv2dNhwc.conv2dMaxPool(x, 0, n, h, w, c, false, Conv2dNhwc.packWeights(weight, 0, o, c, 3, 3, 1), o, 3, 3,
                    null, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, out, 0, ph, pw, true, 2, 2);
            for (int img = 0; img < n; img++) {
                for (int py = 0; py < ph; py++) {
                    for (int px = 0; px < pw; px++) {
                        for (int oc = 0; oc < o; oc++) {
                            float ref = Float.NEGATIVE_INFINITY;
                            for (int oy = 2 * py; oy < 2 * py + 2; oy++) {
                                for (int ox = 2 * px; ox < 2 * px + 2; ox++) {
                                    float v = 0;
                                    for (int ky = 0; ky < 3; ky++) {
                                        for (int kx = 0; kx < 3; kx++) {
                                            for (int ch = 0; ch < c; ch++) {
                                                v += x[((img * h + oy + ky) * w + ox + kx) * c + ch]
                                                        * weight[((oc * c + ch) * 3 + ky) * 3 + kx];
                                            }
                                        }
                                    }
                                    ref = Math.max(ref, Math.max(v, 0f));
                                }
                            }
                            int at = ((img * ph + py) * pw + px) * o + oc;
                            if (out[at] != ref) {
                                throw new AssertionError("pooled out " + at + " = " + out[at] + ", expected " + ref);
                            }
                        }
                    }
                }
            }
        }
    }
}
