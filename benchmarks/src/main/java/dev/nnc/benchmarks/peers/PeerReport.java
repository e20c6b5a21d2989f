package dev.nnc.benchmarks.peers;

import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.Lowering;
import dev.nnc.optimizer.report.FlopCounter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a peer run into the README's table and chart:
 * {@code PeerReport --jmh A.json [--jmh B.json] [--pytorch P.json ...] [--png OUT.png] [--markdown OUT.md] [--subtitle TEXT]}
 * (each of --jmh and --pytorch repeatable, to join runs of the small and the large models).
 * FLOPs per call are counted as {@code nnc --stats} counts them, on the unoptimized program
 * with the benchmark's batch (and sequence length). Run from the repository root.
 */
public final class PeerReport {
    private PeerReport() {}

    public static void main(String[] args) throws Exception {
        List<Path> jmh = new ArrayList<>();
        List<Path> pytorch = new ArrayList<>();
        Path png = null, markdown = null;
        String subtitle = Runtime.getRuntime().availableProcessors() + " threads";
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) throw new IllegalArgumentException(args[i] + " needs a value");
            switch (args[i++]) {
                case "--jmh" -> jmh.add(Path.of(value));
                case "--pytorch" -> {
                    if (Files.exists(Path.of(value))) pytorch.add(Path.of(value));
                }
                case "--png" -> png = Path.of(value);
                case "--markdown" -> markdown = Path.of(value);
                case "--subtitle" -> subtitle = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i - 1]);
            }
        }
        if (jmh.isEmpty()) throw new IllegalArgumentException("usage: PeerReport --jmh RESULTS.json [--pytorch P.json] [--png OUT.png]");
        PeerResults results = PeerResults.read(jmh, pytorch);
        Map<String, Graph> graphs = new HashMap<>();
        String text = PeerTable.markdown(results, (model, batch) -> {
            Graph g = graphs.computeIfAbsent(model, PeerModel::graph);
            return FlopCounter.count(Lowering.lower(g), PeerModel.dims(g, batch));
        }) + "\n" + PeerTable.targets(results);
        System.out.print(text);
        if (markdown != null) Files.writeString(markdown, text);
        if (png != null) {
            PeerChart.write(results, png, subtitle);
            System.out.println("\nchart: " + png);
        }
    }
}
