package dev.nnc.runtime.cuda;

/** No CUDA driver could be loaded, or the driver has no device: nothing can run on a GPU here. */
public final class CudaUnavailable extends RuntimeException {
    public CudaUnavailable(String message) {
        super(message);
    }
}
