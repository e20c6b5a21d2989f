package dev.nnc.codegen.nativecode;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.nnc.ir.kernel.ProgramSignature;
import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.kernels.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model running JIT-compiled native code behind the same API as a generated JVM class
 * ({@link CompiledModel}: {@code run(Map)}, input checks, thread safety).
 *
 * <p>Memory: weights, derived weights and workspaces live in native memory owned by the model
 * and are read-only after {@code nnc_prepare}; each calling thread has its own context block,
 * arena and input/output buffers, grown when a larger batch needs more. Inputs are copied in and
 * outputs out, so no Java array is ever handed to native code. {@link #close} frees everything,
 * including the machine code.
 *
 * <p>Threads: the host drives the kernels. Each kernel's units are split over the runtime's
 * thread pool ({@link Parallel}), every thread calling the kernel's function on its range.
 */
public final class NativeModel extends CompiledModel implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final FunctionDescriptor KERNEL = FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG);
    private static final FunctionDescriptor UNITS = FunctionDescriptor.of(JAVA_LONG, ADDRESS);
    private static final FunctionDescriptor PREPARE = FunctionDescriptor.ofVoid(ADDRESS);
    private static final long ALIGN = 64;

    private final NativeModule module;
    private final NativeTarget target;
    private final NativeCompiler.Jitted code;
    private final MethodHandle[] kernels, units;
    private final MethodHandle arenaElements;
    private final Arena memory = Arena.ofShared();
    /** Slots every thread's context starts from: weights, derived weights, workspaces. */
    private final MemorySegment template;
    private final List<ThreadState> states = new ArrayList<>();
    private final ThreadLocal<ThreadState> state = ThreadLocal.withInitial(this::newState);
    private volatile boolean closed;

    /** Takes ownership of {@code code}. */
    NativeModel(NativeModule module, NativeTarget target, NativeCompiler.Jitted code, Map<String, Tensor> weightsByName) {
        super(weightsByName, ProgramSignature.text(module.program(), List.of(module.kernelCount() + " native kernels")), 0);
        this.module = module;
        this.target = target;
        this.code = code;
        int n = module.kernelCount();
        kernels = new MethodHandle[n];
        units = new MethodHandle[n];
        for (int i = 0; i < n; i++) {
            kernels[i] = LINKER.downcallHandle(MemorySegment.ofAddress(code.kernels()[i]), KERNEL);
            units[i] = LINKER.downcallHandle(MemorySegment.ofAddress(code.units()[i]), UNITS);
        }
        arenaElements = LINKER.downcallHandle(MemorySegment.ofAddress(code.arenaElements()), UNITS);
        ModuleLayout layout = module.layout();
        template = memory.allocate(8L * layout.slotCount(), ALIGN);
        int nParams = layout.weights().size();
        for (int i = 0; i < nParams; i++) {
            float[] w = weights[i];
            MemorySegment s = memory.allocate(4L * Math.max(1, w.length), ALIGN);
            MemorySegment.copy(w, 0, s, JAVA_FLOAT, 0, w.length);
            template.setAtIndex(ADDRESS, layout.weightSlot(i), s);
        }
        for (int i = 0; i < layout.derived().size(); i++) {
            MemorySegment s = memory.allocate(4L * Math.max(1, weights[nParams + i].length), ALIGN);
            template.setAtIndex(ADDRESS, layout.derivedSlot(i), s);
        }
        List<ModuleLayout.Workspace> ws = layout.workspaces();
        for (int i = 0; i < ws.size(); i++) {
            template.setAtIndex(ADDRESS, layout.firstWorkspaceSlot() + i, memory.allocate(4L * Math.max(1, ws.get(i).elements()), ALIGN));
        }
        try {
            LINKER.downcallHandle(MemorySegment.ofAddress(code.prepare()), PREPARE).invokeExact(template);
        } catch (Throwable t) {
            close();
            throw new IllegalStateException("native load-time preparation failed", t);
        }
    }

    /** Seconds LLVM took to optimize and generate the machine code. */
    public double compileSeconds() { return code.seconds(); }

    @Override
    public String backendInfo() {
        return "native backend: " + target + ", " + Parallel.threads() + " threads; " + module.kernelCount() + " kernels";
    }

    @Override
    protected int arenaSize(int[] symbols) { return 0; }

    @Override
    protected void execute(Object[] inputs, float[][] outputs, float[] unusedArena, int[] symbols) {
        if (closed) throw new IllegalStateException("the model is closed");
        ThreadState s = state.get();
        ModuleLayout layout = module.layout();
        MemorySegment ctx = s.ctx;
        for (int i = 0; i < symbols.length; i++) ctx.setAtIndex(JAVA_LONG, layout.symbolSlot(layout.symbols().get(i)), symbols[i]);
        for (int i = 0; i < inputs.length; i++) {
            MemorySegment in;
            if (inputs[i] instanceof float[] f) {
                in = s.input(i, 4L * f.length);
                MemorySegment.copy(f, 0, in, JAVA_FLOAT, 0, f.length);
            } else {
                long[] l = (long[]) inputs[i];
                in = s.input(i, 8L * l.length);
                MemorySegment.copy(l, 0, in, JAVA_LONG, 0, l.length);
            }
            ctx.setAtIndex(ADDRESS, layout.inputSlot(i), in);
        }
        for (int i = 0; i < outputs.length; i++) ctx.setAtIndex(ADDRESS, layout.outputSlot(i), s.output(i, 4L * outputs[i].length));
        try {
            long arena = (long) arenaElements.invokeExact(ctx);
            ctx.setAtIndex(ADDRESS, 0, s.arena(4L * arena));
            for (int k = 0; k < kernels.length; k++) runKernel(k, ctx);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        for (int i = 0; i < outputs.length; i++) {
            MemorySegment.copy(s.outputs[i], JAVA_FLOAT, 0, outputs[i], 0, outputs[i].length);
        }
    }

    private void runKernel(int k, MemorySegment ctx) throws Throwable {
        long n = (long) units[k].invokeExact(ctx);
        if (n <= 0) return;
        MethodHandle h = kernels[k];
        if (n == 1 || Parallel.threads() == 1) {
            h.invokeExact(ctx, 0L, n);
            return;
        }
        Parallel.forBlocks(Math.toIntExact(n), 1, (from, to) -> {
            try {
                h.invokeExact(ctx, (long) from, (long) to);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        });
    }

    private ThreadState newState() {
        synchronized (states) {
            if (closed) throw new IllegalStateException("the model is closed");
            ThreadState s = new ThreadState(module.layout());
            states.add(s);
            return s;
        }
    }

    /** Frees the native memory and the machine code; later calls fail with IllegalStateException. */
    @Override
    public void close() {
        synchronized (states) {
            if (closed) return;
            closed = true;
            for (ThreadState s : states) s.close();
            states.clear();
        }
        memory.close();
        code.close();
    }

    /** One thread's context block and buffers; each buffer lives in its own arena so that growing frees the old one. */
    private final class ThreadState {
        final Arena ctxArena = Arena.ofShared();
        final MemorySegment ctx;
        final Arena[] inputArenas, outputArenas;
        final MemorySegment[] inputs, outputs;
        Arena arenaArena;
        MemorySegment arena = MemorySegment.NULL;

        ThreadState(ModuleLayout layout) {
            ctx = ctxArena.allocate(template.byteSize(), ALIGN);
            MemorySegment.copy(template, 0, ctx, 0, template.byteSize());
            inputArenas = new Arena[layout.inputs().size()];
            inputs = new MemorySegment[inputArenas.length];
            outputArenas = new Arena[layout.outputs().size()];
            outputs = new MemorySegment[outputArenas.length];
        }

        MemorySegment input(int i, long bytes) {
            if (inputs[i] == null || inputs[i].byteSize() < bytes) {
                if (inputArenas[i] != null) inputArenas[i].close();
                inputArenas[i] = Arena.ofShared();
                inputs[i] = inputArenas[i].allocate(Math.max(bytes, 8), ALIGN);
            }
            return inputs[i];
        }

        MemorySegment output(int i, long bytes) {
            if (outputs[i] == null || outputs[i].byteSize() < bytes) {
                if (outputArenas[i] != null) outputArenas[i].close();
                outputArenas[i] = Arena.ofShared();
                outputs[i] = outputArenas[i].allocate(Math.max(bytes, 8), ALIGN);
            }
            return outputs[i];
        }

        MemorySegment arena(long bytes) {
            if (arena.byteSize() < bytes || arena == MemorySegment.NULL) {
                if (arenaArena != null) arenaArena.close();
                arenaArena = Arena.ofShared();
                arena = arenaArena.allocate(Math.max(bytes, 64), ALIGN);
            }
            return arena;
        }

        void close() {
            ctxArena.close();
            for (Arena a : inputArenas) if (a != null) a.close();
            for (Arena a : outputArenas) if (a != null) a.close();
            if (arenaArena != null) arenaArena.close();
        }
    }
}
