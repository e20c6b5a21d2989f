package dev.nnc.optimizer.kernel;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.Kernel.MatMul;
import dev.nnc.ir.kernel.Kernel.Transpose;
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
 * Removes the transpose that ends an NHWC region before a dense layer by permuting the
 * layer's weight once, at load time. A CNN after {@link LayoutAssignment} ends with
 * {@code t = transpose(x : [B,H,W,C]) {perm=[0,3,1,2]}} and a matmul reading t flattened to
 * [B, C*H*W]. Since {@code flatten(transpose(x)) @ Wᵀ = flatten(x) @ W'ᵀ} where W' is W with
 * its K axis reordered from (c,h,w) to (h,w,c), the matmul reads x's storage as [B, H*W*C]
 * and a {@code prepare} transpose computes W' into a new derived weight ({@code $0}, ...; the
 * same permutation of the same weight is computed once).
 *
 * <p>In general: a transpose whose perm keeps the leading dims that operand a's view keeps,
 * read as [lead..., K] with K the product of the permuted dims. Operand b's K axis (its last
 * with transB, else the one before) is split into those dims and put in x's order.
 *
 * <p>Applies only when the transpose's output is an arena intermediate written once and read
 * exactly once, as operand a of a matmul with {@code transA=false}; its input is not
 * overwritten before that matmul; b is a weight or derived weight with a static shape; and the
 * permuted dims are static. Like {@link MatMulTransposeFolding}, it tracks values by storage
 * name, so a program whose arena storages already share elements is returned unchanged.
 */
public final class WeightLayoutFolding implements KernelPass {
    @Override public String name() { return "fold-layout-into-weights"; }

    @Override public String description() {
        return "remove the transpose before a dense layer by permuting the dense weight once at load time";
    }

    /** The load-time transpose that makes a permuted weight: its source view and perm. */
    private record Permutation(Buf source, List<Integer> perm) {}

    @Override public KernelProgram run(KernelProgram in) {
        if (!BufUses.separateSlots(in.kernels())) return in;
        BufUses uses = new BufUses(in.kernels());
        List<Kernel> kernels = new ArrayList<>(in.kernels());
        Set<Integer> removed = new HashSet<>();
        Set<String> taken = new HashSet<>();
        for (Buf w : in.weights()) taken.add(w.name());
        for (Buf w : in.derived()) taken.add(w.name());
        List<Buf> derived = new ArrayList<>(in.derived());
        List<Kernel> prepare = new ArrayList<>(in.prepare());
        Map<Permutation, Buf> made = new HashMap<>();
        int next = 0;
        for (int i = 0; i < kernels.size(); i++) {
            if (!(kernels.get(i) instanceof Transpose t)) continue;
            int j = reader(t, i, uses, kernels);
            if (j < 0) continue;
            MatMul m = (MatMul) kernels.get(j);
            int lead = keptDims(t, m.a());
            if (lead < 0) continue;
            Transpose p = permuteK(t, lead, m);
            Permutation key = new Permutation(p.x(), p.perm());
            Buf d = made.get(key);
            if (d == null) {
                while (taken.contains("$" + next)) next++;
                d = Buf.weight("$" + next, m.b().type());
                taken.add(d.name());
                derived.add(d);
                prepare.add(new Transpose(d.view(p.out().type()), p.x(), p.perm()));
                made.put(key, d);
            }
            kernels.set(j, new MatMul(m.out(), t.x().view(m.a().type()), d.view(m.b().type()), m.bias(), false,
                    m.transB(), m.epilogue()));
            removed.add(i);
        }
        if (removed.isEmpty()) return in;
        List<Kernel> kept = new ArrayList<>();
        for (int i = 0; i < kernels.size(); i++) if (!removed.contains(i)) kept.add(kernels.get(i));
        return new KernelProgram(in.name(), in.inputs(), in.weights(), derived, in.outputs(), in.arenaSize(), prepare,
                kept);
    }

    /**
     * The index of the matmul that reads t's output, once, as its operand a (transA off) with
     * a static weight as b, while t's input still holds the value t read; -1 if there is none.
     */
    private static int reader(Transpose t, int index, BufUses uses, List<Kernel> kernels) {
        if (!uses.producedOnlyBy(t.out(), index)) return -1;
        List<BufUses.Read> reads = uses.reads(t.out());
        if (reads.size() != 1) return -1;
        int j = reads.getFirst().kernel();
        if (!(kernels.get(j) instanceof MatMul m) || m.transA() || !m.a().sameStorage(t.out())) return -1;
        if (m.b().space() != Space.WEIGHT || !m.b().type().shape().isKnown()) return -1;
        return uses.writtenBetween(t.x(), index, j) ? -1 : j;
    }

    /**
     * How many leading dims a's view {@code [d0, ..., d(lead-1), K]} shares with t's output,
     * which t's perm must leave in place; the rest (at least two, static, not already in
     * order) flatten into K. -1 when a is no such view.
     */
    private static int keptDims(Transpose t, Buf a) {
        List<Dim> out = t.out().type().shape().dims(), view = a.type().shape().dims();
        int lead = view.size() - 1;
        if (lead < 1 || lead > out.size() - 2 || !view.subList(0, lead).equals(out.subList(0, lead))) return -1;
        for (int d = 0; d < lead; d++) if (t.perm().get(d) != d) return -1;
        if (!new Shape(out.subList(lead, out.size())).isKnown()) return -1;
        boolean moves = false;
        for (int d = lead; d < out.size(); d++) moves |= t.perm().get(d) != d;
        return moves ? lead : -1;
    }

    /**
     * The transpose that reorders b's K axis as t reorders x: b viewed with K split into t's
     * output dims [lead, r) (the order a read them in) goes to b with K split into x's dims
     * [lead, r) (the order x stores them in). Its output is a view of b's shape, to be renamed.
     */
    private static Transpose permuteK(Transpose t, int lead, MatMul m) {
        List<Dim> outDims = t.out().type().shape().dims(), xDims = t.x().type().shape().dims();
        int rank = outDims.size(), split = rank - lead;
        int[] inverse = new int[rank];
        for (int i = 0; i < rank; i++) inverse[t.perm().get(i)] = i;
        List<Dim> b = m.b().type().shape().dims();
        int kAxis = b.size() - (m.transB() ? 1 : 2);
        List<Dim> source = new ArrayList<>(b.subList(0, kAxis)), target = new ArrayList<>(b.subList(0, kAxis));
        source.addAll(outDims.subList(lead, rank));
        target.addAll(xDims.subList(lead, rank));
        source.addAll(b.subList(kAxis + 1, b.size()));
        target.addAll(b.subList(kAxis + 1, b.size()));
        List<Integer> perm = new ArrayList<>();
        for (int d = 0; d < kAxis; d++) perm.add(d);
        // Target K dim j is x dim lead+j, which t's output (and so the source) holds at inverse[lead+j].
        for (int j = 0; j < split; j++) perm.add(kAxis + inverse[lead + j] - lead);
        for (int d = kAxis + 1; d < b.size(); d++) perm.add(d + split - 1);
        Buf in = m.b().view(m.b().type().withShape(new Shape(source)));
        return new Transpose(m.b().view(m.b().type().withShape(new Shape(target))), in, perm);
    }
}
