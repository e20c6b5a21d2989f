package dev.nnc.cli;

import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Lowering;
import dev.nnc.optimizer.report.ModelStats;
import dev.nnc.optimizer.report.StatsReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --stats[=text|json]}, {@code --stats-file}, {@code --batch}: what the optimizer achieved, per model. */
final class StatsOptions {
    enum Format { text, json }

    @Option(names = "--stats", paramLabel = "FORMAT", arity = "0..1", fallbackValue = "text",
            description = "Print model statistics instead of writing a jar: graph ops, kernels, arena bytes (planned "
                    + "and naive), weight bytes, flops per batch element, and the arena/naive and kernels/ops ratios. "
                    + "--stats=json writes one JSON object with the keys ops, kernels, arena_bytes, naive_bytes, "
                    + "weight_bytes and flops.")
    Format format;

    @Option(names = "--stats-file", paramLabel = "FILE", description = "Write the --stats output to FILE instead of standard output.")
    Path file;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1",
            description = "The size every symbolic dim takes when --stats counts bytes and flops (default ${DEFAULT-VALUE}).")
    long batch;

    boolean requested() { return format != null || file != null; }

    /** Computes and writes the statistics of {@code models}; JSON needs exactly one model. */
    void report(List<Graph> models, OptimizeOptions optimize, PrintWriter out, PrintWriter err) {
        if (batch < 1) throw new UserError("--batch must be at least 1, got " + batch);
        Format f = format == null ? Format.text : format;
        if (f == Format.json && models.size() != 1) {
            throw new UserError("--stats=json describes one model, but the file defines " + models.size()
                    + "; choose one with --model NAME");
        }
        StringBuilder text = new StringBuilder();
        for (Graph g : models) {
            KernelProgram optimized = JvmCompilation.lower(g, optimize, err);
            ModelStats s = ModelStats.of(g, Lowering.lower(g), optimized, batch);
            text.append(f == Format.json ? StatsReport.json(s) : StatsReport.text(g.name(), optimize.level.name(), s, batch));
        }
        Output.write(text.toString(), file, out);
    }
}
