package dev.nnc.codegen.nativecode;

/** LLVM refused what the backend gave it (bad IR, unknown target or CPU, failed link): a message, never a crash. */
public final class NativeCompileException extends RuntimeException {
    public NativeCompileException(String message) {
        super(message);
    }
}
