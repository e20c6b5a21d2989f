package dev.nnc.benchmarks.peers;

import dev.nnc.runtime.Model;
import dev.nnc.runtime.PreparedCall;
import dev.nnc.runtime.kernels.Parallel;
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
 * nnc against ONNX Runtime for Java in one JMH run: each example model at a batch size, one
 * inference per operation, compiled by nnc's JVM or native backend ({@code -O2}) or run by
 * ONNX Runtime from {@code benchmarks/onnx/MODEL.onnx}, with the same synthetic weights, the
 * same inputs and the same thread count ({@code -Dnnc.threads}, else all processors). The
 * ONNX Runtime trial first checks that its output matches nnc's. Run from the repository
 * root ({@code benchmarks/run-peers.sh}); the large models run at batch 1 and 8
 * ({@code -p model=... -p batch=1,8}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx8g"})
public class PeerBenchmark {
    @Param({"mlp", "mnist_cnn", "cifar_cnn", "catsdogs_cnn"})
    String model;

    @Param({"1", "32"})
    int batch;

    /**
     * jvm and native: nnc's backends; ort: ONNX Runtime (CPU execution provider). JMH orders
     * trials by parameter name, so the three runtimes of one model and batch run one after
     * the other, close in time, which keeps their ratios steadier on a shared machine.
     */
    @Param({"jvm", "native", "ort"})
    String runtime;

    private Model nnc;
    private PreparedCall call;
    private OrtModel ort;

    @Setup
    public void setUp() throws Exception {
        int threads = Parallel.threads();
        PeerModel m = PeerModel.load(model, batch);
        if (runtime.equals("ort")) {
            ort = m.onnxRuntime(threads);
            float[] got = ort.run();
            Model reference = m.compile("jvm");
            double err = OutputAgreement.check("ONNX Runtime vs nnc on " + model, got, PreparedCall.of(reference, m.inputs()).output());
            System.out.printf("%n%s, batch %d: ONNX Runtime and nnc agree (max abs difference %.3g); %d threads%n",
                    model, batch, err, threads);
        } else {
            nnc = m.compile(runtime);
            call = PreparedCall.of(nnc, m.inputs());
            System.out.printf("%n%s, batch %d: %s%n", model, batch, nnc.backendInfo());
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        if (nnc instanceof AutoCloseable c) c.close();
        if (ort != null) ort.close();
    }

    @Benchmark
    public float[] infer() throws Exception {
        if (ort != null) return ort.run();
        call.run();
        return call.output();
    }
}
