package dev.nnc.cli;

import dev.nnc.ir.Graph;
import dev.nnc.ir.IrPrinter;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.KernelPass;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.Pass;
import dev.nnc.optimizer.PassListener;
import dev.nnc.optimizer.PassManager;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code -O0/-O1/-O2}, {@code --disable-pass}, {@code --print-after}, {@code --print-after-all}, {@code --time-passes}: how every compiling command optimizes. */
final class OptimizeOptions {
    @Option(names = {"-O", "--opt-level"}, paramLabel = "LEVEL", defaultValue = "2", converter = LevelConverter.class,
            description = "Optimization level: -O0 lowers one kernel per op, -O1 adds graph cleanups, elementwise fusion "
                    + "and memory planning, -O2 (the default) runs every pass. Also written -O 1 or --opt-level=1.")
    OptLevel level = OptLevel.DEFAULT;

    @Option(names = "--print-after", paramLabel = "PASS", split = ",",
            description = "Print the IR after PASS to standard error (repeatable, or a comma list): graph IR after a "
                    + "graph pass, kernel IR after 'lower' and after the kernel passes. An unknown name lists the passes.")
    List<String> printAfter = new ArrayList<>();

    @Option(names = "--disable-pass", paramLabel = "PASS", split = ",",
            description = "Leave PASS out of the pipeline (repeatable, or a comma list), e.g. to measure what it gains or to "
                    + "work around a problem. An unknown name lists the passes.")
    List<String> disabled = new ArrayList<>();

    @Option(names = "--print-after-all", description = "Print the IR after every pass (and after 'lower') to standard error.")
    boolean printAfterAll;

    @Option(names = "--time-passes",
            description = "After compiling, print each pass's time (ms and %% of the total, in run order) to standard error.")
    boolean timePasses;

    static final class LevelConverter implements CommandLine.ITypeConverter<OptLevel> {
        @Override public OptLevel convert(String value) {
            try {
                return OptLevel.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The chosen level's pipeline without the disabled passes and without listeners, e.g. for {@code nnc verify}'s bisection. */
    PassManager pipeline() {
        PassManager all = PassManager.forLevel(level);
        List<String> unknown = disabled.stream().filter(n -> !all.passNames().contains(n)).distinct().toList();
        if (!unknown.isEmpty()) {
            throw new UserError("--disable-pass: no pass named " + String.join(", ", unknown.stream().map(s -> "'" + s + "'").toList())
                    + " at -" + level + "; the passes are: " + String.join(", ", all.passNames()));
        }
        return all.without(disabled);
    }

    /** Every step name {@code --print-after} accepts at this level, in run order (lowering included). */
    List<String> stepNames() {
        List<String> names = new ArrayList<>();
        for (Pass p : pipeline().passes()) {
            if (p instanceof KernelPass && !names.contains(PassManager.LOWER)) names.add(PassManager.LOWER);
            names.add(p.name());
        }
        if (!names.contains(PassManager.LOWER)) names.add(PassManager.LOWER);
        return names;
    }

    /** Rejects {@code --print-after} names that are not steps of this level's pipeline, listing the ones that are. */
    void check() {
        List<String> known = stepNames();
        Set<String> unknown = new LinkedHashSet<>(printAfter);
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new UserError("--print-after: no pass named " + String.join(", ", unknown.stream().map(s -> "'" + s + "'").toList())
                    + " at -" + level + "; the passes are: " + String.join(", ", known));
        }
    }

    /**
     * Optimizes and lowers {@code g} with this level's pipeline, printing the IR after the
     * requested passes and then the pass timings to {@code err} as asked.
     */
    KernelProgram optimize(Graph g, PrintWriter err) {
        check();
        PassTimer timer = new PassTimer();
        Set<String> dump = new LinkedHashSet<>(printAfter);
        PassListener listener = new PassListener() {
            @Override public void afterGraphPass(String pass, Graph result, long nanos) {
                timer.record(pass, nanos);
                String text = IrPrinter.print(result);
                Reproducer.reached("graph IR of " + g.name() + " after " + pass, text);
                if (printAfterAll || dump.contains(pass)) {
                    err.print(header(g, pass, "graph IR") + text);
                    err.flush();
                }
            }

            @Override public void afterKernelPass(String pass, KernelProgram result, long nanos) {
                timer.record(pass, nanos);
                String text = KernelPrinter.print(result);
                Reproducer.reached("kernel IR of " + g.name() + " after " + pass, text);
                if (printAfterAll || dump.contains(pass)) {
                    err.print(header(g, pass, "kernel IR") + text);
                    err.flush();
                }
            }
        };
        KernelProgram p = pipeline().listener(listener).run(g);
        if (timePasses) {
            err.print("pass timings for " + g.name() + " at -" + level + ":\n" + timer.table());
            err.flush();
        }
        return p;
    }

    private static String header(Graph g, String pass, String ir) {
        return "// ---- " + ir + " of " + g.name() + " after " + pass + " ----\n";
    }
}
