package dev.nnc.cli;

/** The frontend reported errors (already printed); exit code 1. */
final class CompileFailed extends RuntimeException {
    CompileFailed() { super(null, null, false, false); }
}
