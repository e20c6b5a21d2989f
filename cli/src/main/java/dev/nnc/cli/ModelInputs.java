package dev.nnc.cli;

import dev.nnc.ir.Graph;
import dev.nnc.ir.Node;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code --input X.npy} / {@code --input NAME=X.npy} into the model's named inputs. */
final class ModelInputs {
    private ModelInputs() {}

    static Map<String, Tensor> load(Graph g, List<String> specs) {
        List<Node> inputs = g.inputs();
        List<String> names = inputs.stream().map(n -> n.attrs().getString("name")).toList();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String name;
            Path file;
            if (eq < 0) {
                if (inputs.size() != 1) {
                    throw new UserError("model " + g.name() + " has " + inputs.size() + " inputs (" + String.join(", ", names)
                            + "); give each as --input NAME=FILE.npy");
                }
                name = names.getFirst();
                file = Path.of(spec);
            } else {
                name = spec.substring(0, eq);
                file = Path.of(spec.substring(eq + 1));
                if (!names.contains(name)) {
                    throw new UserError("model " + g.name() + " has no input named '" + name + "'; its inputs are " + String.join(", ", names));
                }
            }
            if (out.containsKey(name)) throw new UserError("input '" + name + "' is given twice");
            if (!Files.isRegularFile(file)) throw new UserError("input file " + file + " does not exist");
            Node node = inputs.get(names.indexOf(name));
            out.put(name, convert(Npy.read(file), node.type().dtype(), name, file));
        }
        for (String name : names) {
            if (!out.containsKey(name)) throw new UserError("missing input '" + name + "': give it as --input " + name + "=FILE.npy");
        }
        return out;
    }

    /** Widens integer files to a wider integer input (token ids saved as i32) and floats to f32; nothing lossy. */
    private static Tensor convert(Tensor t, DType want, String name, Path file) {
        if (t.dtype() == want) return t;
        boolean intToInt = !t.dtype().isFloat() && t.dtype() != DType.BOOL && !want.isFloat() && want != DType.BOOL
                && t.dtype().byteSize() <= want.byteSize();
        if (intToInt) return Tensor.ofLongs(want, t.shape(), t.longs());
        if (t.dtype().isFloat() && want == DType.F32) return Tensor.ofFloats(want, t.shape(), t.floats());
        throw new UserError("input '" + name + "' from " + file + " has element type " + t.dtype() + ", but the model expects "
                + want);
    }
}
