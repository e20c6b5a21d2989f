package dev.nnc.optimizer.kernel;

import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Space;
import dev.nnc.optimizer.KernelPass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes at load time what depends on weights only: a run-time kernel that reads nothing but
 * weights and derived weights (or nothing at all: constant fills, iota) moves to
 * {@code prepare}, and its output becomes a new derived weight named {@code $0}, {@code $1},
 * ... (identifiers never contain {@code $}, so no parameter can clash). Later readers, views
 * included, read the derived weight with their own shape. Folded batch norms
 * ({@code w * reshape(scale)}, ...) and constant tensors end up here.
 *
 * <p>Not hoisted: kernels writing a program output (an output is written by run-time code;
 * hoisting would need a copy kernel for no gain), kernels whose output has a symbolic size
 * (derived weights are fixed), and kernels whose output storage is written more than once.
 */
public final class LoadTimeHoisting implements KernelPass {
    @Override public String name() { return "hoist-weights"; }

    @Override public String description() {
        return "move kernels that read only weights (or nothing) to load time, as derived weights";
    }

    @Override public KernelProgram run(KernelProgram in) {
        BufUses uses = new BufUses(in.kernels());
        Set<String> taken = new HashSet<>();
        for (Buf w : in.weights()) taken.add(w.name());
        for (Buf w : in.derived()) taken.add(w.name());
        List<Buf> derived = new ArrayList<>(in.derived());
        List<Kernel> prepare = new ArrayList<>(in.prepare());
        List<Kernel> kernels = new ArrayList<>();
        Map<BufUses.Storage, Buf> moved = new HashMap<>();
        int next = 0;
        for (int i = 0; i < in.kernels().size(); i++) {
            Kernel original = in.kernels().get(i);
            Kernel k = KernelBufs.map(original, b -> b, b -> readDerived(b, moved));
            if (!hoistable(k, i, uses)) {
                kernels.add(k);
                continue;
            }
            while (taken.contains("$" + next)) next++;
            Buf d = Buf.weight("$" + next, k.out().type());
            taken.add(d.name());
            derived.add(d);
            moved.put(BufUses.Storage.of(k.out()), d);
            prepare.add(KernelBufs.map(k, b -> d, b -> b));
        }
        if (moved.isEmpty()) return in;
        return new KernelProgram(in.name(), in.inputs(), in.weights(), derived, in.outputs(), in.arenaSize(), prepare,
                kernels);
    }

    private static boolean hoistable(Kernel k, int index, BufUses uses) {
        return k.ins().stream().allMatch(b -> b.space() == Space.WEIGHT)
                && uses.producedOnlyBy(k.out(), index)
                && k.out().type().shape().isKnown();
    }

    /** A read of a hoisted kernel's output reads the derived weight instead, with its own shape. */
    private static Buf readDerived(Buf b, Map<BufUses.Storage, Buf> moved) {
        Buf d = moved.get(BufUses.Storage.of(b));
        return d == null ? b : new Buf(Space.WEIGHT, d.name(), Dim.of(0), b.type());
    }
}
