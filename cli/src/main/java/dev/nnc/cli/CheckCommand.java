package dev.nnc.cli;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.Node;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nnc check FILE}: diagnostics only, and a one-line signature per model when all is well. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Checks a .nn file (syntax, names, types and shapes) and reports every error found.",
                "With --stats it also optimizes each model and prints what the optimizer achieved."})
final class CheckCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The .nn file to check.")
    Path file;

    @Mixin
    CompileOptions options;

    @Mixin
    OptimizeOptions optimize;

    @Mixin
    StatsOptions stats;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Frontend.Result r = options.compile(file, spec.commandLine().getErr());
        // JSON on standard output stays one parseable object: no signature lines around it.
        boolean jsonToStdout = stats.format == StatsOptions.Format.json && stats.file == null;
        if (!jsonToStdout) {
            for (Graph g : options.selectedModels(r)) spec.commandLine().getOut().println(signature(g));
            spec.commandLine().getOut().flush();
        }
        if (stats.requested()) stats.report(options.selectedModels(r), optimize, spec.commandLine().getOut(), spec.commandLine().getErr());
        return 0;
    }

    static String signature(Graph g) {
        String inputs = g.inputs().stream().map(n -> n.attrs().getString("name") + ": " + n.type())
                .collect(Collectors.joining(", "));
        String outputs = g.outputs().stream().map(o -> o.name() + ": " + o.value().type()).collect(Collectors.joining(", "));
        long params = 0;
        for (Node p : g.params()) params += p.type().shape().numel().known().orElse(0);
        return String.format("model %s(%s) -> %s: %d ops, %d parameters in %d tensors", g.name(), inputs, outputs,
                g.nodes().size() - g.inputs().size() - g.params().size(), params, g.params().size());
    }
}
