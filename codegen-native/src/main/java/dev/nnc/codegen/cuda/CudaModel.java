package dev.nnc.codegen.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.ProgramSignature;
import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.InputMismatchException;
import dev.nnc.runtime.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model running on the GPU, behind the same API as the other backends ({@code run(Map)},
 * input checks). At construction the weights are uploaded once and the load-time kernels
 * compute the derived weights on the device. A call copies the inputs in, fills and uploads
 * the context block, launches every kernel in order on the device's stream, and copies the
 * outputs back. Device memory for inputs, outputs and the arena is kept between calls and
 * grown when a larger batch needs more. Calls on one model are serialized (one stream);
 * {@link #close} frees the device memory and the device.
 */
public final class CudaModel extends CompiledModel implements AutoCloseable {
    private final PtxModule module;
    private final Device device;
    private final String target;
    private final ContextBlock context;
    private final long contextDevice;
    private final List<Long> weightMemory = new ArrayList<>();
    /** Device buffers for inputs, outputs and the arena, in that order, with their capacities in bytes. */
    private final long[] callBuffers, callCapacity;
    private final Map<String, Long> indexBounds;
    /** The launches of the last call, for {@link #kernelMillis}. */
    private LaunchPlan lastPlan;
    private boolean closed;

    /** Takes ownership of {@code device}, on which the module's kernels are loaded: closing the model closes it. */
    public CudaModel(PtxModule module, CudaTarget target, Device device, Map<String, Tensor> weightsByName) {
        super(weightsByName, ProgramSignature.text(module.program(), List.of()), 0);
        this.module = module;
        this.device = device;
        this.target = target.gpu();
        context = new ContextBlock(module.layout());
        contextDevice = device.allocate(context.bytes());
        weightMemory.add(contextDevice);
        int storage = module.layout().inputs().size() + module.layout().outputs().size();
        callBuffers = new long[storage + 1];
        callCapacity = new long[storage + 1];
        indexBounds = module.indexBounds();
        uploadWeights();
    }

    /** Weights to the device once, then the load-time kernels fill the derived weights there. */
    private void uploadWeights() {
        List<Buf> params = module.layout().weights(), derived = module.layout().derived();
        try (Arena staging = Arena.ofConfined()) {
            for (int i = 0; i < params.size() + derived.size(); i++) {
                float[] w = weights[i];
                long pointer = device.allocate(4L * w.length);
                weightMemory.add(pointer);
                if (i < params.size()) {
                    MemorySegment host = staging.allocate(4L * Math.max(1, w.length));
                    MemorySegment.copy(w, 0, host, JAVA_FLOAT, 0, w.length);
                    device.copyToDevice(pointer, host, 4L * w.length);
                    context.storage(params.get(i), pointer);
                } else {
                    context.storage(derived.get(i - params.size()), pointer);
                }
            }
            uploadContext(staging);
            for (LaunchPlan.Step s : LaunchPlan.of(module.prepare(), Map.of()).steps()) {
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
        return "cuda backend: " + device.description() + ", PTX for " + target + ", " + module.kernels().size() + " kernels";
    }

    /** Device memory is the model's own: the Java arena is not used. */
    @Override
    protected int arenaSize(int[] symbols) { return 0; }

    @Override
    protected synchronized void execute(Object[] inputs, float[][] outputs, float[] unusedArena, int[] symbols) {
        if (closed) throw new IllegalStateException("the model is closed");
        List<String> names = module.layout().symbols();
        Map<String, Long> bindings = new HashMap<>();
        long[] values = new long[symbols.length];
        for (int i = 0; i < symbols.length; i++) {
            values[i] = symbols[i];
            bindings.put(names.get(i), (long) symbols[i]);
        }
        LaunchPlan plan = LaunchPlan.of(module.kernels(), bindings);
        context.symbols(values);
        List<Buf> inBufs = module.layout().inputs(), outBufs = module.layout().outputs();
        try (Arena staging = Arena.ofConfined()) {
            for (int i = 0; i < inputs.length; i++) {
                MemorySegment host;
                if (inputs[i] instanceof float[] f) {
                    host = staging.allocate(4L * Math.max(1, f.length));
                    MemorySegment.copy(f, 0, host, JAVA_FLOAT, 0, f.length);
                } else {
                    long[] l = (long[]) inputs[i];
                    checkIndices(inBufs.get(i).name(), l);
                    host = staging.allocate(8L * Math.max(1, l.length));
                    MemorySegment.copy(l, 0, host, JAVA_LONG, 0, l.length);
                }
                long pointer = buffer(i, host.byteSize());
                device.copyToDevice(pointer, host, host.byteSize());
                context.storage(inBufs.get(i), pointer);
            }
            long[] outPointers = new long[outputs.length];
            for (int i = 0; i < outputs.length; i++) {
                outPointers[i] = buffer(inputs.length + i, 4L * outputs[i].length);
                context.storage(outBufs.get(i), outPointers[i]);
            }
            long arenaFloats = module.program().arenaSize().eval(bindings);
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
        Long bound = indexBounds.get(input);
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
