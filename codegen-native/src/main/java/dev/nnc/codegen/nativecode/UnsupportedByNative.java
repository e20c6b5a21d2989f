package dev.nnc.codegen.nativecode;

/** The model needs something the native backend does not do (a dtype it does not compute in). */
public final class UnsupportedByNative extends RuntimeException {
    public UnsupportedByNative(String message) {
        super(message);
    }
}
