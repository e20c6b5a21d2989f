package dev.nnc.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A tensor shape: an ordered list of dims, possibly symbolic. Rank 0 is a scalar. */
public record Shape(List<Dim> dims) {

    public Shape {
        dims = List.copyOf(dims);
    }

    public static Shape of(long... sizes) {
        List<Dim> dims = new ArrayList<>();
        for (long s : sizes) dims.add(Dim.of(s));
        return new Shape(dims);
    }

    public static Shape of(Dim... dims) { return new Shape(List.of(dims)); }

    public static final Shape SCALAR = new Shape(List.of());

    public int rank() { return dims.size(); }

    /** The dim at {@code axis}; negative axes count from the end. */
    public Dim dim(int axis) { return dims.get(axis < 0 ? axis + rank() : axis); }

    public boolean isKnown() { return dims.stream().allMatch(Dim::isKnown); }

    /** Product of all dims (1 for a scalar). */
    public Dim numel() {
        Dim n = Dim.of(1);
        for (Dim d : dims) n = n.times(d);
        return n;
    }

    /** Concrete sizes with every symbol bound. */
    public int[] eval(Map<String, Long> bindings) {
        int[] out = new int[rank()];
        for (int i = 0; i < out.length; i++) out[i] = Math.toIntExact(dims.get(i).eval(bindings));
        return out;
    }

    @Override public String toString() {
        return dims.stream().map(Dim::toString).collect(Collectors.joining(",", "[", "]"));
    }
}
