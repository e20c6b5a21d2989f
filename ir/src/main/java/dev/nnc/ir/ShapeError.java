package dev.nnc.ir;

/**
 * Operands or attributes that an op cannot accept. The message is user-facing: it names the
 * shapes involved and the dimension that differs; the frontend adds the source location.
 * {@code operand} is the index of the operand at fault, or -1 when no single one is.
 */
public final class ShapeError extends RuntimeException {
    private final int operand;

    public ShapeError(String message) { this(-1, message); }

    public ShapeError(int operand, String message) {
        super(message);
        this.operand = operand;
    }

    public int operand() { return operand; }
}
