package dev.nnc.runtime.cuda;

/** A CUDA driver call failed: the call, the error's name (e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}) and the driver's description. */
public final class CudaException extends RuntimeException {
    private final int code;

    CudaException(String call, int code, String name, String description) {
        super(call + " failed: " + name + " (" + code + "): " + description);
        this.code = code;
    }

    /** The CUresult. */
    public int code() { return code; }
}
