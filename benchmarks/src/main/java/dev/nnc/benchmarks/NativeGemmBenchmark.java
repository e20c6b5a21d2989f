package dev.nnc.benchmarks;

import dev.nnc.codegen.nativecode.NativeBackend;
import dev.nnc.codegen.nativecode.NativeModel;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.kernels.Parallel;
import java.util.Map;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Square single-precision GEMM {@code C = A · W} compiled by the native backend, W a weight
 * (packed once at load, as a model's weights are), on {@code threads} threads. Comparable with
 * {@link GemmBenchmark#matmulPackedB}; GFLOP/s = 2·size³ / time. The time includes copying A in
 * and C out of native memory (2·size² floats), as a model call does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
public class NativeGemmBenchmark {
    @Param({"256", "512", "1024"})
    int size;

    @Param({"1", "2"})
    int threads;

    private NativeModel model;
    private float[] a;
    private float[] c;

    @Setup
    public void setUp() {
        String s = Integer.toString(size);
        String program = """
                kernels Gemm {
                  input a : f32[S,S]
                  weight w : f32[S,S]
                  output c : f32[S,S]
                  arena 0
                  matmul(in:a : f32[S,S], w:w : f32[S,S]) -> out:c : f32[S,S] {transA=false, transB=false}
                }
                """.replace("S", s);
        SplittableRandom random = new SplittableRandom(42);
        a = random(random, size * size);
        c = new float[size * size];
        model = NativeBackend.load(KernelParser.parse(program),
                Map.of("w", Tensor.ofFloats(DType.F32, new int[] {size, size}, random(random, size * size))));
        Parallel.setThreads(threads);
    }

    @TearDown
    public void tearDown() {
        model.close();
    }

    @Benchmark
    public float[] matmul() {
        model.predict(a, c);
        return c;
    }

    static float[] random(SplittableRandom random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (random.nextDouble() * 2 - 1);
        return x;
    }
}
