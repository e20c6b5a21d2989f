package dev.nnc.benchmarks;

import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.kernels.Parallel;
import java.util.Arrays;
import java.util.Map;

/**
 * A quick look at one large model without JMH: compile, warm up, then the median of
 * {@code rounds} timed calls. Usage: {@code LargeModelTiming MODEL BACKEND BATCH [ROUNDS] [THREADS]}.
 */
public final class LargeModelTiming {
    private LargeModelTiming() {}

    public static void main(String[] args) throws Exception {
        String model = args[0], backend = args[1];
        int batch = Integer.parseInt(args[2]);
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        Parallel.setThreads(args.length > 4 ? Integer.parseInt(args[4]) : Runtime.getRuntime().availableProcessors());
        CompiledModel m = LargeModels.compile(LargeModels.graph(model), backend, System.getProperty("nnc.opt", "O2"));
        Map<String, Tensor> in = LargeModels.inputs(m, batch);
        for (int i = 0; i < Math.max(3, rounds / 2); i++) m.run(in);
        double[] ms = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            m.run(in);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("%s %s batch %d: median %.2f ms (min %.2f, max %.2f)%n", model, backend, batch, ms[rounds / 2], ms[0], ms[rounds - 1]);
        if (m instanceof AutoCloseable c) c.close();
    }
}
