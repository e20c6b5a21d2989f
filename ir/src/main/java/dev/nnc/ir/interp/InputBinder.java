package dev.nnc.ir.interp;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Graph;
import dev.nnc.ir.Node;
import dev.nnc.ir.TensorType;
import dev.nnc.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks the caller's inputs and weights against the graph's declared types and binds the
 * symbolic dimensions ({@code B}, {@code S}) to sizes.
 *
 * <p>Inputs are visited in declaration order and their dims left to right; a symbol is bound
 * the first time it is seen and must agree everywhere after that. Compound dims such as
 * {@code S/2} are checked once every symbol is bound, so they may use a symbol that a later
 * input binds.
 */
final class InputBinder {
    private InputBinder() {}

    /** Checks every input and returns the symbol bindings; throws {@link InputError} on a mismatch. */
    static Map<String, Long> bind(Graph graph, Map<String, Tensor> inputs) {
        List<Node> declared = graph.inputs();
        Map<String, Node> byName = new LinkedHashMap<>();
        for (Node n : declared) byName.put(n.attrs().getString("name"), n);
        for (String given : inputs.keySet()) {
            if (!byName.containsKey(given)) {
                throw new InputError("unknown input '" + given + "'; the model's inputs are " + describe(byName));
            }
        }

        Map<String, Long> bindings = new LinkedHashMap<>();
        Map<String, String> boundBy = new HashMap<>(); // symbol -> the input that bound it
        record Deferred(String input, TensorType type, Tensor given, int axis, Dim dim) {}
        List<Deferred> compound = new ArrayList<>();

        for (Map.Entry<String, Node> e : byName.entrySet()) {
            String name = e.getKey();
            TensorType type = e.getValue().type();
            Tensor t = inputs.get(name);
            if (t == null) throw new InputError("missing input '" + name + "' (expected " + type + ")");
            checkDTypeAndRank("input", name, type, t);
            int[] shape = t.shape();
            for (int d = 0; d < shape.length; d++) {
                Dim dim = type.shape().dims().get(d);
                switch (dim) {
                    case Dim.Known k -> {
                        if (k.value() != shape[d]) {
                            throw new InputError(mismatch("input", name, type, t)
                                    + " (dimension " + d + " is " + k.value() + ", got " + shape[d] + ")");
                        }
                    }
                    case Dim.Sym s -> {
                        Long bound = bindings.get(s.name());
                        if (bound == null) {
                            bindings.put(s.name(), (long) shape[d]);
                            boundBy.put(s.name(), name);
                        } else if (bound != shape[d]) {
                            throw new InputError("input '" + name + "': dimension " + d + " is " + s.name() + " = "
                                    + bound + " (bound by input '" + boundBy.get(s.name()) + "'), got " + shape[d]
                                    + "; expected " + type + " but got " + t);
                        }
                    }
                    case Dim.Expr x -> compound.add(new Deferred(name, type, t, d, x));
                }
            }
        }
        for (Deferred c : compound) {
            long expected;
            try {
                expected = c.dim().eval(bindings);
            } catch (IllegalArgumentException ex) {
                throw new InputError("input '" + c.input() + "': cannot check dimension " + c.axis() + " (" + c.dim()
                        + "): " + ex.getMessage() + "; expected " + c.type() + " but got " + c.given());
            }
            long actual = c.given().shape()[c.axis()];
            if (expected != actual) {
                throw new InputError("input '" + c.input() + "': dimension " + c.axis() + " is " + c.dim() + " = "
                        + expected + ", got " + actual + "; expected " + c.type() + " but got " + c.given());
            }
        }
        return bindings;
    }

    /**
     * Checks that every parameter has a weight of its dtype and shape (symbols evaluated with
     * {@code bindings}); weights that no parameter uses are ignored, so a full state dict can
     * be passed to a graph that dead-code elimination has pruned.
     */
    static void checkWeights(Graph graph, Map<String, Tensor> weights, Map<String, Long> bindings) {
        for (Node p : graph.params()) {
            String name = p.attrs().getString("name");
            TensorType type = p.type();
            Tensor t = weights.get(name);
            if (t == null) throw new InputError("missing weight '" + name + "' (expected " + type + ")");
            checkDTypeAndRank("weight", name, type, t);
            int[] shape = t.shape();
            for (int d = 0; d < shape.length; d++) {
                Dim dim = type.shape().dims().get(d);
                long expected;
                try {
                    expected = dim.eval(bindings);
                } catch (IllegalArgumentException ex) {
                    throw new IllegalStateException("parameter '" + name + "' has type " + type
                            + ", which the inputs do not determine: " + ex.getMessage());
                }
                if (expected != shape[d]) {
                    String is = dim.isKnown() ? Long.toString(expected) : dim + " = " + expected;
                    throw new InputError(mismatch("weight", name, type, t)
                            + " (dimension " + d + " is " + is + ", got " + shape[d] + ")");
                }
            }
        }
    }

    private static void checkDTypeAndRank(String what, String name, TensorType type, Tensor t) {
        if (t.dtype() != type.dtype()) {
            throw new InputError(mismatch(what, name, type, t)
                    + " (dtype is " + type.dtype().text() + ", got " + t.dtype().text() + ")");
        }
        if (t.rank() != type.rank()) {
            throw new InputError(mismatch(what, name, type, t)
                    + " (rank is " + type.rank() + ", got " + t.rank() + ")");
        }
    }

    private static String mismatch(String what, String name, TensorType type, Tensor t) {
        return what + " '" + name + "': expected " + type + " but got " + t;
    }

    private static String describe(Map<String, Node> byName) {
        if (byName.isEmpty()) return "none";
        return byName.entrySet().stream()
                .map(e -> "'" + e.getKey() + "' (" + e.getValue().type() + ")")
                .collect(Collectors.joining(", "));
    }
}
