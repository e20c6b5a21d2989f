package dev.nnc.optimizer.kernel;

import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.Kernel.Elementwise;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Space;
import dev.nnc.optimizer.KernelPass;
import dev.nnc.optimizer.kernel.ArenaPools.Placed;
import dev.nnc.optimizer.kernel.BufUses.Storage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans the arena: every arena storage (all views of one name and offset) lives from the
 * first kernel writing it to the last kernel reading it, and storages whose lifetimes overlap
 * get disjoint elements; the others share. Offsets come from {@link ArenaPools} (greedy by
 * size, one pool per symbolic size monomial such as {@code B}); every buf, views included, is
 * rewritten to its storage's offset and the arena size becomes the pools' total.
 *
 * <p>In place: an elementwise kernel whose input 0 has exactly its output's shape and type,
 * is read by no other operand of it, and is read by no later kernel writes its output over
 * that input (the output takes the input's name and offset, and the two lifetimes become one).
 * Model inputs, weights and outputs are never in the arena. A storage's lifetime includes
 * the kernel that writes it, so no kernel's output shares elements with its own operands
 * (epilogue inputs included).
 */
public final class MemoryPlanning implements KernelPass {
    @Override public String name() { return "plan-memory"; }

    @Override public String description() {
        return "assign arena offsets by liveness (greedy by size), sharing storage between buffers that are never live together";
    }

    @Override public KernelProgram run(KernelProgram in) {
        List<Kernel> kernels = in.kernels();
        Map<Storage, int[]> lifetimes = lifetimes(kernels);
        if (lifetimes.isEmpty()) return in.arenaSize().equals(Dim.of(0)) ? in : in.withKernels(kernels, Dim.of(0));
        Map<Storage, Buf> written = representatives(kernels);
        Map<Storage, Storage> root = inPlace(kernels, lifetimes, written);

        List<ArenaPools.Slot> slots = new ArrayList<>();
        Map<Storage, ArenaPools.Slot> slotOf = new HashMap<>();
        for (Storage s : lifetimes.keySet()) {
            if (root.containsKey(s)) continue;
            int[] life = lifetimes.get(s);
            ArenaPools.Slot slot = new ArenaPools.Slot(s.name(), written.get(s).type().shape(), life[0], life[1]);
            slots.add(slot);
            slotOf.put(s, slot);
        }
        ArenaPools.Plan plan = ArenaPools.plan(slots);
        Map<Storage, Storage> target = new HashMap<>();
        for (Storage s : lifetimes.keySet()) {
            Storage r = rootOf(s, root);
            Placed p = plan.placed().get(slotOf.get(r));
            target.put(s, new Storage(Space.ARENA, r.name(), p.offset()));
        }
        List<Kernel> out = new ArrayList<>();
        for (Kernel k : kernels) {
            out.add(KernelBufs.map(k, b -> {
                Storage t = b.space() == Space.ARENA ? target.get(Storage.of(b)) : null;
                return t == null ? b : new Buf(Space.ARENA, t.name(), t.offset(), b.type());
            }));
        }
        return in.withKernels(out, plan.size());
    }

    /** Each arena storage's [first write, last use] in kernel indices, in order of first appearance. */
    private static Map<Storage, int[]> lifetimes(List<Kernel> kernels) {
        Map<Storage, int[]> life = new LinkedHashMap<>();
        for (int i = 0; i < kernels.size(); i++) {
            Kernel k = kernels.get(i);
            List<Buf> touched = new ArrayList<>(k.ins());
            touched.add(k.out());
            for (Buf b : touched) {
                if (b.space() != Space.ARENA) continue;
                int at = i;
                // A storage read before any write (a broken program) is taken to live from the start.
                int[] span = life.computeIfAbsent(Storage.of(b), s -> new int[] {b == k.out() ? at : 0, at});
                span[1] = Math.max(span[1], at);
            }
        }
        return life;
    }

    /** The buf of the first kernel writing each arena storage (else of its first read): its type sizes the storage. */
    private static Map<Storage, Buf> representatives(List<Kernel> kernels) {
        Map<Storage, Buf> out = new HashMap<>();
        for (Kernel k : kernels) if (k.out().space() == Space.ARENA) out.putIfAbsent(Storage.of(k.out()), k.out());
        for (Kernel k : kernels) for (Buf b : k.ins()) if (b.space() == Space.ARENA) out.putIfAbsent(Storage.of(b), b);
        return out;
    }

    /**
     * Output storage -> the input storage it overwrites, for each in-place elementwise kernel;
     * the input's lifetime is extended over the output's.
     */
    private static Map<Storage, Storage> inPlace(List<Kernel> kernels, Map<Storage, int[]> life, Map<Storage, Buf> written) {
        Map<Storage, Storage> merged = new HashMap<>();
        for (int i = 0; i < kernels.size(); i++) {
            if (!(kernels.get(i) instanceof Elementwise e) || e.ins().isEmpty()) continue;
            Buf in = e.ins().getFirst(), out = e.out();
            if (in.space() != Space.ARENA || out.space() != Space.ARENA || in.sameStorage(out)) continue;
            Storage s = Storage.of(in), o = Storage.of(out);
            if (!in.type().equals(out.type()) || life.get(s)[1] != i || life.get(o)[0] != i || merged.containsKey(o)) continue;
            if (e.ins().stream().skip(1).anyMatch(b -> b.sameStorage(in))) continue;
            if (!ArenaPools.samePool(written.get(rootOf(s, merged)).type().shape(), written.get(o).type().shape())) continue;
            merged.put(o, s);
            Storage r = rootOf(s, merged);
            life.get(r)[1] = Math.max(life.get(r)[1], life.get(o)[1]);
        }
        return merged;
    }

    private static Storage rootOf(Storage s, Map<Storage, Storage> merged) {
        Storage r = s;
        while (merged.containsKey(r)) r = merged.get(r);
        return r;
    }
}
