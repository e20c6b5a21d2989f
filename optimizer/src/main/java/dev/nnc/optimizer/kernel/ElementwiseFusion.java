package dev.nnc.optimizer.kernel;

import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Expr;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.Kernel.Elementwise;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.KernelPass;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuses chains of elementwise kernels: when producer P's output is read by consumer C only
 * (one or more times, by no other kernel, and it is not a program output), P's expression is
 * substituted for those reads in C's, P's inputs become C's (identical bufs once), and P
 * goes. Repeats until nothing fuses, so a chain becomes one kernel.
 *
 * <p>Legal without any index remapping only, so C reads P's output with C's own output shape
 * and either P's output has that shape too (P's inputs broadcast to it exactly as before),
 * or C reads a reshaped view and every input of P is a scalar or has P's full element layout
 * (and is re-viewed with C's shape). Not fused: a C that broadcasts P's output (P would be
 * recomputed per element of the larger shape), dtype changes (a cast in P or C would move the
 * rounding), and fusions whose expression or input count would exceed
 * {@link Exprs#MAX_NODES} / {@link Exprs#MAX_INPUTS}. The fused kernel takes C's place and
 * reads P's inputs there, so a program whose arena storages already share elements (memory
 * planning ran) is returned unchanged.
 */
public final class ElementwiseFusion implements KernelPass {
    @Override public String name() { return "fuse-elementwise"; }

    @Override public String description() {
        return "fuse chains of elementwise kernels whose intermediate has one reader into one kernel";
    }

    @Override public KernelProgram run(KernelProgram in) {
        if (!BufUses.separateSlots(in.kernels())) return in;
        List<Kernel> kernels = new ArrayList<>(in.kernels());
        boolean changed = false;
        for (boolean again = true; again; ) {
            again = false;
            BufUses uses = new BufUses(kernels);
            for (int i = 0; i < kernels.size() && !again; i++) {
                if (!(kernels.get(i) instanceof Elementwise p)) continue;
                int c = consumer(p, i, uses);
                if (c < 0 || !(kernels.get(c) instanceof Elementwise consumer)) continue;
                Elementwise fused = fuse(p, consumer, i, c, uses);
                if (fused == null) continue;
                kernels.set(c, fused);
                kernels.remove(i);
                again = changed = true;
            }
        }
        return changed ? in.withKernels(kernels, in.arenaSize()) : in;
    }

    /** The one kernel reading P's private output, or -1. */
    private static int consumer(Elementwise p, int index, BufUses uses) {
        if (!uses.producedOnlyBy(p.out(), index) || p.ins().stream().anyMatch(b -> b.sameStorage(p.out()))) return -1;
        List<BufUses.Read> reads = uses.reads(p.out());
        if (reads.isEmpty()) return -1;
        int c = reads.getFirst().kernel();
        return uses.readOnlyBy(p.out(), c) && c > index ? c : -1;
    }

    /** P substituted into C, or null when that is not legal or too big. */
    private static Elementwise fuse(Elementwise p, Elementwise c, int pi, int ci, BufUses uses) {
        Shape shape = c.out().type().shape(), produced = p.out().type().shape();
        var dtype = c.out().type().dtype();
        if (p.out().type().dtype() != dtype || p.ins().stream().anyMatch(b -> b.type().dtype() != dtype)) return null;
        for (Buf b : c.ins()) {
            if (b.sameStorage(p.out()) && !b.type().shape().equals(shape)) return null;
        }
        boolean reshaped = !produced.equals(shape);
        List<Buf> pIns = new ArrayList<>();
        for (Buf b : p.ins()) {
            if (uses.writtenBetween(b, pi, ci)) return null;
            if (!reshaped || b.type().rank() == 0) pIns.add(b);
            else if (Exprs.sameLayout(b.type().shape(), produced)) pIns.add(b.view(b.type().withShape(shape)));
            else return null;
        }
        List<Buf> ins = new ArrayList<>();
        Expr body = Exprs.substitute(c.expr(), j -> c.ins().get(j).sameStorage(p.out())
                ? Exprs.substitute(p.expr(), q -> new Expr.In(Exprs.indexOf(ins, pIns.get(q))))
                : new Expr.In(Exprs.indexOf(ins, c.ins().get(j))));
        if (Exprs.size(body) > Exprs.MAX_NODES || ins.size() > Exprs.MAX_INPUTS) return null;
        return new Elementwise(c.out(), ins, body);
    }
}
