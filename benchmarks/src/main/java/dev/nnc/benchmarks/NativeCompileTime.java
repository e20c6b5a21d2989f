package dev.nnc.benchmarks;

import dev.nnc.codegen.nativecode.NativeBackend;
import dev.nnc.codegen.nativecode.NativeModel;
import dev.nnc.codegen.nativecode.NativeModule;
import dev.nnc.codegen.nativecode.NativeTarget;
import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.SyntheticWeights;
import dev.nnc.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cold compile times of the native backend, one example model per JVM (run it once per model,
 * as benchmarks/run-native-compile.sh does): LLVM initialization, IR emission, -O3 and machine
 * code generation (the JIT), and the first call. Prints one line per model.
 */
public final class NativeCompileTime {
    private NativeCompileTime() {}

    public static void main(String[] args) {
        String model = args[0];
        long t0 = System.nanoTime();
        NativeTarget target = NativeTarget.host();
        long t1 = System.nanoTime();
        Graph g = ModelBenchmark.graph(model);
        KernelProgram program = PassManager.forLevel(OptLevel.O2).run(g);
        long t2 = System.nanoTime();
        NativeModule module = NativeBackend.emit(program, target);
        long t3 = System.nanoTime();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (var p : g.paramSpecs()) weights.put(p.name(), SyntheticWeights.generate(p.name(), p.shape(), 0));
        try (NativeModel m = NativeBackend.load(module, target, weights)) {
            long t4 = System.nanoTime();
            int[] in = g.inputs().getFirst().type().shape().eval(Map.of("B", 1L));
            int[] out = g.outputs().getFirst().value().type().shape().eval(Map.of("B", 1L));
            m.predict(new float[ModelBenchmark.size(in)], new float[ModelBenchmark.size(out)]);
            long t5 = System.nanoTime();
            System.out.printf("%-14s llvm_init_ms=%.0f frontend_optimizer_ms=%.0f emit_ms=%.1f jit_ms=%.0f load_ms=%.1f "
                            + "first_call_ms=%.2f ir_kb=%d kernels=%d%n",
                    model, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, m.compileSeconds() * 1e3,
                    (t4 - t3) / 1e6 - m.compileSeconds() * 1e3, (t5 - t4) / 1e6, module.ir().length() / 1024, module.kernelCount());
        }
    }
}
