package dev.nnc.benchmarks.peers;

import dev.nnc.benchmarks.peers.PeerResults.Measurement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongBiFunction;

/**
 * The peer results as Markdown: one row per model, batch and runtime (latency, items per
 * second, GFLOP/s, speed against ONNX Runtime and PyTorch), then each target of issue #7
 * with the ratios measured and whether it is met.
 */
public final class PeerTable {
    static final Map<String, String> NAMES = Map.of("jvm", "nnc jvm", "native", "nnc native", "ort", "ONNX Runtime",
            "pytorch", "PyTorch");
    /** The models the batch-1 target of the native backend names: the MLP and the three small CNNs. */
    static final List<String> SMALL = List.of("mlp", "mnist_cnn", "cifar_cnn", "catsdogs_cnn");

    private PeerTable() {}

    /** @param flops FLOPs of one call of a model at a batch size */
    public static String markdown(PeerResults r, ToLongBiFunction<String, Integer> flops) {
        StringBuilder s = new StringBuilder();
        s.append("| model | batch | runtime | latency | items/s | GFLOP/s | vs ONNX Runtime | vs PyTorch |\n");
        s.append("|---|---:|---|---:|---:|---:|---:|---:|\n");
        for (String model : r.models()) {
            for (int batch : r.batches(model)) {
                long f = flops.applyAsLong(model, batch);
                for (String runtime : PeerResults.RUNTIMES) {
                    var m = r.find(model, batch, runtime);
                    if (m.isEmpty()) continue;
                    Measurement x = m.get();
                    boolean nnc = runtime.equals("jvm") || runtime.equals("native");
                    s.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %.1f | %s | %s |%n", model, batch,
                            nnc ? "**" + NAMES.get(runtime) + "**" : NAMES.get(runtime), latency(x),
                            grouped(batch * 1e6 / x.us()), f / (x.us() * 1e3),
                            runtime.equals("ort") ? "1" : ratio(r, model, batch, runtime, "ort", nnc),
                            runtime.equals("pytorch") ? "1" : ratio(r, model, batch, runtime, "pytorch", nnc)));
                }
            }
        }
        return s.toString();
    }

    /** Each target: the ratios against ONNX Runtime it concerns, and met or missed. */
    public static String targets(PeerResults r) {
        StringBuilder s = new StringBuilder();
        for (String model : r.models()) {
            List<Integer> batches = r.batches(model);
            int large = batches.getLast();
            target(s, r, model, large, "native", 1.0);
            target(s, r, model, large, "jvm", 0.8);
            if (SMALL.contains(model) && batches.contains(1)) target(s, r, model, 1, "native", 1.5);
        }
        return s.toString();
    }

    private static void target(StringBuilder s, PeerResults r, String model, int batch, String runtime, double goal) {
        var ratio = r.speedup(model, batch, runtime, "ort");
        if (ratio.isEmpty()) return;
        s.append(String.format(Locale.ROOT, "- %s, batch %d, %s ≥ %.1f× ONNX Runtime: %.2f× — %s%n", model, batch,
                NAMES.get(runtime), goal, ratio.get(), ratio.get() >= goal ? "met" : "**missed**"));
    }

    private static String ratio(PeerResults r, String model, int batch, String runtime, String peer, boolean bold) {
        return r.speedup(model, batch, runtime, peer)
                .map(v -> String.format(Locale.ROOT, bold ? "**%.2f×**" : "%.2f×", v)).orElse("–");
    }

    static String latency(Measurement m) {
        double us = m.us(), err = m.errorUs();
        String unit = "µs";
        if (us >= 1000) {
            us /= 1000;
            err /= 1000;
            unit = "ms";
        }
        String digits = us < 10 ? "%.2f" : us < 100 ? "%.1f" : "%.0f";
        String value = String.format(Locale.ROOT, digits, us);
        return err > 0 ? value + " ± " + String.format(Locale.ROOT, digits, err) + " " + unit : value + " " + unit;
    }

    static String grouped(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%,.1f", v);
    }
}
