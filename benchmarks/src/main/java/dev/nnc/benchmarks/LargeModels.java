package dev.nnc.benchmarks;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.ModelLoader;
import dev.nnc.codegen.nativecode.NativeBackend;
import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.SyntheticWeights;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.TensorSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The large models of issue #6 (transformer, bert_base, resnet50) compiled for a backend with
 * synthetic weights, and inputs for a batch: what {@link LargeModelBenchmark} and
 * {@link LargeModelTiming} measure. Models are read from the directory named by the environment
 * variable {@code NNC_LARGE_MODELS} (which JMH's forked JVMs inherit), else {@code examples};
 * their imports resolve beside them.
 */
final class LargeModels {
    private LargeModels() {}

    static Graph graph(String model) {
        Path file = Path.of(System.getenv().getOrDefault("NNC_LARGE_MODELS", "examples"), model + ".nn");
        Frontend.Result r = new Frontend().compile(file);
        if (!r.ok()) throw new IllegalStateException(r.diagnostics().render());
        return r.models().values().iterator().next();
    }

    /** The model compiled at {@code opt} for {@code backend} ("jvm" or "native"); native models must be closed. */
    static CompiledModel compile(Graph g, String backend, String opt) throws Exception {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (var p : g.paramSpecs()) weights.put(p.name(), SyntheticWeights.generate(p.name(), p.shape(), 0));
        KernelProgram program = PassManager.forLevel(OptLevel.parse(opt)).run(g);
        return backend.equals("native")
                ? NativeBackend.load(program, weights)
                : ModelLoader.instantiate(JvmBackend.compile(program, JvmBackend.className(g.name())), weights);
    }

    /** Issue #6's sequence length: a symbolic S is bound to it. */
    static final int SEQUENCE = 128;

    /** The symbolic dims of a call: B the batch, S the sequence length. */
    static Map<String, Long> symbols(int batch) {
        return Map.of("B", (long) batch, "S", (long) SEQUENCE);
    }

    /**
     * Inputs for {@code batch} (and {@link #SEQUENCE}): floats uniform in [0, 1); integer inputs (token ids, token
     * types, attention masks) 0 or 1, valid for every embedding table and mask.
     */
    static Map<String, Tensor> inputs(CompiledModel m, int batch) {
        SplittableRandom rng = new SplittableRandom(1);
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (TensorSpec s : m.inputs()) {
            int[] shape = s.shape(Map.of("B", batch, "S", SEQUENCE));
            int n = ModelBenchmark.size(shape);
            if (s.dtype().isFloat()) {
                float[] x = new float[n];
                for (int i = 0; i < n; i++) x[i] = (float) rng.nextDouble();
                in.put(s.name(), Tensor.ofFloats(s.dtype(), shape, x));
            } else {
                long[] x = new long[n];
                for (int i = 0; i < n; i++) x[i] = rng.nextInt(2);
                in.put(s.name(), Tensor.ofLongs(s.dtype(), shape, x));
            }
        }
        return in;
    }

}
