package dev.nnc.codegen.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.nnc.codegen.nativecode.NativeCompiler;
import dev.nnc.codegen.nativecode.NativeTarget;
import dev.nnc.runtime.cuda.Device;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CUDA backend's kernels run on the CPU under CUDA's execution model, to test the kernels
 * and {@link CudaModel}'s host logic without a GPU. The module's NVPTX IR is compiled for the
 * host after a textual rewrite: each kernel takes its thread and block indices as parameters
 * instead of reading special registers, shared arrays become ordinary globals (one block runs
 * at a time), and barriers and warp shuffles call back into Java. A block runs one Java thread
 * per CUDA thread when its kernel synchronizes (barriers, shuffles), else its threads run one
 * after the other. What this does not check: PTX itself (ptxas does, in {@code PtxExamplesTest}),
 * timing, memory coalescing, and concurrency between blocks.
 */
final class EmulatedDevice implements Device {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final FunctionDescriptor KERNEL = FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
            ADDRESS, ADDRESS);
    private static final Pattern HEADER = Pattern.compile("define ptx_kernel void @(\\w+)\\(ptr %ctx\\)");
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "emulated-cuda-thread");
        t.setDaemon(true);
        return t;
    });
    private static final ThreadLocal<Integer> TID = new ThreadLocal<>();

    private final NativeCompiler.JitCode code;
    private final Map<String, MethodHandle> kernels = new HashMap<>();
    private final Set<String> cooperative = new HashSet<>();
    private final Map<Long, Arena> allocations = new HashMap<>();
    private final Arena stubs = Arena.ofShared();
    private final MemorySegment barrierStub, shuffleStub;
    private volatile CyclicBarrier barrier;
    private volatile float[] exchange;
    private volatile Throwable failure;

    EmulatedDevice(PtxModule m) {
        List<String> symbols = new ArrayList<>();
        Matcher h = HEADER.matcher(m.ir());
        while (h.find()) symbols.add(h.group(1));
        for (String s : symbols) {
            int start = m.ir().indexOf("define ptx_kernel void @" + s + "(");
            String body = m.ir().substring(start, m.ir().indexOf("\n}\n", start));
            if (body.contains("@llvm.nvvm.barrier0") || body.contains("@llvm.nvvm.shfl")) cooperative.add(s);
        }
        code = NativeCompiler.jit(hostIr(m.ir()), m.name() + "_emulated", NativeTarget.host());
        for (String s : symbols) kernels.put(s, LINKER.downcallHandle(MemorySegment.ofAddress(code.address(s)), KERNEL));
        try {
            var lookup = MethodHandles.lookup();
            barrierStub = LINKER.upcallStub(lookup.findVirtual(EmulatedDevice.class, "await", MethodType.methodType(void.class)).bindTo(this),
                    FunctionDescriptor.ofVoid(), stubs);
            shuffleStub = LINKER.upcallStub(lookup.findVirtual(EmulatedDevice.class, "shuffle",
                            MethodType.methodType(float.class, int.class, float.class, int.class, int.class)).bindTo(this),
                    FunctionDescriptor.of(JAVA_FLOAT, JAVA_INT, JAVA_FLOAT, JAVA_INT, JAVA_INT), stubs);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The module's IR made host code: indices as parameters, shared memory as globals, barriers and shuffles as callbacks. */
    static String hostIr(String ir) {
        String s = HEADER.matcher(ir).replaceAll("define void @$1(ptr %ctx, i32 %emu.tid, i32 %emu.bx, i32 %emu.by, i32 %emu.bz, "
                + "i32 %emu.ntid, ptr %emu.barrier, ptr %emu.shfl)");
        s = s.replace("call i32 @llvm.nvvm.read.ptx.sreg.tid.x()", "add i32 %emu.tid, 0")
                .replace("call i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()", "add i32 %emu.bx, 0")
                .replace("call i32 @llvm.nvvm.read.ptx.sreg.ctaid.y()", "add i32 %emu.by, 0")
                .replace("call i32 @llvm.nvvm.read.ptx.sreg.ctaid.z()", "add i32 %emu.bz, 0")
                .replace("call i32 @llvm.nvvm.read.ptx.sreg.ntid.x()", "add i32 %emu.ntid, 0")
                .replace("call void @llvm.nvvm.barrier0()", "call void %emu.barrier()")
                .replace("call float @llvm.nvvm.shfl.sync.bfly.f32(", "call float %emu.shfl(")
                .replace("addrspace(3) ", "");
        StringBuilder out = new StringBuilder();
        for (String line : s.split("\n")) {
            if (line.startsWith("declare") && line.contains("@llvm.nvvm.")) continue;
            if (line.startsWith("target triple")) continue;
            out.append(line).append('\n');
        }
        return out.toString();
    }

    @Override public String description() { return "CUDA emulator on the CPU"; }

    @Override
    public synchronized long allocate(long bytes) {
        Arena a = Arena.ofShared();
        long address = a.allocate(Math.max(1, bytes), 64).address();
        allocations.put(address, a);
        return address;
    }

    @Override
    public synchronized void free(long pointer) {
        Arena a = allocations.remove(pointer);
        if (a == null) throw new IllegalArgumentException("freeing memory that was not allocated: " + pointer);
        a.close();
    }

    @Override
    public void copyToDevice(long dst, MemorySegment src, long bytes) {
        MemorySegment.copy(src, 0, MemorySegment.ofAddress(dst).reinterpret(bytes), 0, bytes);
    }

    @Override
    public void copyToHost(MemorySegment dst, long src, long bytes) {
        MemorySegment.copy(MemorySegment.ofAddress(src).reinterpret(bytes), 0, dst, 0, bytes);
    }

    @Override
    public void launch(String symbol, long[] blocks, int threads, long context) {
        MethodHandle h = kernels.get(symbol);
        if (h == null) throw new IllegalArgumentException("no kernel " + symbol);
        MemorySegment ctx = MemorySegment.ofAddress(context);
        for (int z = 0; z < blocks[2]; z++) {
            for (int y = 0; y < blocks[1]; y++) {
                for (int x = 0; x < blocks[0]; x++) {
                    if (cooperative.contains(symbol)) runTogether(h, ctx, threads, x, y, z);
                    else for (int t = 0; t < threads; t++) call(h, ctx, t, x, y, z, threads);
                }
            }
        }
        if (failure != null) throw new IllegalStateException("emulated kernel " + symbol + " failed", failure);
    }

    /** One Java thread per CUDA thread of the block, so that barriers can hold them. */
    private void runTogether(MethodHandle h, MemorySegment ctx, int threads, int x, int y, int z) {
        barrier = new CyclicBarrier(threads);
        exchange = new float[threads];
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int tid = t;
            running.add(THREADS.submit(() -> {
                TID.set(tid);
                call(h, ctx, tid, x, y, z, threads);
            }));
        }
        for (Future<?> f : running) {
            try {
                f.get(5, TimeUnit.MINUTES);
            } catch (Exception e) {
                throw new IllegalStateException("emulated block (" + x + ", " + y + ", " + z + ") did not finish", e);
            }
        }
    }

    private void call(MethodHandle h, MemorySegment ctx, int tid, int x, int y, int z, int threads) {
        try {
            h.invokeExact(ctx, tid, x, y, z, threads, barrierStub, shuffleStub);
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** {@code __syncthreads()}; never throws (an exception in an upcall would end the JVM), a failure is kept for the launch to report. */
    private void await() {
        try {
            barrier.await(60, TimeUnit.SECONDS);
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** {@code __shfl_xor_sync}: every thread of the block takes part (the kernels shuffle only in block-uniform code). */
    private float shuffle(int mask, float value, int laneMask, int clamp) {
        int tid = TID.get();
        exchange[tid] = value;
        await();
        float other = exchange[tid ^ laneMask];
        await();
        return other;
    }

    @Override public void synchronize() {}

    @Override
    public synchronized void close() {
        for (Arena a : allocations.values()) a.close();
        allocations.clear();
        code.close();
        stubs.close();
    }
}
