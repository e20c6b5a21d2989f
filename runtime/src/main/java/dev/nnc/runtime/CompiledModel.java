package dev.nnc.runtime;

import dev.nnc.runtime.kernels.Parallel;
import dev.nnc.runtime.kernels.VectorSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base of every generated model class. It owns what is the same for all models: binding
 * weights by name, checking inputs, the per-thread scratch arena, and {@link #run}; the
 * generated subclass supplies the kernel sequence ({@link #execute}) and typed
 * {@code predict} methods.
 *
 * <p>Thread safety: an instance may be used by several threads at once. Weights are read-only
 * after construction and each calling thread gets its own arena, kept between calls so a
 * steady-state call allocates nothing.
 */
public abstract class CompiledModel implements Model {
    private final List<TensorSpec> inputs = new ArrayList<>();
    private final List<TensorSpec> outputs = new ArrayList<>();
    private final List<ParamSpec> params = new ArrayList<>();
    /** Weights computed at load time from the others (folded batch norms, constants). */
    private final List<ParamSpec> derived = new ArrayList<>();
    private final List<String> symbols = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    /** Native backends only: floats of each load-time workspace (packed weights). */
    private final List<Long> workspaces = new ArrayList<>();
    /** Native and CUDA backends only: integer inputs used as gather indices, and the size of the axis they index. */
    private final Map<String, Long> indexBounds = new HashMap<>();
    /** Largest values of symbolic sizes the kernels can serve (a slice of a fixed table), with why. */
    private final List<SizeLimit> limits = new ArrayList<>();

    private record SizeLimit(String size, int max, String why) {}
    /** Weights in declared order, then the derived weights, which the subclass constructor computes. */
    protected final float[][] weights;
    /** Backend-prepared forms of weights (packed GEMM panels), filled by the subclass constructor. */
    protected final Object[] prepared;
    private final ThreadLocal<float[]> arenas = ThreadLocal.withInitial(() -> new float[0]);
    /** Per thread: the small argument arrays kernels take (shapes, permutations, input lists), one slot per call site. */
    private final ThreadLocal<Object[]> scratch = ThreadLocal.withInitial(() -> new Object[0]);

    /**
     * @param weightsByName tensors named as the model's parameters (as loaded from safetensors)
     * @param signature lines {@code in NAME:TYPE}, {@code out NAME:TYPE}, {@code param NAME:TYPE},
     *     {@code derived NAME:TYPE}, {@code symbol NAME}, {@code note TEXT} and (native code) {@code workspace FLOATS}
     *     and {@code indices INPUT BOUND}, and {@code limit SIZE MAX WHY}, written by the code generator
     */
    protected CompiledModel(Map<String, Tensor> weightsByName, String signature, int preparedCount) {
        for (String line : signature.split("\n")) {
            int space = line.indexOf(' ');
            String kind = line.substring(0, space), rest = line.substring(space + 1);
            switch (kind) {
                case "in" -> inputs.add(TensorSpec.parse(rest));
                case "out" -> outputs.add(TensorSpec.parse(rest));
                case "param" -> {
                    TensorSpec p = TensorSpec.parse(rest);
                    params.add(new ParamSpec(p.name(), p.dtype(), p.shape(Map.of())));
                }
                case "derived" -> {
                    TensorSpec p = TensorSpec.parse(rest);
                    derived.add(new ParamSpec(p.name(), p.dtype(), p.shape(Map.of())));
                }
                case "symbol" -> symbols.add(rest);
                case "note" -> notes.add(rest);
                case "workspace" -> workspaces.add(Long.parseLong(rest));
                case "limit" -> {
                    String[] f = rest.split(" ", 3);
                    limits.add(new SizeLimit(f[0], Math.toIntExact(Long.parseLong(f[1])), f[2]));
                }
                case "indices" -> {
                    String[] f = rest.split(" ");
                    indexBounds.merge(f[0], Long.parseLong(f[1]), Math::min);
                }
                default -> throw new IllegalArgumentException("bad signature line: " + line);
            }
        }
        Map<String, Tensor> bound = WeightBinder.bind(params, weightsByName, "the weights given to " + getClass().getSimpleName());
        weights = new float[params.size() + derived.size()][];
        for (int i = 0; i < params.size(); i++) weights[i] = bound.get(params.get(i).name()).floats();
        for (int i = 0; i < derived.size(); i++) {
            long n = 1;
            for (int d : derived.get(i).shape()) n *= d;
            weights[params.size() + i] = new float[Math.toIntExact(n)];
        }
        prepared = new Object[preparedCount];
    }

    @Override public List<TensorSpec> inputs() { return List.copyOf(inputs); }

    @Override public List<TensorSpec> outputs() { return List.copyOf(outputs); }

    /** Symbols in the order their values are passed to {@link #execute}. */
    protected final List<String> symbolNames() { return symbols; }

    /** Derived weights, in order after the parameters in {@link #weights}. */
    List<ParamSpec> derivedWeights() { return derived; }

    /** Notes of the signature. */
    List<String> notes() { return notes; }

    /** Integer inputs that index an axis, with that axis's size (native and GPU code only: it cannot throw). */
    protected final Map<String, Long> indexBounds() { return indexBounds; }

    /**
     * Refuses sizes larger than the kernels can serve, before any of them runs. The JVM backend's
     * generated code calls this once per limit; native models check {@link #checkLimits}.
     */
    protected static void checkSize(int value, int max, String size, String why) {
        if (value > max) {
            throw new InputMismatchException("size " + size + " = " + value + " is larger than " + max
                    + ", the most this model supports: " + why);
        }
    }

    /** Checks every {@code limit} line against the symbol values (in {@link #symbolNames} order). */
    protected final void checkLimits(int[] symbolValues) {
        if (limits.isEmpty()) return;
        Map<String, Integer> bound = new HashMap<>();
        for (int i = 0; i < symbolValues.length; i++) bound.put(symbols.get(i), symbolValues[i]);
        for (SizeLimit l : limits) checkSize(DimArithmetic.eval(l.size(), bound), l.max(), l.size(), l.why());
    }

    /** Workspace sizes in floats (native code only). */
    List<Long> workspaceSizes() { return workspaces; }

    /** The parameters the model expects, in order. */
    public List<ParamSpec> parameters() { return List.copyOf(params); }

    @Override
    public String backendInfo() {
        StringBuilder s = new StringBuilder("jvm backend: ").append(VectorSupport.describe())
                .append(", ").append(Parallel.threads()).append(" threads");
        if (!VectorSupport.available()) s.append("; every kernel runs its scalar path");
        for (String n : notes) s.append("; ").append(n);
        return s.toString();
    }

    /** Runs the kernels. Inputs are float[] (float types) or long[] (integer types), in declared order. */
    protected abstract void execute(Object[] inputs, float[][] outputs, float[] arena, int[] symbols);

    /** Arena elements needed for these symbol values. */
    protected abstract int arenaSize(int[] symbols);

    /** This thread's arena, grown when a larger batch needs more. */
    protected final float[] arena(int size) {
        float[] a = arenas.get();
        if (a.length < size) {
            a = new float[size];
            arenas.set(a);
        }
        return a;
    }

    /** This thread's int[] for argument slot {@code slot}, of exactly {@code length}; the caller fills it. */
    protected final int[] intScratch(int slot, int length) {
        Object[] s = slots(slot);
        if (s[slot] instanceof int[] a && a.length == length) return a;
        int[] fresh = new int[length];
        s[slot] = fresh;
        return fresh;
    }

    /** This thread's float[][] for argument slot {@code slot}, of exactly {@code length}; the caller fills it. */
    protected final float[][] arrayScratch(int slot, int length) {
        Object[] s = slots(slot);
        if (s[slot] instanceof float[][] a && a.length == length) return a;
        float[][] fresh = new float[length][];
        s[slot] = fresh;
        return fresh;
    }

    /** This thread's Object[] for argument slot {@code slot}, of exactly {@code length}; the caller fills it. */
    protected final Object[] objectScratch(int slot, int length) {
        Object[] s = slots(slot);
        if (s[slot] instanceof Object[] a && !(a instanceof float[][]) && a.length == length) return a;
        Object[] fresh = new Object[length];
        s[slot] = fresh;
        return fresh;
    }

    private Object[] slots(int slot) {
        Object[] s = scratch.get();
        if (s.length <= slot) {
            s = java.util.Arrays.copyOf(s, slot + 1);
            scratch.set(s);
        }
        return s;
    }

    /** The batch-like size implied by an input array's length, for typed predict methods. */
    protected static int sizeFromLength(int length, int perItem, String input, String type) {
        if (perItem == 0 || length % perItem != 0 || length == 0) {
            throw new InputMismatchException("input '" + input + "': expected " + type + ", a multiple of " + perItem
                    + " elements, but the array has " + length);
        }
        return length / perItem;
    }

    /** Checks a caller-provided output array's length. */
    protected static void checkLength(int length, int expected, String output, String type) {
        if (length != expected) {
            throw new InputMismatchException("output '" + output + "': expected " + type + " = " + expected
                    + " elements for this batch, but the array has " + length);
        }
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> given) {
        for (String name : given.keySet()) {
            if (inputs.stream().noneMatch(s -> s.name().equals(name))) {
                throw new InputMismatchException("unknown input '" + name + "'; the inputs are "
                        + inputs.stream().map(TensorSpec::name).toList());
            }
        }
        Map<String, Integer> bound = new HashMap<>();
        Object[] arrays = new Object[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            TensorSpec spec = inputs.get(i);
            Tensor t = given.get(spec.name());
            if (t == null) throw new InputMismatchException("missing input '" + spec.name() + "' (" + spec.typeString() + ")");
            if (t.dtype() != spec.dtype()) {
                throw new InputMismatchException("input '" + spec.name() + "': expected " + spec.typeString() + " but got " + t);
            }
            spec.bind(t.shape(), bound);
            arrays[i] = spec.dtype().isFloat() ? t.floats() : t.longs();
        }
        for (int i = 0; i < inputs.size(); i++) inputs.get(i).bind(given.get(inputs.get(i).name()).shape(), bound);
        int[] values = new int[symbols.size()];
        for (int i = 0; i < values.length; i++) values[i] = bound.get(symbols.get(i));
        Map<String, Tensor> result = new LinkedHashMap<>();
        float[][] outs = new float[outputs.size()][];
        for (int i = 0; i < outputs.size(); i++) {
            int[] shape = outputs.get(i).shape(bound);
            outs[i] = new float[Math.toIntExact(Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b))];
            result.put(outputs.get(i).name(), Tensor.ofFloats(outputs.get(i).dtype(), shape, outs[i]));
        }
        execute(arrays, outs, arena(arenaSize(values)), values);
        return result;
    }
}
