package dev.nnc.benchmarks;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.ModelLoader;
import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.SyntheticWeights;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.kernels.Parallel;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Whole-model time with the layout pass on and off (everything else -O2), as {@code
 * ModelBenchmark} calls the models: typed {@code predict(input, output)}, synthetic weights,
 * all cores unless told otherwise. The two variants of a model are timed in alternating rounds
 * of about 100 ms (after 2 s of warm-up each), so that both see the same machine; it prints the
 * fastest and the median round per call.
 *
 * <p>Usage, from the repository root: {@code LayoutModelTiming [rounds] [batch...]} (default 21
 * rounds, batches 32 and 1); {@code -Dmodels=mnist_cnn,...} picks models, {@code -Dthreads=N}
 * the thread count.
 */
public final class LayoutModelTiming {
    private LayoutModelTiming() {}

    public static void main(String[] args) throws Throwable {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        int[] batches = args.length > 1 ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {32, 1};
        List<String> models = List.of(System.getProperty("models", "mnist_cnn,cifar_cnn,catsdogs_cnn").split(","));
        Parallel.setThreads(Integer.getInteger("threads", Runtime.getRuntime().availableProcessors()));
        System.out.printf("threads %d, %d rounds%n", Parallel.threads(), rounds);
        System.out.printf("%-14s %5s %11s %11s %11s %11s %8s  %s%n", "model", "batch", "off_min_ms", "on_min_ms",
                "off_med_ms", "on_med_ms", "speedup", "NHWC kernels");
        for (String model : models) {
            for (int batch : batches) {
                Graph g = ModelBenchmark.graph(model);
                KernelProgram on = PassManager.forLevel(OptLevel.O2).run(g);
                KernelProgram off = PassManager.forLevel(OptLevel.O2).without(List.of("layout")).run(g);
                Runnable a = call(g, off, batch, "Off"), b = call(g, on, batch, "On");
                double[][] t = time(a, b, rounds);
                long nhwc = on.kernels().stream().filter(LayoutModelTiming::nhwc).count();
                System.out.printf("%-14s %5d %11.3f %11.3f %11.3f %11.3f %7.2fx  %d of %d%n", model, batch,
                        t[0][0] * 1e3, t[1][0] * 1e3, t[0][1] * 1e3, t[1][1] * 1e3, t[0][1] / t[1][1], nhwc,
                        on.kernels().size());
            }
        }
    }

    private static boolean nhwc(Kernel k) {
        return k instanceof Kernel.Conv2d c && c.layout() == Kernel.Layout.NHWC
                || k instanceof Kernel.Pool2d p && p.layout() == Kernel.Layout.NHWC;
    }

    private static Runnable call(Graph g, KernelProgram p, int batch, String suffix) throws Exception {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (var spec : g.paramSpecs()) weights.put(spec.name(), SyntheticWeights.generate(spec.name(), spec.shape(), 0));
        CompiledModel m = ModelLoader.instantiate(JvmBackend.compile(p, JvmBackend.className(g.name() + suffix)), weights);
        MethodHandle predict = MethodHandles.publicLookup().findVirtual(m.getClass(), "predict",
                MethodType.methodType(void.class, float[].class, float[].class)).bindTo(m);
        float[] input = new float[ModelBenchmark.size(g.inputs().getFirst().type().shape().eval(Map.of("B", (long) batch)))];
        float[] output = new float[ModelBenchmark.size(
                g.outputs().getFirst().value().type().shape().eval(Map.of("B", (long) batch)))];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < input.length; i++) input[i] = (float) rng.nextDouble();
        return () -> {
            try {
                predict.invokeExact(input, output);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** {fastest, median} seconds per call of a and of b, over alternating rounds. */
    private static double[][] time(Runnable a, Runnable b, int rounds) {
        Runnable[] calls = {a, b};
        int[] reps = new int[2];
        for (int i = 0; i < 2; i++) {
            long end = System.nanoTime() + 2_000_000_000L;
            int n = 0;
            long t0 = System.nanoTime();
            while (System.nanoTime() < end) {
                calls[i].run();
                n++;
            }
            reps[i] = (int) Math.max(1, 0.1 / ((System.nanoTime() - t0) / 1e9 / n));
        }
        double[][] t = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < 2; i++) {
                long start = System.nanoTime();
                for (int j = 0; j < reps[i]; j++) calls[i].run();
                t[i][r] = (System.nanoTime() - start) / 1e9 / reps[i];
            }
        }
        double[][] out = new double[2][];
        for (int i = 0; i < 2; i++) {
            Arrays.sort(t[i]);
            out[i] = new double[] {t[i][0], t[i][rounds / 2]};
        }
        return out;
    }
}
