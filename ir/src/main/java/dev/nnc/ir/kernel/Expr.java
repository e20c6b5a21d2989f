package dev.nnc.ir.kernel;

/**
 * The scalar expression an elementwise kernel evaluates at every output index. Inputs are
 * broadcast to the output shape as NumPy does; arithmetic is in the output's float type.
 */
public sealed interface Expr {

    /** The kernel's input number {@code index}, at the current output index. */
    record In(int index) implements Expr {}

    record Const(double value) implements Expr {}

    record Unary(UnaryFn fn, Expr x) implements Expr {}

    record Binary(BinaryFn fn, Expr a, Expr b) implements Expr {}

    /** Scalar functions of one argument. GELU is exact (erf); GELU_TANH the tanh approximation. */
    enum UnaryFn {
        NEG, ABS, RELU, SIGMOID, TANH, GELU, GELU_TANH, ERF, EXP, LOG, SQRT, RSQRT;

        public String text() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** Scalar functions of two arguments. */
    enum BinaryFn {
        ADD, SUB, MUL, DIV, POW, MAX, MIN;

        public String text() { return name().toLowerCase(java.util.Locale.ROOT); }
    }
}
