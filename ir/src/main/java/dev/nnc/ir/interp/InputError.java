package dev.nnc.ir.interp;

/**
 * A run-time error caused by what the caller passed in rather than by the compiler: a
 * missing, unknown or mis-shaped input, a missing or mis-shaped weight, or input data that
 * an op cannot accept (a gather index out of range, an integer division by zero). The
 * message is meant for the user as it is: it names the input, weight or op, what was
 * expected and what was given.
 */
public final class InputError extends RuntimeException {
    public InputError(String message) {
        super(message);
    }
}
