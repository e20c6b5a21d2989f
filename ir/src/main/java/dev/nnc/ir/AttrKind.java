package dev.nnc.ir;

import dev.nnc.runtime.DType;
import java.util.List;

/** The kinds of node attributes and the Java type that holds each. */
public enum AttrKind {
    /** {@link Long} */ INT,
    /** {@link Double} */ FLOAT,
    /** {@link Boolean} */ BOOL,
    /** {@link String} */ STRING,
    /** {@code List<Long>} */ INTS,
    /** {@code List<Dim>}: a shape that may hold symbolic dims */ SHAPE,
    /** {@link dev.nnc.runtime.DType} */ DTYPE;

    /** True when {@code value} is held in this kind's Java type (lists: every element, none null). */
    public boolean accepts(Object value) {
        return switch (this) {
            case INT -> value instanceof Long;
            case FLOAT -> value instanceof Double;
            case BOOL -> value instanceof Boolean;
            case STRING -> value instanceof String;
            case INTS -> value instanceof List<?> l && l.stream().allMatch(e -> e instanceof Long);
            case SHAPE -> value instanceof List<?> l && l.stream().allMatch(e -> e instanceof Dim);
            case DTYPE -> value instanceof DType;
        };
    }
}
