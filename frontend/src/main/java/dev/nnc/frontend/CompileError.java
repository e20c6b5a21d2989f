package dev.nnc.frontend;

/** Aborts elaboration of the current construct with a user error; the caller records it and goes on. */
final class CompileError extends RuntimeException {
    final Diagnostic diagnostic;

    CompileError(Span span, String message, String... notes) {
        super(message, null, false, false);
        this.diagnostic = Diagnostic.error(span, message, notes);
    }
}
