package dev.nnc.benchmarks.peers;

import dev.nnc.runtime.Model;
import dev.nnc.runtime.PreparedCall;
import dev.nnc.runtime.kernels.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * nnc and ONNX Runtime in alternating short rounds in one JVM, for reading ratios on a shared
 * machine: a neighbour's burst slows every runtime's rounds alike, and the fastest rounds
 * approach what a quiet machine gives. Not the table's method (that is JMH, PeerBenchmark);
 * a profiling aid. Usage: {@code PeerDuel MODEL BATCH [ROUNDS] [ROUND_MS]}, from the
 * repository root.
 */
public final class PeerDuel {
    private PeerDuel() {}

    public static void main(String[] args) throws Exception {
        String model = args[0];
        int batch = Integer.parseInt(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        long roundNanos = (args.length > 3 ? Long.parseLong(args[3]) : 200) * 1_000_000;
        PeerModel m = PeerModel.load(model, batch);
        Map<String, Runnable> calls = new LinkedHashMap<>();
        List<AutoCloseable> open = new ArrayList<>();
        for (String backend : List.of("jvm", "native")) {
            Model nnc = m.compile(backend);
            if (nnc instanceof AutoCloseable c) open.add(c);
            PreparedCall call = PreparedCall.of(nnc, m.inputs());
            calls.put(backend, call::run);
        }
        OrtModel ort = m.onnxRuntime(Parallel.threads());
        open.add(ort);
        calls.put("ort", () -> {
            try {
                ort.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Map<String, double[]> perCall = new LinkedHashMap<>();
        for (String name : calls.keySet()) perCall.put(name, new double[rounds]);
        for (int r = -3; r < rounds; r++) { // three warm-up rounds
            for (var e : calls.entrySet()) {
                long start = System.nanoTime(), n = 0;
                do {
                    e.getValue().run();
                    n++;
                } while (System.nanoTime() - start < roundNanos);
                if (r >= 0) perCall.get(e.getKey())[r] = (System.nanoTime() - start) / 1e3 / n;
            }
        }
        System.out.printf(Locale.ROOT, "%s batch %d, %d threads, %d rounds of %d ms: µs per call%n", model, batch,
                Parallel.threads(), rounds, roundNanos / 1_000_000);
        double ortMin = min(perCall.get("ort")), ortMedian = median(perCall.get("ort"));
        for (var e : perCall.entrySet()) {
            double min = min(e.getValue()), median = median(e.getValue());
            System.out.printf(Locale.ROOT, "  %-7s min %10.2f  median %10.2f   vs ort: %.2fx (min) %.2fx (median)%n",
                    e.getKey(), min, median, ortMin / min, ortMedian / median);
        }
        for (AutoCloseable c : open) c.close();
    }

    private static double min(double[] v) { return Arrays.stream(v).min().orElseThrow(); }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
