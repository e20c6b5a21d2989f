package dev.nnc.benchmarks;

import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.kernels.Parallel;
import java.util.Map;
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
 * The large models of issue #6 (transformer 2×512, BERT-base, ResNet-50) at batch 1 and 8 on
 * both CPU backends, {@code -O2}, synthetic weights, all cores; one {@code run(Map)} per
 * operation (it allocates the output tensor, a few MB at most, negligible at these sizes).
 * {@code benchmarks/run-large-models.sh} turns the times into throughput and GFLOP/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xms6g", "-Xmx6g"})
public class LargeModelBenchmark {
    @Param({"transformer", "bert_base", "resnet50"})
    String model;

    @Param({"1", "8"})
    int batch;

    @Param({"O2"})
    String opt;

    @Param({"jvm", "native"})
    String backend;

    private CompiledModel compiled;
    private Map<String, Tensor> inputs;

    @Setup
    public void setUp() throws Exception {
        compiled = LargeModels.compile(LargeModels.graph(model), backend, opt);
        inputs = LargeModels.inputs(compiled, batch);
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @TearDown
    public void tearDown() throws Exception {
        if (compiled instanceof AutoCloseable c) c.close();
    }

    @Benchmark
    public Map<String, Tensor> run() {
        return compiled.run(inputs);
    }
}
