package dev.nnc.ir;

/** An SSA value: produced by exactly one node, printed as {@code %id}. */
public record Value(int id, TensorType type) {
    @Override public String toString() { return "%" + id; }
}
