package dev.nnc.cli;

import dev.nnc.ir.Graph;
import dev.nnc.ir.Node;
import dev.nnc.runtime.Initializers;
import dev.nnc.runtime.ParamSpec;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.SyntheticWeights;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.WeightBinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** A model's parameter tensors: from a safetensors file, or made from the declared initializers. */
final class ModelWeights {
    private ModelWeights() {}

    static Map<String, Tensor> load(Graph g, Path file) {
        if (!Files.isRegularFile(file)) throw new UserError("weights file " + file + " does not exist");
        return WeightBinder.bind(g.paramSpecs(), Safetensors.read(file), file.toString());
    }

    /** Every parameter from its declared initializer, e.g. glorot_uniform, with a seeded generator. */
    static Map<String, Tensor> initialize(Graph g, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Node p : g.params()) {
            Initializer init = Initializer.parse(p.attrs().getString("init"));
            out.put(p.attrs().getString("name"), Initializers.initialize(init.kind(), init.args(), p.type().dtype(),
                    p.type().shape().eval(Map.of()), rng.split()));
        }
        return out;
    }

    /** The deterministic weights of reference_models.synthetic_weights, for models too large to ship. */
    static Map<String, Tensor> synthetic(Graph g, long seed) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (ParamSpec p : g.paramSpecs()) out.put(p.name(), SyntheticWeights.generate(p.name(), p.shape(), seed));
        return out;
    }

    /** An initializer as recorded in a param node: {@code kind} or {@code kind(a=1.0, b=2.0)}. */
    record Initializer(String kind, Map<String, Double> args) {
        static Initializer parse(String text) {
            int open = text.indexOf('(');
            if (open < 0) return new Initializer(text, Map.of());
            Map<String, Double> args = new LinkedHashMap<>();
            for (String part : text.substring(open + 1, text.length() - 1).split(",")) {
                String[] kv = part.trim().split("=");
                args.put(kv[0].trim(), Double.parseDouble(kv[1].trim()));
            }
            return new Initializer(text.substring(0, open), args);
        }
    }
}
