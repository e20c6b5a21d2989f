package dev.nnc.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * A parameter a model declares: its state-dict name, dtype and shape. The shape is copied
 * on the way in and out, and equality compares its contents, so specs behave as values.
 */
public record ParamSpec(String name, DType dtype, int[] shape) {
    public ParamSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Parameter '" + name + "' has a negative dimension in "
                        + Tensor.shapeString(shape) + ".");
            }
        }
    }

    /** The shape, as a fresh copy. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The type as nnc prints it, such as {@code f32[32,1,3,3]}. */
    public String typeString() {
        return dtype.text() + Tensor.shapeString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec p && p.name.equals(name) && p.dtype == dtype && Arrays.equals(p.shape, shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return name + ": " + typeString();
    }
}
