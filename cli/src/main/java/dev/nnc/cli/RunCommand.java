package dev.nnc.cli;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.interp.Interpreter;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nnc run FILE --weights W --input X.npy}: runs a model and summarizes its output. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a model on inputs from .npy files and prints a summary of each output.",
                "Without --weights the parameters come from their declared initializers (seeded)."})
final class RunCommand implements Callable<Integer> {

    /** Execution engines available for run; compiled backends arrive with later releases. */
    enum Backend { interp }

    @Parameters(index = "0", paramLabel = "FILE", description = "The .nn file with the model.")
    Path file;

    @Option(names = {"-w", "--weights"}, paramLabel = "W", description = "Weights as safetensors, named as the model's parameters.")
    Path weights;

    @Option(names = "--synthetic-weights", paramLabel = "SEED", arity = "0..1", fallbackValue = "0",
            description = "Use the deterministic synthetic weights of the reference script (seed, default 0).")
    Long syntheticSeed;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed for initializer weights when neither --weights nor --synthetic-weights is given (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-i", "--input"}, paramLabel = "[NAME=]X.npy", required = true,
            description = "An input tensor; a model with several inputs takes NAME=X.npy once per input.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--output", paramLabel = "[NAME=]Y.npy",
            description = "Write an output tensor to a .npy file; with several outputs use NAME=Y.npy.")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--backend", paramLabel = "B", defaultValue = "interp",
            description = "Execution engine: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}, the reference interpreter).")
    Backend backend;

    @Option(names = "--classes", paramLabel = "FILE", description = "Class names, one per line, to label predictions.")
    Path classes;

    @Option(names = "--labels", paramLabel = "L.npy", description = "True class ids of the batch, to print beside predictions.")
    Path labels;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "Classes shown per row (default ${DEFAULT-VALUE}).")
    int top;

    @Mixin
    CompileOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (weights != null && syntheticSeed != null) throw new UserError("give either --weights or --synthetic-weights, not both");
        Frontend.Result r = options.compile(file, err);
        Graph g = options.single(r);
        Map<String, Tensor> params;
        if (weights != null) {
            params = ModelWeights.load(g, weights);
        } else if (syntheticSeed != null) {
            params = ModelWeights.synthetic(g, syntheticSeed);
        } else {
            params = ModelWeights.initialize(g, seed);
            if (!g.params().isEmpty()) {
                err.println("warning: no --weights given; parameters come from their initializers (seed " + seed + ")");
                err.flush();
            }
        }
        Map<String, Tensor> in = ModelInputs.load(g, inputs);
        long start = System.nanoTime();
        Map<String, Tensor> result = Interpreter.run(g, in, params);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> classNames = readClasses();
        Tensor trueLabels = labels == null ? null : Npy.read(requireFile(labels, "labels"));
        out.printf("%s on %s (%s): %.3f s%n", g.name(), file, "reference interpreter", seconds);
        for (var e : result.entrySet()) {
            out.print(OutputReport.describe(e.getKey(), e.getValue(), classNames, trueLabels, top));
        }
        writeOutputs(result);
        out.flush();
        return 0;
    }

    private List<String> readClasses() {
        if (classes == null) return null;
        try {
            return Files.readAllLines(requireFile(classes, "class names")).stream().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new UserError("cannot read class names from " + classes + ": " + e.getMessage());
        }
    }

    private static Path requireFile(Path p, String what) {
        if (!Files.isRegularFile(p)) throw new UserError(what + " file " + p + " does not exist");
        return p;
    }

    private void writeOutputs(Map<String, Tensor> result) {
        for (String spec : outputs) {
            int eq = spec.indexOf('=');
            String name;
            if (eq < 0) {
                if (result.size() != 1) {
                    throw new UserError("the model has " + result.size() + " outputs (" + String.join(", ", result.keySet())
                            + "); use --output NAME=Y.npy");
                }
                name = result.keySet().iterator().next();
            } else {
                name = spec.substring(0, eq);
                if (!result.containsKey(name)) {
                    throw new UserError("no output named '" + name + "'; outputs are " + String.join(", ", result.keySet()));
                }
            }
            Path file = Path.of(eq < 0 ? spec : spec.substring(eq + 1));
            try {
                Npy.write(file, result.get(name));
            } catch (RuntimeException e) {
                throw new UserError("cannot write " + file + ": " + e.getMessage());
            }
        }
    }
}
