package dev.nnc.codegen.cuda;

/** The model needs something the CUDA backend does not do (a dtype it does not compute in). */
public final class UnsupportedByCuda extends RuntimeException {
    public UnsupportedByCuda(String message) {
        super(message);
    }
}
