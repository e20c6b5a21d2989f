package dev.nnc.ir;

/** One attribute an op accepts; {@code defaultValue} is null when the attribute is required. */
public record AttrSpec(String name, AttrKind kind, Object defaultValue) {
    public static AttrSpec required(String name, AttrKind kind) { return new AttrSpec(name, kind, null); }

    public static AttrSpec optional(String name, AttrKind kind, Object defaultValue) {
        return new AttrSpec(name, kind, defaultValue);
    }
}
