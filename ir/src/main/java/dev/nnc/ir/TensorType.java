package dev.nnc.ir;

import dev.nnc.runtime.DType;

/** The type of a graph IR value: element type and shape, printed as {@code f32[B,26,26,32]}. */
public record TensorType(DType dtype, Shape shape) {

    public int rank() { return shape.rank(); }

    public TensorType withShape(Shape s) { return new TensorType(dtype, s); }

    public TensorType withDType(DType d) { return new TensorType(d, shape); }

    @Override public String toString() { return dtype.text() + shape; }
}
