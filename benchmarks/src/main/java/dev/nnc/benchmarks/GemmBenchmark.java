package dev.nnc.benchmarks;

import dev.nnc.runtime.kernels.Gemm;
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
 * Square single-precision GEMM, {@code C = A · B}, size x size x size, on {@code threads} threads
 * of the kernel pool. {@code matmul} packs B on every call (the generic entry point);
 * {@code matmulPackedB} uses B packed once, as a model's weights are. GFLOP/s = 2·size³ / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
public class GemmBenchmark {
    @Param({"256", "512", "1024"})
    int size;

    @Param({"1", "2"})
    int threads;

    private float[] a;
    private float[] b;
    private float[] c;
    private PackedMatrix packedB;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        a = random(random, size * size);
        b = random(random, size * size);
        c = new float[size * size];
        packedB = Gemm.packB(b, 0, size, false, size, size);
        Parallel.setThreads(threads);
    }

    @Benchmark
    public float[] matmul() {
        Gemm.matmul(a, 0, size, false, b, 0, size, false, c, 0, size, size, size, size, null, 0, false);
        return c;
    }

    @Benchmark
    public float[] matmulPackedB() {
        Gemm.matmul(a, 0, size, false, packedB, c, 0, size, size, null, 0, false);
        return c;
    }

    static float[] random(SplittableRandom random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return x;
    }
}
