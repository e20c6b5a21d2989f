package dev.nnc.ir;

import dev.nnc.runtime.DType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's attributes, in the order of its op's {@link AttrSpec}s. Values are immutable:
 * Long, Double, Boolean, String, {@code List<Long>}, {@code List<Dim>} or {@link DType}.
 */
public record Attrs(Map<String, Object> values) {

    public static final Attrs NONE = new Attrs(Map.of());

    public Attrs {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Builds attributes from alternating names and values: {@code Attrs.of("axis", 1L)}. */
    public static Attrs of(Object... namesAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        return new Attrs(m);
    }

    public boolean has(String name) { return values.containsKey(name); }

    public Object get(String name) {
        Object v = values.get(name);
        if (v == null) throw new IllegalArgumentException("missing attribute '" + name + "'");
        return v;
    }

    public long getInt(String name) { return (Long) get(name); }

    public int getAxis(String name) { return Math.toIntExact(getInt(name)); }

    public double getFloat(String name) { return (Double) get(name); }

    public boolean getBool(String name) { return (Boolean) get(name); }

    public String getString(String name) { return (String) get(name); }

    public DType getDType(String name) { return (DType) get(name); }

    @SuppressWarnings("unchecked")
    public List<Long> getInts(String name) { return (List<Long>) get(name); }

    /** An INTS attribute as an int array. */
    public int[] getIntArray(String name) {
        return getInts(name).stream().mapToInt(Math::toIntExact).toArray();
    }

    @SuppressWarnings("unchecked")
    public Shape getShape(String name) { return new Shape((List<Dim>) get(name)); }
}
