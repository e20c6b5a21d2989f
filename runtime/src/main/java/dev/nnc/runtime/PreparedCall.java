package dev.nnc.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;

/**
 * One call of a model on fixed inputs, repeated by timing loops ({@code nnc bench}, the
 * benchmarks) through the fastest API the model has: the typed
 * {@code predict(inputs..., outputs...)} that generated classes declare (arrays in, arrays
 * filled, nothing allocated), else {@link Model#run}, which allocates its outputs.
 */
public final class PreparedCall {
    private final Model model;
    private final Map<String, Tensor> inputs;
    /** {@code (Object[] args) -> void} over the typed predict, or null to use run(Map). */
    private final MethodHandle predict;
    private final Object[] args;
    private final float[][] outputs;
    private float[] lastOutput;

    private PreparedCall(Model model, Map<String, Tensor> inputs, MethodHandle predict, Object[] args, float[][] outputs) {
        this.model = model;
        this.inputs = inputs;
        this.predict = predict;
        this.args = args;
        this.outputs = outputs;
    }

    /** Prepares the call, running the model once (which checks the inputs and sizes the outputs). */
    public static PreparedCall of(Model model, Map<String, Tensor> inputs) {
        Map<String, Tensor> first = model.run(inputs);
        List<TensorSpec> in = model.inputs(), out = model.outputs();
        Method typed = typedPredict(model, in, out);
        PreparedCall call = new PreparedCall(model, inputs, null, null, null);
        if (typed != null) {
            Object[] args = new Object[in.size() + out.size()];
            for (int i = 0; i < in.size(); i++) {
                Tensor t = inputs.get(in.get(i).name());
                args[i] = t.dtype().isFloat() ? t.floats() : t.longs();
            }
            float[][] outputs = new float[out.size()][];
            for (int i = 0; i < out.size(); i++) {
                outputs[i] = new float[first.get(out.get(i).name()).size()];
                args[in.size() + i] = outputs[i];
            }
            try {
                MethodHandle h = MethodHandles.publicLookup().unreflect(typed).bindTo(model)
                        .asSpreader(Object[].class, args.length)
                        .asType(MethodType.methodType(void.class, Object[].class));
                call = new PreparedCall(model, inputs, h, args, outputs);
                call.run();
            } catch (IllegalAccessException | UnsupportedOperationException e) {
                // A predict this model cannot serve (a native model with several symbolic dims): run(Map) it is.
                call = new PreparedCall(model, inputs, null, null, null);
            }
        }
        call.lastOutput = first.get(out.getFirst().name()).floats();
        if (call.predict != null) call.lastOutput = call.outputs[0];
        return call;
    }

    /** The model's {@code void predict(arrays of the inputs, float[] per output)}, if it has one. */
    private static Method typedPredict(Model model, List<TensorSpec> in, List<TensorSpec> out) {
        for (Method m : model.getClass().getMethods()) {
            if (!m.getName().equals("predict") || m.getReturnType() != void.class) continue;
            Class<?>[] p = m.getParameterTypes();
            if (p.length != in.size() + out.size()) continue;
            boolean fits = true;
            for (int i = 0; i < p.length; i++) {
                Class<?> want = i < in.size() && !in.get(i).dtype().isFloat() ? long[].class : float[].class;
                fits &= p[i] == want;
            }
            if (fits) return m;
        }
        return null;
    }

    /** Calls the model once. */
    public void run() {
        if (predict == null) {
            lastOutput = model.run(inputs).get(model.outputs().getFirst().name()).floats();
            return;
        }
        try {
            predict.invokeExact(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The first output of the latest call. */
    public float[] output() { return lastOutput; }

    /** Whether calls go through the typed, allocation-free predict. */
    public boolean typed() { return predict != null; }
}
