package dev.nnc.benchmarks;

import dev.nnc.runtime.kernels.Conv2d;
import dev.nnc.runtime.kernels.PackedMatrix;
import dev.nnc.runtime.kernels.Parallel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One convolution layer with prepacked weights, bias and ReLU. {@code layer} is
 * {@code NxCxHxWxOxKxPAD} (batch, channels, height, width, output channels, square kernel,
 * padding on every side; stride 1). GFLOP/s = 2·N·O·OH·OW·C·K² / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
public class ConvBenchmark {
    /** The MNIST/CIFAR CNN's second conv (32 -> 64 on 13x13, batch 32) and a ResNet-style 3x3 layer. */
    @Param({"32x32x13x13x64x3x0", "1x64x56x56x64x3x1"})
    String layer;

    @Param({"1", "2"})
    int threads;

    private int n, c, h, w, o, k, pad, oh, ow;
    private float[] x, bias, out;
    private PackedMatrix weights;

    @Setup
    public void setUp() {
        String[] p = layer.split("x");
        n = Integer.parseInt(p[0]);
        c = Integer.parseInt(p[1]);
        h = Integer.parseInt(p[2]);
        w = Integer.parseInt(p[3]);
        o = Integer.parseInt(p[4]);
        k = Integer.parseInt(p[5]);
        pad = Integer.parseInt(p[6]);
        oh = Conv2d.outputSize(h, k, 1, pad, pad, 1);
        ow = Conv2d.outputSize(w, k, 1, pad, pad, 1);
        SplittableRandom random = new SplittableRandom(7);
        x = GemmBenchmark.random(random, n * c * h * w);
        bias = GemmBenchmark.random(random, o);
        weights = Conv2d.packWeights(GemmBenchmark.random(random, o * c * k * k), 0, o, c, k, k, 1);
        out = new float[n * o * oh * ow];
        Parallel.setThreads(threads);
    }

    @Benchmark
    public float[] conv2d() {
        Conv2d.conv2d(x, 0, n, c, h, w, weights, o, k, k, bias, 0, 1, 1, pad, pad, pad, pad, 1, 1, 1,
                out, 0, oh, ow, true);
        return out;
    }
}
