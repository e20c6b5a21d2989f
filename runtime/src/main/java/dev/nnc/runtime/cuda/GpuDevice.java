package dev.nnc.runtime.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The GPU: a PTX module loaded through the driver, its kernels, and one stream everything is ordered on. */
public final class GpuDevice implements Device {
    private final CudaDriver driver;
    private final CudaDriver.Module module;
    private final Map<String, MemorySegment> functions = new HashMap<>();
    private final MemorySegment stream;
    private final Arena memory = Arena.ofShared();
    /** cuLaunchKernel's parameter array: one pointer, to {@link #contextValue}. */
    private final MemorySegment params, contextValue;

    /** Loads {@code ptx} and finds {@code symbols} in it; takes ownership of {@code driver}. */
    public GpuDevice(CudaDriver driver, String ptx, List<String> symbols) {
        this.driver = driver;
        module = driver.loadPtx(ptx);
        for (String s : symbols) functions.put(s, driver.function(module, s));
        stream = driver.createStream();
        contextValue = memory.allocate(JAVA_LONG);
        params = memory.allocate(ADDRESS);
        params.set(ADDRESS, 0, contextValue);
    }

    @Override
    public String description() {
        return driver.deviceName() + " (sm_" + driver.computeCapability() + ")";
    }

    @Override public long allocate(long bytes) { return driver.allocate(bytes); }

    @Override public void free(long pointer) { driver.free(pointer); }

    @Override public void copyToDevice(long dst, MemorySegment src, long bytes) { driver.copyToDevice(dst, src, bytes, stream); }

    @Override public void copyToHost(MemorySegment dst, long src, long bytes) { driver.copyToHost(dst, src, bytes, stream); }

    @Override
    public void launch(String symbol, long[] blocks, int threads, long context) {
        // The driver copies the parameter values at launch, so one slot serves every launch.
        contextValue.set(JAVA_LONG, 0, context);
        driver.launch(symbol, functions.get(symbol), blocks, threads, params, stream);
    }

    @Override public void synchronize() { driver.synchronize(stream); }

    /** A kernel of the module (for callers that launch with their own parameters). */
    public MemorySegment function(String symbol) {
        MemorySegment f = functions.get(symbol);
        if (f == null) throw new IllegalArgumentException("the module has no kernel " + symbol);
        return f;
    }

    /** Events on this device's stream, for timing. */
    public CudaDriver driver() { return driver; }

    public MemorySegment stream() { return stream; }

    @Override
    public void close() {
        try {
            driver.destroyStream(stream);
            driver.unload(module);
        } finally {
            driver.close();
            memory.close();
        }
    }
}
