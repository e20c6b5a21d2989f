package dev.nnc.runtime.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.DimArithmetic;
import dev.nnc.runtime.InputMismatchException;
import dev.nnc.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A model running on the GPU, behind the same API as the other backends ({@code run(Map)},
 * input checks, typed {@code predict} methods in generated subclasses). At construction the
 * weights are uploaded once and the load-time kernels compute the derived weights on the
 * device. A call copies the inputs in, fills and uploads the context block, launches every
 * kernel in order on the device's stream, and copies the outputs back. Device memory for
 * inputs, outputs and the arena is kept between calls and grown when a larger batch needs more.
 * Calls on one model are serialized (one stream); {@link #close} frees the device memory and
 * the device.
 *
 * <p>What it runs: a module's kernels on a {@link Device} (the GPU, or in tests an emulator),
 * launched as the {@link LaunchTable} says. A class written by {@code nnc build --backend=cuda}
 * carries its PTX as the resource {@code <SimpleName>.ptx} beside it and loads it on the GPU.
 */
public class CudaCompiledModel extends CompiledModel implements AutoCloseable {
    private final LaunchTable table;
    private final Device device;
    private final ContextBlock context;
    private final long contextDevice;
    private final List<Long> weightMemory = new ArrayList<>();
    /** Device buffers for inputs, outputs and the arena, in that order, with their capacities in bytes. */
    private final long[] callBuffers, callCapacity;
    /** The launches of the last call, for {@link #kernelMillis}. */
    private LaunchPlan lastPlan;
    private boolean closed;

    /**
     * Runs on {@code device}, on which the module's kernels are loaded; takes ownership of it:
     * closing the model closes it.
     *
     * @param signature as for {@link CompiledModel}, with {@code indices} lines for gather indices
     * @param launchTable {@link LaunchTable#text}
     */
    public CudaCompiledModel(Map<String, Tensor> weightsByName, String signature, String launchTable, Device device) {
        this(weightsByName, signature, launchTable, () -> device);
    }

    /**
     * For a generated class: loads {@code owner}'s PTX resource on this machine's GPU, once the
     * weights are known to fit.
     *
     * @throws CudaUnavailable when there is no CUDA driver or device, or the GPU is older than the PTX's architecture
     */
    protected CudaCompiledModel(Map<String, Tensor> weightsByName, String signature, String launchTable, Class<?> owner) {
        this(weightsByName, signature, launchTable, () -> gpu(owner, LaunchTable.parse(launchTable)));
    }

    private CudaCompiledModel(Map<String, Tensor> weightsByName, String signature, String launchTable, Supplier<Device> devices) {
        super(weightsByName, signature, 0);
        this.table = LaunchTable.parse(launchTable);
        context = new ContextBlock(symbolNames().size(), inputs().size(), outputs().size(), weights.length);
        int storage = inputs().size() + outputs().size();
        callBuffers = new long[storage + 1];
        callCapacity = new long[storage + 1];
        this.device = devices.get();
        try {
            contextDevice = device.allocate(context.bytes());
            weightMemory.add(contextDevice);
            uploadWeights();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static Device gpu(Class<?> owner, LaunchTable table) {
        String ptx = ptxOf(owner);
        CudaDriver driver = CudaDriver.open();
        try {
            driver.requireArchitecture(table.sm(), table.gpu());
            return new GpuDevice(driver, ptx, table.symbols());
        } catch (RuntimeException e) {
            driver.close();
            throw e;
        }
    }

    private static String ptxOf(Class<?> owner) {
        String resource = owner.getSimpleName() + ".ptx";
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException(owner.getName() + " carries no GPU code: its jar has no " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the GPU code of " + owner.getName() + ": " + e.getMessage(), e);
        }
    }

    /** Weights to the device once, then the load-time kernels fill the derived weights there. */
    private void uploadWeights() {
        int params = parameters().size();
        try (Arena staging = Arena.ofConfined()) {
            for (int i = 0; i < weights.length; i++) {
                float[] w = weights[i];
                long pointer = device.allocate(4L * w.length);
                weightMemory.add(pointer);
                if (i < params) {
                    MemorySegment host = staging.allocate(4L * Math.max(1, w.length));
                    MemorySegment.copy(w, 0, host, JAVA_FLOAT, 0, w.length);
                    device.copyToDevice(pointer, host, 4L * w.length);
                }
                context.weight(i, pointer);
            }
            uploadContext(staging);
            for (LaunchPlan.Step s : LaunchPlan.of(table.prepare(), Map.of()).steps()) {
                device.launch(s.symbol(), s.blocks(), s.threads(), contextDevice);
            }
            device.synchronize();
        }
    }

    private void uploadContext(Arena staging) {
        long[] slots = context.slots();
        MemorySegment host = staging.allocate(JAVA_LONG, slots.length);
        MemorySegment.copy(slots, 0, host, JAVA_LONG, 0, slots.length);
        device.copyToDevice(contextDevice, host, 8L * slots.length);
    }

    @Override
    public String backendInfo() {
        return "cuda backend: " + device.description() + ", PTX for " + table.gpu() + ", " + table.kernels().size() + " kernels";
    }

    /** Device memory is the model's own: the Java arena is not used. */
    @Override
    protected int arenaSize(int[] symbols) { return 0; }

    @Override
    protected synchronized void execute(Object[] inputs, float[][] outputs, float[] unusedArena, int[] symbols) {
        if (closed) throw new IllegalStateException("the model is closed");
        checkLimits(symbols);
        List<String> names = symbolNames();
        Map<String, Long> bindings = new HashMap<>();
        long[] values = new long[symbols.length];
        for (int i = 0; i < symbols.length; i++) {
            values[i] = symbols[i];
            bindings.put(names.get(i), (long) symbols[i]);
        }
        LaunchPlan plan = LaunchPlan.of(table.kernels(), bindings);
        context.symbols(values);
        try (Arena staging = Arena.ofConfined()) {
            for (int i = 0; i < inputs.length; i++) {
                MemorySegment host;
                if (inputs[i] instanceof float[] f) {
                    host = staging.allocate(4L * Math.max(1, f.length));
                    MemorySegment.copy(f, 0, host, JAVA_FLOAT, 0, f.length);
                } else {
                    long[] l = (long[]) inputs[i];
                    checkIndices(inputs().get(i).name(), l);
                    host = staging.allocate(8L * Math.max(1, l.length));
                    MemorySegment.copy(l, 0, host, JAVA_LONG, 0, l.length);
                }
                long pointer = buffer(i, host.byteSize());
                device.copyToDevice(pointer, host, host.byteSize());
                context.input(i, pointer);
            }
            long[] outPointers = new long[outputs.length];
            for (int i = 0; i < outputs.length; i++) {
                outPointers[i] = buffer(inputs.length + i, 4L * outputs[i].length);
                context.output(i, outPointers[i]);
            }
            long arenaFloats = DimArithmetic.evalLong(table.arena(), bindings);
            context.arena(buffer(inputs.length + outputs.length, 4 * arenaFloats));
            uploadContext(staging);
            launchAll(plan);
            MemorySegment[] hostOut = new MemorySegment[outputs.length];
            for (int i = 0; i < outputs.length; i++) {
                hostOut[i] = staging.allocate(4L * Math.max(1, outputs[i].length));
                device.copyToHost(hostOut[i], outPointers[i], 4L * outputs[i].length);
            }
            device.synchronize();
            for (int i = 0; i < outputs.length; i++) MemorySegment.copy(hostOut[i], JAVA_FLOAT, 0, outputs[i], 0, outputs[i].length);
        }
        lastPlan = plan;
    }

    private void launchAll(LaunchPlan plan) {
        for (LaunchPlan.Step s : plan.steps()) device.launch(s.symbol(), s.blocks(), s.threads(), contextDevice);
    }

    /**
     * Milliseconds per forward pass on the device alone (no copies), averaged over
     * {@code repetitions} launches of every kernel with the inputs of the last {@link #run}.
     * GPU only: it times with CUDA events.
     */
    public synchronized double kernelMillis(int repetitions) {
        if (lastPlan == null) throw new IllegalStateException("run the model once before timing its kernels");
        if (!(device instanceof GpuDevice gpu)) throw new IllegalStateException("kernel timing needs the GPU");
        CudaDriver d = gpu.driver();
        var start = d.createEvent();
        var end = d.createEvent();
        try {
            d.record(start, gpu.stream());
            for (int r = 0; r < repetitions; r++) launchAll(lastPlan);
            d.record(end, gpu.stream());
            return d.elapsedMillis(start, end) / repetitions;
        } finally {
            d.destroyEvent(start);
            d.destroyEvent(end);
        }
    }

    /** The device buffer {@code i} with at least {@code bytes}, reallocated (larger) when it is too small. */
    private long buffer(int i, long bytes) {
        if (callBuffers[i] == 0 || callCapacity[i] < bytes) {
            if (callBuffers[i] != 0) device.free(callBuffers[i]);
            callBuffers[i] = 0;
            callCapacity[i] = Math.max(bytes, 4);
            callBuffers[i] = device.allocate(callCapacity[i]);
        }
        return callBuffers[i];
    }

    /** Kernels cannot throw: indices outside [-n, n) are refused here, before they run. */
    private void checkIndices(String input, long[] values) {
        Long bound = indexBounds().get(input);
        if (bound == null) return;
        for (int j = 0; j < values.length; j++) {
            if (values[j] < -bound || values[j] >= bound) {
                throw new InputMismatchException("input '" + input + "': index " + values[j] + " at element " + j
                        + " is outside [" + -bound + ", " + bound + "), the size of the axis it indexes");
            }
        }
    }

    /** Frees the device memory and closes the device; later calls fail. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            for (long b : callBuffers) if (b != 0) device.free(b);
            for (long w : weightMemory) device.free(w);
        } finally {
            device.close();
        }
    }
}
