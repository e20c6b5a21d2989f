package dev.nnc.cli;

/** A mistake in what the user gave us; printed as "error: message", exit code 1, no stack trace. */
final class UserError extends RuntimeException {
    UserError(String message) { super(message, null, false, false); }
}
