package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.ProgramSignature;
import dev.nnc.ir.kernel.Space;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The context block every generated function takes as {@code ptr %ctx}: an array of 8-byte
 * slots the host fills before calling. In order:
 * <ol>
 *   <li>slot 0: the scratch arena (f32 elements);</li>
 *   <li>one i64 per symbol (e.g. the batch size B), in {@link #symbols()} order;</li>
 *   <li>one pointer per input, output, weight and derived weight, in the program's order;</li>
 *   <li>one pointer per workspace: load-time data a kernel asked for (packed weight panels),
 *       filled by {@code nnc_prepare}.</li>
 * </ol>
 * Inputs of an integer type hold i64 elements; everything else holds f32.
 */
public final class ModuleLayout {
    /** Load-time memory a kernel keeps its prepared data in. */
    public record Workspace(String name, long elements) {}

    private final List<String> symbols;
    private final List<Buf> inputs, outputs, weights, derived;
    private final List<Workspace> workspaces = new ArrayList<>();
    private final Map<String, Integer> storageSlots = new LinkedHashMap<>();

    public ModuleLayout(KernelProgram p) {
        this.symbols = ProgramSignature.symbols(p);
        this.inputs = p.inputs();
        this.outputs = p.outputs();
        this.weights = p.weights();
        this.derived = p.derived();
        int slot = 1 + symbols.size();
        for (List<Buf> group : List.of(inputs, outputs, weights, derived)) {
            for (Buf b : group) storageSlots.put(key(b.space(), b.name()), slot++);
        }
    }

    public List<String> symbols() { return symbols; }

    public List<Buf> inputs() { return inputs; }

    public List<Buf> outputs() { return outputs; }

    public List<Buf> weights() { return weights; }

    public List<Buf> derived() { return derived; }

    public List<Workspace> workspaces() { return List.copyOf(workspaces); }

    public int symbolSlot(String symbol) {
        int i = symbols.indexOf(symbol);
        if (i < 0) throw new IllegalArgumentException("symbol " + symbol + " is not bound by any input");
        return 1 + i;
    }

    /** The slot holding the base pointer of a buf's storage (slot 0 for the arena). */
    public int storageSlot(Buf b) {
        if (b.space() == Space.ARENA) return 0;
        Integer s = storageSlots.get(key(b.space(), b.name()));
        if (s == null) throw new IllegalArgumentException("no storage for " + b.space().text() + " " + b.name());
        return s;
    }

    public int inputSlot(int i) { return storageSlot(inputs.get(i)); }

    public int outputSlot(int i) { return storageSlot(outputs.get(i)); }

    public int weightSlot(int i) { return storageSlot(weights.get(i)); }

    public int derivedSlot(int i) { return storageSlot(derived.get(i)); }

    /** The slot of workspace {@code name}, created with {@code elements} floats on first request. */
    int workspaceSlot(String name, long elements) {
        for (int i = 0; i < workspaces.size(); i++) {
            Workspace w = workspaces.get(i);
            if (w.name().equals(name)) {
                if (w.elements() != elements) throw new IllegalStateException("workspace " + name + " asked with two sizes");
                return firstWorkspaceSlot() + i;
            }
        }
        workspaces.add(new Workspace(name, elements));
        return firstWorkspaceSlot() + workspaces.size() - 1;
    }

    public int firstWorkspaceSlot() { return 1 + symbols.size() + storageSlots.size(); }

    /** Slots in all, once emission has finished. */
    public int slotCount() { return firstWorkspaceSlot() + workspaces.size(); }

    private static String key(Space space, String name) { return space.text() + ":" + name; }
}
