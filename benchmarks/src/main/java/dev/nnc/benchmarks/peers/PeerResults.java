package dev.nnc.benchmarks.peers;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The measurements of one peer run: PeerBenchmark's JMH JSON ({@code -rf json}; runtimes
 * jvm, native and ort) and pytorch_bench.py's JSON (runtime pytorch), one latency per model,
 * batch and runtime.
 */
public record PeerResults(List<Measurement> all) {
    public static final List<String> RUNTIMES = List.of("jvm", "native", "ort", "pytorch");

    /** Microseconds per call, with JMH's 99.9 % error (0 for PyTorch, which reports a median). */
    public record Measurement(String model, int batch, String runtime, double us, double errorUs) {}

    public static PeerResults read(List<Path> jmhFiles, List<Path> pytorchFiles) throws IOException {
        List<Measurement> all = new ArrayList<>();
        for (Path f : jmhFiles) {
            for (JsonElement e : array(f)) {
                JsonObject o = e.getAsJsonObject();
                if (!o.get("benchmark").getAsString().endsWith("PeerBenchmark.infer")) continue;
                JsonObject p = o.getAsJsonObject("params"), metric = o.getAsJsonObject("primaryMetric");
                double scale = microsecondsPer(metric.get("scoreUnit").getAsString());
                double error = metric.get("scoreError").isJsonPrimitive() && metric.get("scoreError").getAsJsonPrimitive().isNumber()
                        ? metric.get("scoreError").getAsDouble() : 0;
                all.add(new Measurement(p.get("model").getAsString(), p.get("batch").getAsInt(), p.get("runtime").getAsString(),
                        metric.get("score").getAsDouble() * scale, Double.isNaN(error) ? 0 : error * scale));
            }
        }
        for (Path f : pytorchFiles) {
            for (JsonElement e : array(f)) {
                JsonObject o = e.getAsJsonObject();
                all.add(new Measurement(o.get("model").getAsString(), o.get("batch").getAsInt(), "pytorch", o.get("us").getAsDouble(), 0));
            }
        }
        return new PeerResults(all);
    }

    private static JsonArray array(Path f) throws IOException {
        return JsonParser.parseString(Files.readString(f)).getAsJsonArray();
    }

    private static double microsecondsPer(String unit) {
        return switch (unit) {
            case "ns/op" -> 1e-3;
            case "us/op" -> 1;
            case "ms/op" -> 1e3;
            case "s/op" -> 1e6;
            default -> throw new IllegalArgumentException("PeerBenchmark results must be average times, found unit " + unit);
        };
    }

    public Optional<Measurement> find(String model, int batch, String runtime) {
        return all.stream().filter(m -> m.model().equals(model) && m.batch() == batch && m.runtime().equals(runtime)).findFirst();
    }

    /** Models in the order they were measured. */
    public Set<String> models() {
        Set<String> out = new LinkedHashSet<>();
        for (Measurement m : all) out.add(m.model());
        return out;
    }

    /** The batch sizes measured for a model, ascending. */
    public List<Integer> batches(String model) {
        return all.stream().filter(m -> m.model().equals(model)).map(Measurement::batch).distinct()
                .sorted(Comparator.naturalOrder()).toList();
    }

    /** How many times the peer's latency our runtime's is: above 1, ours is faster. Empty when either is missing. */
    public Optional<Double> speedup(String model, int batch, String runtime, String peer) {
        var ours = find(model, batch, runtime);
        var theirs = find(model, batch, peer);
        if (ours.isEmpty() || theirs.isEmpty()) return Optional.empty();
        return Optional.of(theirs.get().us() / ours.get().us());
    }
}
