package dev.nnc.runtime;

/** The inputs given to a model do not fit it: a missing, unknown, mistyped or misshaped tensor or array. */
public final class InputMismatchException extends IllegalArgumentException {
    public InputMismatchException(String message) { super(message); }
}
