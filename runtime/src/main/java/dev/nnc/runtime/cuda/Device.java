package dev.nnc.runtime.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Where a {@link CudaCompiledModel}'s kernels run, with its module already loaded: device memory as
 * addresses (longs), copies and launches ordered on one stream. {@link GpuDevice} is the GPU
 * through the driver API; the tests also run the same kernels on an emulator of the CUDA
 * execution model, so that the host logic and the kernels are checked without a GPU.
 */
public interface Device extends AutoCloseable {

    /** What runs the kernels, e.g. {@code NVIDIA H100 80GB HBM3 (sm_90)}. */
    String description();

    /** {@code bytes} of device memory (at least 1). */
    long allocate(long bytes);

    void free(long pointer);

    /** Host to device, ordered after earlier work; {@code src} must stay valid until {@link #synchronize}. */
    void copyToDevice(long dst, MemorySegment src, long bytes);

    /** Device to host, ordered after earlier work; complete after {@link #synchronize}. */
    void copyToHost(MemorySegment dst, long src, long bytes);

    /** Launches kernel {@code symbol} of the module on {@code blocks} (x, y, z) of {@code threads}, its one parameter the context block's address. */
    void launch(String symbol, long[] blocks, int threads, long context);

    /** Waits until everything ordered so far is done. */
    void synchronize();

    /** Frees the module and the stream (not memory handed out by {@link #allocate}: free that first). */
    @Override
    void close();
}
