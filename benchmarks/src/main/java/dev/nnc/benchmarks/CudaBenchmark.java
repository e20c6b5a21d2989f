package dev.nnc.benchmarks;

import dev.nnc.codegen.cuda.CudaBackend;
import dev.nnc.runtime.cuda.CudaDriver;
import dev.nnc.codegen.cuda.CudaModel;
import dev.nnc.codegen.cuda.CudaTarget;
import dev.nnc.runtime.cuda.CudaUnavailable;
import dev.nnc.codegen.cuda.GemmProgram;
import dev.nnc.codegen.cuda.TensorCoreGemm;
import dev.nnc.codegen.cuda.TensorCoreGemmRunner;
import dev.nnc.ir.Graph;
import dev.nnc.ir.Op;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.SyntheticWeights;
import dev.nnc.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The CUDA backend on this machine's GPU (not JMH: GPU work is timed with CUDA events):
 * GEMM 4096³ in f32 (the tiled FMA kernel) and in f16 and bf16 (the tensor-core kernel), then
 * example models at batch 1 and 32 (8 for the large ones), each as the kernels alone (device
 * time per forward pass, inputs already on the GPU) and as a whole {@code run} call (copies
 * in and out included, wall clock, median of 20). Arguments: {@code [--gpu=sm_XX] [gemm] [MODEL...]};
 * without models, every model named in {@link #MODELS}. Exits with status 1 and the reason when
 * there is no CUDA device.
 */
public final class CudaBenchmark {
    static final List<String> MODELS = List.of("mlp", "mnist_cnn", "cifar_cnn", "catsdogs_cnn", "transformer", "bert_base", "resnet50");
    /** Models measured at batch 8 instead of 32 (as the issue asks). */
    static final Set<String> LARGE = Set.of("transformer", "bert_base", "resnet50");
    private static final int N = 4096;

    private CudaBenchmark() {}

    public static void main(String[] args) {
        CudaTarget target = CudaTarget.DEFAULT;
        List<String> what = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--gpu=")) target = new CudaTarget(a.substring(6));
            else what.add(a);
        }
        if (what.isEmpty()) {
            what.add("gemm");
            what.addAll(MODELS);
        }
        try {
            CudaDriver d = CudaDriver.open();
            System.out.printf("device: %s (sm_%d); PTX for %s%n", d.deviceName(), d.computeCapability(), target.gpu());
            d.close();
            for (String w : what) {
                if (w.equals("gemm")) gemm(target);
                else model(w, target);
            }
        } catch (CudaUnavailable e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void gemm(CudaTarget target) {
        double flop = 2.0 * N * N * N;
        SplittableRandom rng = new SplittableRandom(1);
        float[] a = new float[N * N], b = new float[N * N];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextDouble(-1, 1);
            b[i] = (float) rng.nextDouble(-1, 1);
        }
        try (CudaModel m = CudaBackend.load(GemmProgram.f32(), target, Map.of())) {
            m.run(Map.of("a", Tensor.ofFloats(DType.F32, new int[] {N, N}, a), "b", Tensor.ofFloats(DType.F32, new int[] {N, N}, b)));
            double ms = m.kernelMillis(10);
            System.out.printf("gemm f32  %d^3: %8.3f ms  %6.1f TFLOP/s (tiled shared-memory FMA)%n", N, ms, flop / ms / 1e9);
        }
        for (TensorCoreGemm.Precision p : TensorCoreGemm.Precision.values()) {
            try (TensorCoreGemmRunner r = new TensorCoreGemmRunner(target, p)) {
                double ms = r.millis(N, N, N, 20);
                System.out.printf("gemm %-4s %d^3: %8.3f ms  %6.1f TFLOP/s (tensor cores, f32 accumulation)%n", p.text(), N, ms, flop / ms / 1e9);
            }
        }
    }

    private static void model(String name, CudaTarget target) {
        Graph g = ModelBenchmark.graph(name);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (var p : g.paramSpecs()) weights.put(p.name(), SyntheticWeights.generate(p.name(), p.shape(), 0));
        var program = PassManager.forLevel(OptLevel.O2).run(g);
        try (CudaModel m = CudaBackend.load(program, target, weights)) {
            for (int batch : new int[] {1, LARGE.contains(name) ? 8 : 32}) {
                Map<String, Tensor> inputs = inputs(g, batch);
                m.run(inputs);
                double kernels = m.kernelMillis(20);
                double[] calls = new double[20];
                for (int i = 0; i < calls.length; i++) {
                    long t = System.nanoTime();
                    m.run(inputs);
                    calls[i] = (System.nanoTime() - t) / 1e6;
                }
                Arrays.sort(calls);
                System.out.printf("%-13s batch %2d: kernels %8.3f ms   run() %8.3f ms   %9.0f items/s%n", name, batch, kernels,
                        calls[calls.length / 2], batch / (calls[calls.length / 2] / 1e3));
            }
        }
    }

    /** Seeded inputs with every symbolic dim equal to the batch; integer inputs (token ids) are 0s and 1s, valid for any vocabulary. */
    private static Map<String, Tensor> inputs(Graph g, int batch) {
        SplittableRandom rng = new SplittableRandom(2);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (var n : g.nodes()) {
            if (n.op() != Op.INPUT) continue;
            Map<String, Long> bindings = new java.util.HashMap<>();
            n.type().shape().dims().forEach(d -> { if (d instanceof dev.nnc.ir.Dim.Sym s) bindings.put(s.name(), (long) batch); });
            int[] shape = n.type().shape().eval(bindings);
            int size = ModelBenchmark.size(shape);
            String in = n.attrs().getString("name");
            if (n.type().dtype().isFloat()) {
                float[] v = new float[size];
                for (int i = 0; i < size; i++) v[i] = (float) rng.nextDouble(-1, 1);
                inputs.put(in, Tensor.ofFloats(DType.F32, shape, v));
            } else {
                long[] v = new long[size];
                for (int i = 0; i < size; i++) v[i] = rng.nextInt(2);
                inputs.put(in, Tensor.ofLongs(n.type().dtype(), shape, v));
            }
        }
        return inputs;
    }
}
