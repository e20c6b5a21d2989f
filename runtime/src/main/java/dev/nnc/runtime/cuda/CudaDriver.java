package dev.nnc.runtime.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CUDA driver API ({@code libcuda.so.1}, which the NVIDIA driver installs) called through
 * the FFM API: no CUDA toolkit and no extra Java dependency. One instance is device 0 with its
 * primary context; every call is checked, and a failure throws {@link CudaException} naming the
 * call and the error. The {@code _v2} entry points are used where the driver exports them
 * under that name (memory, streams, events, context release). Device pointers are longs.
 *
 * <p>The context is made current on the calling thread at the start of each operation, so any
 * thread may use an instance (the callers serialize their own work).
 */
public final class CudaDriver {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final int CUDA_ERROR_NO_DEVICE = 100;
    private static final int ATTRIBUTE_CC_MAJOR = 75, ATTRIBUTE_CC_MINOR = 76;
    private static final int JIT_ERROR_LOG_BUFFER = 5, JIT_ERROR_LOG_BUFFER_SIZE = 6;
    private static final int LOG_BYTES = 16384;

    private final SymbolLookup lib;
    /** Downcall handles by symbol, linked on first use. */
    private final Map<String, MethodHandle> handles = new ConcurrentHashMap<>();
    private final MethodHandle getErrorName, getErrorString;
    private final int device;
    private final MemorySegment context;
    private final String name;
    private final int computeCapability;
    private boolean closed;

