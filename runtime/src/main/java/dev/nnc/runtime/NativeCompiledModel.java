package dev.nnc.runtime;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.nnc.runtime.kernels.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model whose kernels are native code (compiled by nnc's LLVM backend, in process or into a
 * shared library), behind the same API as a generated JVM class: {@code run(Map)}, input
 * checks, typed {@code predict} methods in generated subclasses, thread safety.
 *
 * <p>The native code's contract (nnc's native module): functions {@code nnc_prepare(ctx)},
 * {@code nnc_arena_elements(ctx)}, {@code nnc_schedule(ctx, out)} (each kernel's units and
 * whether it is worth splitting over threads) and per kernel I {@code nnc_kI(ctx, from, to)},
 * all taking a context block of 8-byte slots: the arena, the
 * symbol values, then pointers to inputs, outputs, weights, derived weights and workspaces in
 * the signature's order.
 *
 * <p>Memory: weights, derived weights and workspaces live in native memory owned by the model,
 * read-only after {@code nnc_prepare}; each calling thread has its own context block, arena and
 * input/output buffers, grown when a larger batch needs more. Inputs are copied in and outputs
 * out: no Java array is handed to native code. {@link #close} frees the native memory.
 *
 * <p>Threads: this class drives the kernels; the units of each kernel worth splitting are split
 * over the runtime's thread pool ({@link Parallel}), every thread calling the kernel's function
 * on its range; small kernels run on the calling thread.
 */
public class NativeCompiledModel extends CompiledModel implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final FunctionDescriptor KERNEL = FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG);
    private static final FunctionDescriptor UNITS = FunctionDescriptor.of(JAVA_LONG, ADDRESS);
    private static final FunctionDescriptor PREPARE = FunctionDescriptor.ofVoid(ADDRESS);
    private static final FunctionDescriptor SCHEDULE = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS);
    private static final long ALIGN = 64;

    /** Addresses of the native functions. */
    public record EntryPoints(MemorySegment prepare, MemorySegment arenaElements, MemorySegment schedule,
                              List<MemorySegment> kernels) {
        public EntryPoints {
            kernels = List.copyOf(kernels);
        }

        /** The functions of a model of {@code kernelCount} kernels, by their exported names. */
        public static EntryPoints lookup(SymbolLookup library, int kernelCount) {
            List<MemorySegment> k = new ArrayList<>();
            for (int i = 0; i < kernelCount; i++) k.add(find(library, "nnc_k" + i));
            return new EntryPoints(find(library, "nnc_prepare"), find(library, "nnc_arena_elements"),
                    find(library, "nnc_schedule"), k);
        }

        private static MemorySegment find(SymbolLookup library, String name) {
            return library.find(name).orElseThrow(() -> new IllegalStateException("the native library has no function " + name));
        }
    }

    private final String description;
    private final MethodHandle[] kernels;
    private final MethodHandle arenaElements, schedule;
    private final Arena memory = Arena.ofShared();
    /** Slots every thread's context starts from: weights, derived weights, workspaces. */
    private final MemorySegment template;
    private final int symbolSlot, inputSlot, outputSlot;
    private final List<ThreadState> states = new ArrayList<>();
    private final ThreadLocal<ThreadState> state = ThreadLocal.withInitial(this::newState);
    private volatile boolean closed;
    private volatile KernelProfile profile;

    /**
     * @param signature as for {@link CompiledModel}, with a {@code workspace FLOATS} line per workspace
     * @param description what {@link #backendInfo} says the code is, e.g. the target CPU
     */
    public NativeCompiledModel(Map<String, Tensor> weightsByName, String signature, EntryPoints code, String description) {
        super(weightsByName, signature, 0);
        this.description = description;
        int n = code.kernels().size();
        kernels = new MethodHandle[n];
        for (int i = 0; i < n; i++) kernels[i] = LINKER.downcallHandle(code.kernels().get(i), KERNEL);
        arenaElements = LINKER.downcallHandle(code.arenaElements(), UNITS);
        schedule = LINKER.downcallHandle(code.schedule(), SCHEDULE);
        symbolSlot = 1;
        inputSlot = symbolSlot + symbolNames().size();
        outputSlot = inputSlot + inputs().size();
        int weightSlot = outputSlot + outputs().size();
        int params = parameters().size(), derived = derivedWeights().size();
        List<Long> workspaces = workspaceSizes();
        template = memory.allocate(8L * (weightSlot + params + derived + workspaces.size()), ALIGN);
        for (int i = 0; i < params + derived; i++) {
            float[] w = weights[i];
            MemorySegment s = memory.allocate(4L * Math.max(1, w.length), ALIGN);
            if (i < params) MemorySegment.copy(w, 0, s, JAVA_FLOAT, 0, w.length);
            template.setAtIndex(ADDRESS, weightSlot + i, s);
        }
        for (int i = 0; i < workspaces.size(); i++) {
            template.setAtIndex(ADDRESS, weightSlot + params + derived + i, memory.allocate(4L * Math.max(1, workspaces.get(i)), ALIGN));
        }
        try {
            LINKER.downcallHandle(code.prepare(), PREPARE).invokeExact(template);
        } catch (Throwable t) {
            memory.close();
            throw new IllegalStateException("native load-time preparation failed", t);
        }
    }

    /**
     * Runs a model of one f32 input and one output into the caller's array, without allocating
     * after the first call on a thread: the input's one symbolic dim (the batch) is read off its
     * length. Models with several inputs or outputs, or other symbolic dims, use {@link #run}.
     */
    public void predict(float[] input, float[] output) {
        if (inputs().size() != 1 || outputs().size() != 1 || symbolNames().size() > 1) {
            throw new UnsupportedOperationException("predict(float[], float[]) needs one input, one output and at most one "
                    + "symbolic dim; this model has " + inputs().size() + " inputs, " + outputs().size() + " outputs and symbols "
                    + symbolNames() + ": use run(Map)");
        }
        TensorSpec in = inputs().getFirst(), out = outputs().getFirst();
        String batch = symbolNames().isEmpty() ? null : symbolNames().getFirst();
        int symbol = Math.toIntExact(sizeOf(in, batch, 1, input.length));
        checkLength(output.length, Math.toIntExact(sizeOf(out, batch, symbol, -1)), out.name(), out.typeString());
        ThreadState s = state.get();
        s.inputs[0] = input;
        s.outputs[0] = output;
        s.symbols[0] = symbol;
        execute(s.inputs, s.outputs, null, s.symbolNames == 0 ? new int[0] : s.symbols);
    }

    /**
     * With {@code length >= 0}: the batch implied by an input array's length (checked); else the
     * element count of {@code spec} for that batch. Dims must be numbers or the batch symbol.
     */
    private static long sizeOf(TensorSpec spec, String batch, long batchValue, int length) {
        long perItem = 1;
        int batchDims = 0;
        for (String d : spec.dims()) {
            if (DimArithmetic.isNumber(d)) perItem *= Long.parseLong(d);
            else if (d.equals(batch)) batchDims++;
            else throw new UnsupportedOperationException("predict(float[], float[]) reads only a plain batch dim off an array "
                    + "length; " + spec.name() + " is " + spec.typeString() + ": use run(Map)");
        }
        if (length < 0) return perItem * (long) Math.pow(batchValue, batchDims);
        if (batchDims == 0) {
            if (length != perItem) throw new InputMismatchException("input '" + spec.name() + "': expected "
                    + spec.typeString() + " = " + perItem + " elements, but the array has " + length);
            return 1;
        }
        if (batchDims > 1) throw new UnsupportedOperationException("input " + spec.name() + " is " + spec.typeString() + ": use run(Map)");
        return sizeFromLength(length, Math.toIntExact(perItem), spec.name(), spec.typeString());
    }

    /** Times every run-time kernel of the following calls into {@code p} (null: stop timing). */
    public void profile(KernelProfile p) {
        if (p != null && p.kernels() != kernels.length) {
            throw new IllegalArgumentException("profile has " + p.kernels() + " kernels, the model " + kernels.length);
        }
        profile = p;
    }

    @Override
    public String backendInfo() {
        return "native backend: " + description + ", " + Parallel.threads() + " threads, " + kernels.length + " kernels";
    }

    /** The Java arena is not used: native code has its own. */
    @Override
    protected int arenaSize(int[] symbols) { return 0; }

    @Override
    protected void execute(Object[] inputs, float[][] outputs, float[] unusedArena, int[] symbols) {
        checkLimits(symbols);
        ThreadState s = state.get();
        MemorySegment ctx = s.ctx;
        for (int i = 0; i < symbols.length; i++) ctx.setAtIndex(JAVA_LONG, symbolSlot + i, symbols[i]);
        for (int i = 0; i < inputs.length; i++) {
            MemorySegment in;
            if (inputs[i] instanceof float[] f) {
                in = s.buffer(i, 4L * f.length);
                MemorySegment.copy(f, 0, in, JAVA_FLOAT, 0, f.length);
            } else {
                long[] l = (long[]) inputs[i];
                checkIndices(i, l);
                in = s.buffer(i, 8L * l.length);
                MemorySegment.copy(l, 0, in, JAVA_LONG, 0, l.length);
            }
            ctx.setAtIndex(ADDRESS, inputSlot + i, in);
        }
        MemorySegment[] outs = new MemorySegment[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            outs[i] = s.buffer(inputs.length + i, 4L * outputs[i].length);
            ctx.setAtIndex(ADDRESS, outputSlot + i, outs[i]);
        }
        try {
            long arena = (long) arenaElements.invokeExact(ctx);
            ctx.setAtIndex(ADDRESS, 0, s.buffer(inputs.length + outputs.length, 4L * arena));
            schedule.invokeExact(ctx, s.schedule);
            KernelProfile p = profile;
            for (int k = 0; k < kernels.length; k++) {
                long units = s.schedule.getAtIndex(JAVA_LONG, 2L * k);
                boolean split = s.schedule.getAtIndex(JAVA_LONG, 2L * k + 1) != 0;
                if (p == null || units <= 0) {
                    runKernel(k, ctx, units, split);
                } else {
                    long start = System.nanoTime();
                    runKernel(k, ctx, units, split);
                    p.add(k, System.nanoTime() - start);
                }
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        for (int i = 0; i < outputs.length; i++) MemorySegment.copy(outs[i], JAVA_FLOAT, 0, outputs[i], 0, outputs[i].length);
    }

    /** Native code cannot throw: indices outside [-n, n) are refused here, before it runs. */
    private void checkIndices(int input, long[] values) {
        String name = inputs().get(input).name();
        Long bound = indexBounds().get(name);
        if (bound == null) return;
        for (int j = 0; j < values.length; j++) {
            if (values[j] < -bound || values[j] >= bound) {
                throw new InputMismatchException("input '" + name + "': index " + values[j] + " at element " + j
                        + " is outside [" + -bound + ", " + bound + "), the size of the axis it indexes");
            }
        }
    }

    private void runKernel(int k, MemorySegment ctx, long n, boolean split) throws Throwable {
        if (n <= 0) return;
        MethodHandle h = kernels[k];
        if (n == 1 || !split || Parallel.threads() == 1) {
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
            ThreadState s = new ThreadState();
            states.add(s);
            return s;
        }
    }

    /** Frees the native memory; later calls fail with IllegalStateException. Subclasses free their code after this. */
    @Override
    public void close() {
        synchronized (states) {
            if (closed) return;
            closed = true;
            for (ThreadState s : states) s.close();
            states.clear();
        }
        memory.close();
    }

    /** One thread's context block and buffers (inputs, outputs, arena), each in its own arena so that growing frees the old one. */
    private final class ThreadState {
        final Arena ctxArena = Arena.ofShared();
        final MemorySegment ctx;
        /** nnc_schedule's answer for this call: units and split flag per kernel. */
        final MemorySegment schedule;
        final Arena[] arenas;
        final MemorySegment[] buffers;
        /** Argument arrays of {@link #predict(float[], float[])}, reused. */
        final Object[] inputs = new Object[1];
        final float[][] outputs = new float[1][];
        final int[] symbols = new int[1];
        final int symbolNames = symbolNames().size();

        ThreadState() {
            ctx = ctxArena.allocate(template.byteSize(), ALIGN);
            schedule = ctxArena.allocate(16L * Math.max(1, kernels.length), ALIGN);
            MemorySegment.copy(template, 0, ctx, 0, template.byteSize());
            int n = inputs().size() + outputs().size() + 1;
            arenas = new Arena[n];
            buffers = new MemorySegment[n];
        }

        MemorySegment buffer(int i, long bytes) {
            if (closed) throw new IllegalStateException("the model is closed");
            if (buffers[i] == null || buffers[i].byteSize() < bytes) {
                if (arenas[i] != null) arenas[i].close();
                arenas[i] = Arena.ofShared();
                buffers[i] = arenas[i].allocate(Math.max(bytes, 64), ALIGN);
            }
            return buffers[i];
        }

        void close() {
            ctxArena.close();
            for (Arena a : arenas) if (a != null) a.close();
        }
    }
}
