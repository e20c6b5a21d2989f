package dev.nnc.cli;

import dev.nnc.ir.Graph;
import dev.nnc.runtime.Tensor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where a model's weights and inputs come from: the options {@code nnc run} and {@code nnc verify} share. */
final class ModelData {
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

    /** The parameters: from --weights, --synthetic-weights, or (with a warning) the declared initializers. */
    Map<String, Tensor> params(Graph g, PrintWriter err) {
        if (weights != null && syntheticSeed != null) throw new UserError("give either --weights or --synthetic-weights, not both");
        if (weights != null) return ModelWeights.load(g, weights);
        if (syntheticSeed != null) return ModelWeights.synthetic(g, syntheticSeed);
        if (!g.params().isEmpty()) {
            err.println("warning: no --weights given; parameters come from their initializers (seed " + seed + ")");
            err.flush();
        }
        return ModelWeights.initialize(g, seed);
    }

    Map<String, Tensor> inputs(Graph g) { return ModelInputs.load(g, inputs); }
}
