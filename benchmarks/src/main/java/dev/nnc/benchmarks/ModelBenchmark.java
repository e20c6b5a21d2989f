package dev.nnc.benchmarks;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.ModelLoader;
import dev.nnc.codegen.nativecode.NativeBackend;
import dev.nnc.codegen.nativecode.NativeModel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.SyntheticWeights;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.kernels.Parallel;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
 * Each example model compiled by a backend (JVM bytecode, or native code JIT-compiled by LLVM)
 * at an optimization level, one {@code predict(input, output)} call per operation, at batch 1
 * and 32 on all cores. Weights are the reference script's synthetic
 * weights (speed does not depend on their values). {@code ModelFlops} gives the FLOPs per call.
 * Run from the repository root (the models are read from examples/).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
public class ModelBenchmark {
    @Param({"mlp", "mnist_cnn", "cifar_cnn", "catsdogs_cnn"})
    String model;

    @Param({"1", "32"})
    int batch;

    /** Optimization level: O2 is what nnc compiles by default, O0 one kernel per graph op. */
    @Param({"O2"})
    String opt;

    /** jvm: the generated class; native: LLVM machine code for this CPU, compiled in process. */
    @Param({"jvm", "native"})
    String backend;

    private MethodHandle predict;
    private NativeModel nativeModel;
    private float[] input;
    private float[] output;

    /** The compiled model and its graph, for this benchmark and for {@link ModelFlops}. */
    static Graph graph(String model) {
        Frontend.Result r = new Frontend().compile(Path.of(System.getProperty("nnc.examples", "examples"), model + ".nn"));
        if (!r.ok()) throw new IllegalStateException(r.diagnostics().render());
        return r.models().values().iterator().next();
    }

    @Setup
    public void setUp() throws Exception {
        Graph g = graph(model);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (var p : g.paramSpecs()) weights.put(p.name(), SyntheticWeights.generate(p.name(), p.shape(), 0));
        KernelProgram program = PassManager.forLevel(OptLevel.parse(opt)).run(g);
        CompiledModel m;
        if (backend.equals("native")) {
            nativeModel = NativeBackend.load(program, weights);
            m = nativeModel;
        } else {
            m = ModelLoader.instantiate(JvmBackend.compile(program, JvmBackend.className(g.name())), weights);
        }
        predict = MethodHandles.publicLookup().findVirtual(m.getClass(), "predict",
                MethodType.methodType(void.class, float[].class, float[].class)).bindTo(m);
        int[] in = g.inputs().getFirst().type().shape().eval(Map.of("B", (long) batch));
        int[] out = g.outputs().getFirst().value().type().shape().eval(Map.of("B", (long) batch));
        input = new float[size(in)];
        output = new float[size(out)];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < input.length; i++) input[i] = (float) rng.nextDouble();
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    static int size(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    @TearDown
    public void tearDown() {
        if (nativeModel != null) nativeModel.close();
    }

    @Benchmark
    public float[] predict() throws Throwable {
        predict.invokeExact(input, output);
        return output;
    }
}
