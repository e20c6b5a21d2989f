package dev.nnc.codegen.jvm;

/** A model uses something the JVM backend cannot run yet; the message names it and what is supported. */
public final class UnsupportedByBackend extends RuntimeException {
    public UnsupportedByBackend(String message) { super(message); }
}
