package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.ModuleLayout;
import dev.nnc.ir.kernel.Buf;
import java.util.List;

/**
 * The host's copy of the context block every kernel reads through {@code %ctx}: 8-byte slots
 * holding the arena's device pointer, the symbol values, and the device pointers of inputs,
 * outputs, weights and derived weights, at the slots {@link ModuleLayout} assigns. The host
 * fills it and copies it to the device before the kernels of a call run.
 */
final class ContextBlock {
    private final ModuleLayout layout;
    private final long[] slots;

    ContextBlock(ModuleLayout layout) {
        if (!layout.workspaces().isEmpty()) throw new IllegalArgumentException("CUDA kernels ask for no workspaces");
        this.layout = layout;
        this.slots = new long[layout.slotCount()];
    }

    void arena(long devicePointer) { slots[0] = devicePointer; }

    /** Symbol values in {@link ModuleLayout#symbols()} order. */
    void symbols(long[] values) {
        List<String> names = layout.symbols();
        if (values.length != names.size()) throw new IllegalArgumentException(values.length + " values for symbols " + names);
        for (int i = 0; i < values.length; i++) slots[layout.symbolSlot(names.get(i))] = values[i];
    }

    /** The device pointer of a buf's storage (an input, output, weight or derived weight). */
    void storage(Buf b, long devicePointer) { slots[layout.storageSlot(b)] = devicePointer; }

    long[] slots() { return slots.clone(); }

    int bytes() { return 8 * slots.length; }
}
