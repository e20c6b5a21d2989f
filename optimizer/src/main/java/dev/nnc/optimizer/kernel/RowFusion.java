package dev.nnc.optimizer.kernel;

import dev.nnc.ir.TensorType;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Expr;
import dev.nnc.ir.kernel.Expr.BinaryFn;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.Kernel.Elementwise;
import dev.nnc.ir.kernel.Kernel.LayerNorm;
import dev.nnc.ir.kernel.Kernel.Softmax;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Space;
import dev.nnc.optimizer.KernelPass;
import java.util.ArrayList;
import java.util.List;

/**
 * Lets a row kernel apply the elementwise kernel P that feeds it while it reads its rows, so
 * that P's output is never stored:
 *
 * <ul>
 *   <li>{@code softmax(mul(x, c))}, {@code softmax(mul(c, x))} and {@code softmax(div(x, c))}
 *       with c a constant become one softmax of x with its scale multiplied by c (or 1/c):
 *       attention's scores scaled by 1/sqrt(d);
 *   <li>{@code layer_norm(add(x, r))} becomes one layer norm of x with residual r, when it has
 *       none yet: a post-norm block's residual add.
 * </ul>
 *
 * P's output must be an arena intermediate that only P writes and only the row kernel reads,
 * once, as its x and with P's exact type; P's inputs must have that type too (no broadcasting,
 * no cast) and keep their values until the row kernel runs, which does not write over them
 * (true of every program before memory planning). The row kernel keeps its place and P goes.
 */
public final class RowFusion implements KernelPass {
    @Override public String name() { return "fuse-rows"; }

    @Override public String description() {
        return "apply a constant scale before softmax and a residual add before layer norm inside the row kernel";
    }

    @Override public KernelProgram run(KernelProgram in) {
        List<Kernel> kernels = new ArrayList<>(in.kernels());
        boolean changed = false;
        for (boolean again = true; again; ) {
            again = false;
            BufUses uses = new BufUses(kernels);
            for (int pi = 0; pi < kernels.size() && !again; pi++) {
                if (!(kernels.get(pi) instanceof Elementwise p)) continue;
                int ri = reader(p, pi, uses);
                if (ri < 0) continue;
                Kernel fused = switch (kernels.get(ri)) {
                    case Softmax s -> scaled(p, s);
                    case LayerNorm l -> withResidual(p, l);
                    default -> null;
                };
                if (fused == null || !keepsInputs(fused, p, pi, ri, uses)) continue;
                kernels.set(ri, fused);
                kernels.remove(pi);
                again = changed = true;
            }
        }
        return changed ? in.withKernels(kernels, in.arenaSize()) : in;
    }

    /** The kernel that reads P's private output exactly once, after P; else -1. */
    private static int reader(Elementwise p, int pi, BufUses uses) {
        if (!uses.producedOnlyBy(p.out(), pi) || p.ins().stream().anyMatch(b -> b.sameStorage(p.out()))) return -1;
        List<BufUses.Read> reads = uses.reads(p.out());
        if (reads.size() != 1) return -1;
        BufUses.Read r = reads.getFirst();
        return r.kernel() > pi && r.buf().type().equals(p.out().type()) ? r.kernel() : -1;
    }

    /** S reading P's input with P's constant factor folded into its scale, or null when P is not such a multiply. */
    private static Softmax scaled(Elementwise p, Softmax s) {
        if (!s.x().sameStorage(p.out()) || !(p.expr() instanceof Expr.Binary b)) return null;
        Integer x = null;
        double factor = 0;
        if (b.fn() == BinaryFn.MUL && b.a() instanceof Expr.In in && b.b() instanceof Expr.Const c) {
            x = in.index();
            factor = c.value();
        } else if (b.fn() == BinaryFn.MUL && b.a() instanceof Expr.Const c && b.b() instanceof Expr.In in) {
            x = in.index();
            factor = c.value();
        } else if (b.fn() == BinaryFn.DIV && b.a() instanceof Expr.In in && b.b() instanceof Expr.Const c) {
            x = in.index();
            factor = 1 / c.value();
        }
        if (x == null || !sameType(p, x)) return null;
        double scale = s.scale() * factor;
        // A zero, infinite or NaN scale would not compute what the multiply did for every x (0 * inf, x / 0).
        if (!Float.isFinite((float) scale) || (float) scale == 0) return null;
        return new Softmax(s.out(), p.ins().get(x), s.axis(), scale, s.log());
    }

    /** L normalizing the sum of P's two inputs itself, or null when P is not such an add or L has a residual. */
    private static LayerNorm withResidual(Elementwise p, LayerNorm l) {
        if (l.residual() != null || !l.x().sameStorage(p.out())) return null;
        for (Buf b : List.of(l.gamma(), l.beta())) if (b.sameStorage(p.out())) return null;
        if (!(p.expr() instanceof Expr.Binary b && b.fn() == BinaryFn.ADD && b.a() instanceof Expr.In x
                && b.b() instanceof Expr.In r)) {
            return null;
        }
        if (!sameType(p, x.index()) || !sameType(p, r.index())) return null;
        return new LayerNorm(l.out(), p.ins().get(x.index()), l.gamma(), l.beta(), p.ins().get(r.index()), l.axis(), l.eps());
    }

    /** P's input {@code i} has P's output type: same elements one for one, no broadcast, no cast. */
    private static boolean sameType(Elementwise p, int i) {
        if (i < 0 || i >= p.ins().size()) return false;
        TensorType t = p.out().type();
        return p.ins().get(i).type().equals(t) && t.dtype().isFloat();
    }

    /**
     * The inputs the fused kernel takes over from P still hold P's operands at the row kernel,
     * and the row kernel does not write over them (it may not run in place).
     */
    private static boolean keepsInputs(Kernel fused, Elementwise p, int pi, int ri, BufUses uses) {
        for (Buf b : fused.ins()) {
            if (!p.ins().contains(b)) continue;
            if (uses.writtenBetween(b, pi, ri) || mayOverlap(b, fused.out())) return false;
        }
        return true;
    }

    /** Conservative: arena bufs in one named slot may overlap; different slots or spaces never do. */
    private static boolean mayOverlap(Buf a, Buf b) {
        if (a.space() != b.space() || !a.name().equals(b.name())) return false;
        return a.space() == Space.ARENA || a.space() == Space.OUTPUT;
    }
}
