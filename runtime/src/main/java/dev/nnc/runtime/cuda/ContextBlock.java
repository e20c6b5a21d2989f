package dev.nnc.runtime.cuda;

/**
 * The host's copy of the context block every kernel reads through {@code %ctx}: 8-byte slots
 * holding the arena's device pointer (slot 0), the symbol values, then the device pointers of
 * inputs, outputs, weights and derived weights (all counted in {@code weights}), in the signature's order (the native backend's
 * {@code ModuleLayout} without workspaces). The host fills it and copies it to the device before
 * the kernels of a call run.
 */
public final class ContextBlock {
    private final int symbols, inputs, outputs;
    private final long[] slots;

    public ContextBlock(int symbols, int inputs, int outputs, int weights) {
        this.symbols = symbols;
        this.inputs = inputs;
        this.outputs = outputs;
        this.slots = new long[1 + symbols + inputs + outputs + weights];
    }

    public void arena(long devicePointer) { slots[0] = devicePointer; }

    /** Symbol values in the signature's order. */
    public void symbols(long[] values) {
        if (values.length != symbols) throw new IllegalArgumentException(values.length + " values for " + symbols + " symbols");
        System.arraycopy(values, 0, slots, 1, values.length);
    }

    public void input(int i, long devicePointer) { slots[1 + symbols + i] = devicePointer; }

    public void output(int i, long devicePointer) { slots[1 + symbols + inputs + i] = devicePointer; }

    /** Parameter {@code i}, or derived weight {@code i - parameters}: the order of {@code CompiledModel.weights}. */
    public void weight(int i, long devicePointer) { slots[1 + symbols + inputs + outputs + i] = devicePointer; }

    public long[] slots() { return slots.clone(); }

    public int bytes() { return 8 * slots.length; }
}
