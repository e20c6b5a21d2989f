package dev.nnc.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The declared type of a model input or output: name, element type, and dims that are numbers,
 * symbols bound at run time ({@code B}), or arithmetic over them ({@code S*64}).
 */
public record TensorSpec(String name, DType dtype, List<String> dims) {

    public TensorSpec {
        dims = List.copyOf(dims);
    }

    /** Parses {@code name:f32[B,1,28,28]}. */
    public static TensorSpec parse(String text) {
        int colon = text.indexOf(':'), open = text.indexOf('['), close = text.lastIndexOf(']');
        if (colon < 0 || open < colon || close < open) throw new IllegalArgumentException("bad tensor spec: " + text);
        String name = text.substring(0, colon);
        DType dtype = DType.fromText(text.substring(colon + 1, open))
                .orElseThrow(() -> new IllegalArgumentException("bad element type in " + text));
        String inner = text.substring(open + 1, close).strip();
        List<String> dims = new ArrayList<>();
        if (!inner.isEmpty()) for (String d : inner.split(",")) dims.add(d.strip());
        return new TensorSpec(name, dtype, dims);
    }

    /** The type as written, e.g. {@code f32[B,1,28,28]}. */
    public String typeString() { return dtype.text() + "[" + String.join(",", dims) + "]"; }

    /** Concrete sizes with the symbols bound. */
    public int[] shape(Map<String, Integer> symbols) {
        int[] out = new int[dims.size()];
        for (int i = 0; i < out.length; i++) out[i] = DimArithmetic.eval(dims.get(i), symbols);
        return out;
    }

    /** Binds the symbols this spec's plain-symbol dims name from an actual shape; checks the rest. */
    public void bind(int[] actual, Map<String, Integer> symbols) {
        if (actual.length != dims.size()) {
            throw new InputMismatchException(what() + " expected " + typeString() + " but got " + dtype.text()
                    + Tensor.shapeString(actual) + " (rank " + actual.length + ", expected " + dims.size() + ")");
        }
        for (int i = 0; i < actual.length; i++) {
            String d = dims.get(i);
            if (DimArithmetic.isSymbol(d) && !symbols.containsKey(d)) symbols.put(d, actual[i]);
        }
        for (int i = 0; i < actual.length; i++) {
            String d = dims.get(i);
            int want;
            try {
                want = DimArithmetic.eval(d, symbols);
            } catch (IllegalArgumentException e) {
                continue; // a symbol only another input binds; checked when that input is seen
            }
            if (want != actual[i]) {
                throw new InputMismatchException(what() + " expected " + typeString() + " but got " + dtype.text()
                        + Tensor.shapeString(actual) + " (dimension " + i + " is " + d
                        + (DimArithmetic.isNumber(d) ? "" : " = " + want) + ", got " + actual[i] + ")");
            }
        }
    }

    private String what() { return "input '" + name + "':"; }
}
