package dev.nnc.cli;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.IrPrinter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every command that compiles shares, and the compile step itself. */
final class CompileOptions {
    @Option(names = {"-I", "--import-path"}, paramLabel = "DIR",
            description = "Also look for imported modules in DIR (repeatable).")
    List<Path> importPaths = new ArrayList<>();

    @Option(names = "--model", paramLabel = "NAME", description = "The model to use when the file defines several.")
    String model;

    /**
     * Compiles the file, printing any diagnostics to {@code err}.
     *
     * @throws CompileFailed when there are errors
     */
    Frontend.Result compile(Path file, PrintWriter err) {
        Frontend.Result r = compileKeepingErrors(file, err);
        if (!r.ok()) throw new CompileFailed();
        return r;
    }

    /** Compiles the file and prints any diagnostics, but returns even when there are errors. */
    Frontend.Result compileKeepingErrors(Path file, PrintWriter err) {
        Reproducer.source(file);
        Frontend.Result r = new Frontend(importPaths).compile(file);
        if (!r.diagnostics().all().isEmpty()) {
            err.print(r.diagnostics().render());
            err.flush();
        }
        for (Graph g : r.models().values()) Reproducer.reached("graph IR of " + g.name(), IrPrinter.print(g));
        return r;
    }

    /** The model named by --model, or every model when none is named. */
    List<Graph> selectedModels(Frontend.Result r) {
        if (model == null) return List.copyOf(r.models().values());
        return List.of(single(r));
    }

    /** The one model to run: named by --model, or the file's only model. */
    Graph single(Frontend.Result r) {
        if (model != null) {
            Graph g = r.models().get(model);
            if (g == null) {
                throw new UserError("no model named '" + model + "'; the file defines: " + String.join(", ", r.models().keySet()));
            }
            return g;
        }
        if (r.models().isEmpty()) throw new UserError("the file defines no model (only layers)");
        if (r.models().size() > 1) {
            throw new UserError("the file defines several models (" + String.join(", ", r.models().keySet())
                    + "); choose one with --model NAME");
        }
        return r.models().values().iterator().next();
    }
}