    private CudaDriver(SymbolLookup lib) {
        this.lib = lib;
        getErrorName = handle("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        getErrorString = handle("cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        int init = (int) call("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT), 0);
        if (init == CUDA_ERROR_NO_DEVICE) throw new CudaUnavailable("no CUDA device found: the CUDA driver is installed but sees no GPU");
        if (init != 0) throw new CudaUnavailable("the CUDA driver could not start, so no CUDA device can be used: " + error("cuInit", init, "").getMessage());
        try (Arena a = Arena.ofConfined()) {
            MemorySegment count = a.allocate(JAVA_INT);
            check("cuDeviceGetCount", (int) call("cuDeviceGetCount", FunctionDescriptor.of(JAVA_INT, ADDRESS), count));
            if (count.get(JAVA_INT, 0) == 0) throw new CudaUnavailable("no CUDA device found: the CUDA driver sees no GPU");
            MemorySegment dev = a.allocate(JAVA_INT);
            check("cuDeviceGet", (int) call("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), dev, 0));
            device = dev.get(JAVA_INT, 0);
            MemorySegment text = a.allocate(256);
            check("cuDeviceGetName", (int) call("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), text, 256, device));
            name = text.getString(0, StandardCharsets.UTF_8);
            computeCapability = 10 * attribute(a, ATTRIBUTE_CC_MAJOR) + attribute(a, ATTRIBUTE_CC_MINOR);
            MemorySegment ctx = a.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", (int) call("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), ctx, device));
            context = ctx.get(ADDRESS, 0);
        }
        makeCurrent();
    }

    /**
     * Device 0 of this machine's CUDA driver.
     *
     * @throws CudaUnavailable when there is no driver library or no device, with a message saying which
     */
    public static CudaDriver open() {
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
        } catch (IllegalArgumentException notFound) {
            throw new CudaUnavailable("no CUDA driver found (libcuda.so.1 could not be loaded), so no CUDA device: "
                    + "--backend=cuda needs an NVIDIA GPU with its driver; --emit=ptx works without one");
        }
        return new CudaDriver(lib);
    }

    /** The GPU's name, e.g. {@code NVIDIA H100 80GB HBM3}. */
    public String deviceName() { return name; }

    /** The compute capability as a number: 90 for sm_90. */
    public int computeCapability() { return computeCapability; }

    /** @throws CudaUnavailable when this GPU is older than {@code gpu} (e.g. {@code sm_80}, compute capability {@code sm}) */
    public void requireArchitecture(int sm, String gpu) {
        if (computeCapability < sm) {
            throw new CudaUnavailable("the GPU " + name + " is sm_" + computeCapability + " and cannot run PTX generated for "
                    + gpu + "; compile with --gpu=sm_" + computeCapability);
        }
    }

    private int attribute(Arena a, int attribute) {
        MemorySegment v = a.allocate(JAVA_INT);
        check("cuDeviceGetAttribute", (int) call("cuDeviceGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), v, attribute, device));
        return v.get(JAVA_INT, 0);
    }

    private void makeCurrent() {
        if (closed) throw new IllegalStateException("the CUDA driver connection is closed");
        check("cuCtxSetCurrent", (int) call("cuCtxSetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS), context));
    }

    // ---- modules

    /** A loaded module (PTX, JIT-compiled by the driver for this GPU). */
    public record Module(MemorySegment handle) {}

    /** Loads PTX; a JIT failure carries the driver's log. */
    public Module loadPtx(String ptx) {
        makeCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment image = a.allocateFrom(ptx, StandardCharsets.UTF_8);
            MemorySegment log = a.allocate(LOG_BYTES);
            MemorySegment options = a.allocate(JAVA_INT, 2);
            options.setAtIndex(JAVA_INT, 0, JIT_ERROR_LOG_BUFFER);
            options.setAtIndex(JAVA_INT, 1, JIT_ERROR_LOG_BUFFER_SIZE);
            MemorySegment values = a.allocate(ADDRESS, 2);
            values.setAtIndex(ADDRESS, 0, log);
            values.setAtIndex(ADDRESS, 1, MemorySegment.ofAddress(LOG_BYTES));
            MemorySegment module = a.allocate(ADDRESS);
            int r = (int) call("cuModuleLoadDataEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS),
                    module, image, 2, options, values);
            if (r != 0) {
                String jitLog = log.getString(0, StandardCharsets.UTF_8).strip();
                throw error("cuModuleLoadDataEx", r, jitLog.isEmpty() ? "" : "; the driver's JIT log: " + jitLog);
            }
            return new Module(module.get(ADDRESS, 0));
        }
    }

    /** The kernel {@code name} of a module. */
    public MemorySegment function(Module m, String name) {
        makeCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment f = a.allocate(ADDRESS);
            check("cuModuleGetFunction(" + name + ")", (int) call("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                    f, m.handle(), a.allocateFrom(name, StandardCharsets.UTF_8)));
            return f.get(ADDRESS, 0);
        }
    }

    public void unload(Module m) {
        makeCurrent();
        check("cuModuleUnload", (int) call("cuModuleUnload", FunctionDescriptor.of(JAVA_INT, ADDRESS), m.handle()));
    }

    // ---- memory

    /** {@code bytes} of device memory (at least 1). */
    public long allocate(long bytes) {
        makeCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            check("cuMemAlloc_v2(" + bytes + " bytes)", (int) call("cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), p, Math.max(1, bytes)));
            return p.get(JAVA_LONG, 0);
        }
    }

    public void free(long devicePointer) {
        makeCurrent();
        check("cuMemFree_v2", (int) call("cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG), devicePointer));
    }

    /** Copies host memory to the device, ordered on {@code stream}. */
    public void copyToDevice(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        if (bytes == 0) return;
        makeCurrent();
        check("cuMemcpyHtoDAsync_v2", (int) call("cuMemcpyHtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS),
                dst, src, bytes, stream));
    }

    /** Copies device memory to the host, ordered on {@code stream} (complete after {@link #synchronize}). */
    public void copyToHost(MemorySegment dst, long src, long bytes, MemorySegment stream) {
        if (bytes == 0) return;
        makeCurrent();
        check("cuMemcpyDtoHAsync_v2", (int) call("cuMemcpyDtoHAsync_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS),
                dst, src, bytes, stream));
    }

    // ---- streams, launches, events

    public MemorySegment createStream() {
        makeCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(ADDRESS);
            check("cuStreamCreate", (int) call("cuStreamCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), s, 0));
            return s.get(ADDRESS, 0);
        }
    }

    public void synchronize(MemorySegment stream) {
        makeCurrent();
        check("cuStreamSynchronize", (int) call("cuStreamSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS), stream));
    }

    public void destroyStream(MemorySegment stream) {
        makeCurrent();
        check("cuStreamDestroy_v2", (int) call("cuStreamDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS), stream));
    }

    /**
     * Launches {@code function} on {@code blocks} (x, y, z) of {@code threads} threads with the
     * given kernel parameters, each a pointer to the parameter's value (cuLaunchKernel's
     * {@code void**}).
     */
    public void launch(String what, MemorySegment function, long[] blocks, int threads, MemorySegment params, MemorySegment stream) {
        makeCurrent();
        check("cuLaunchKernel(" + what + ")", (int) call("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                        JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                function, (int) blocks[0], (int) blocks[1], (int) blocks[2], threads, 1, 1, 0, stream, params, MemorySegment.NULL));
    }

    public MemorySegment createEvent() {
        makeCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment e = a.allocate(ADDRESS);
            check("cuEventCreate", (int) call("cuEventCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), e, 0));
            return e.get(ADDRESS, 0);
        }
    }

    public void record(MemorySegment event, MemorySegment stream) {
        makeCurrent();
        check("cuEventRecord", (int) call("cuEventRecord", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), event, stream));
    }

    /** Milliseconds between two recorded events (waits for the second). */
    public float elapsedMillis(MemorySegment start, MemorySegment end) {
        makeCurrent();
        check("cuEventSynchronize", (int) call("cuEventSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS), end));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ms = a.allocate(JAVA_FLOAT);
            check("cuEventElapsedTime", (int) call("cuEventElapsedTime", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), ms, start, end));
            return ms.get(JAVA_FLOAT, 0);
        }
    }

    public void destroyEvent(MemorySegment event) {
        makeCurrent();
        check("cuEventDestroy_v2", (int) call("cuEventDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS), event));
    }

    /** Releases the primary context; the instance is unusable afterwards. */
    public void close() {
        if (closed) return;
        closed = true;
        check("cuDevicePrimaryCtxRelease_v2", (int) call("cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT), device));
    }

    // ---- plumbing

    private MethodHandle handle(String symbol, FunctionDescriptor d) {
        MemorySegment address = lib.find(symbol).orElseThrow(() -> new CudaUnavailable(
                "the CUDA driver (libcuda.so.1) has no function " + symbol + ": it is too old for nnc (CUDA 11.8 or newer is needed)"));
        return LINKER.downcallHandle(address, d);
    }

    private Object call(String symbol, FunctionDescriptor d, Object... args) {
        try {
            return handles.computeIfAbsent(symbol, n -> handle(n, d)).invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("calling " + symbol, t);
        }
    }

    private void check(String call, int result) {
        if (result != 0) throw error(call, result, "");
    }

    private CudaException error(String call, int result, String more) {
        return new CudaException(call, result, text(getErrorName, result, "CUDA error"), text(getErrorString, result, "no description") + more);
    }

    private static String text(MethodHandle h, int result, String fallback) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            int r = (int) h.invokeExact(result, out);
            MemorySegment s = out.get(ADDRESS, 0);
            if (r != 0 || s.address() == 0) return fallback;
            return s.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            return fallback;
        }
    }
}
