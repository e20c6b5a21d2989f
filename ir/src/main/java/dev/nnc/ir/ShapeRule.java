package dev.nnc.ir;

import java.util.List;

/** Infers an op's result type from its operand types and attributes, or throws {@link ShapeError}. */
@FunctionalInterface
public interface ShapeRule {
    TensorType infer(List<TensorType> operands, Attrs attrs);
}
