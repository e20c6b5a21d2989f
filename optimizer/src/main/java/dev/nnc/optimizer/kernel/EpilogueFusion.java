package dev.nnc.optimizer.kernel;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Expr;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.Kernel.Conv2d;
import dev.nnc.ir.kernel.Kernel.Elementwise;
import dev.nnc.ir.kernel.Kernel.Epilogue;
import dev.nnc.ir.kernel.Kernel.MatMul;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Space;
import dev.nnc.optimizer.KernelPass;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds an elementwise kernel E into the epilogue of the matmul or convolution M whose output
 * it reads: M's output must be read by E alone (not a program output), with M's exact shape,
 * and E's output must have that shape and type. The new epilogue is E's expression with M's
 * output replaced by the old epilogue (composition), E's other inputs appended to the
 * epilogue's, and M then writes E's output. A bias add comes first when M has neither bias nor
 * epilogue: {@code add(%M, v)} with v a weight shaped as M's per-channel bias (the last dim for
 * matmul and NHWC, [C,1,1] for NCHW) moves v to M's bias. So dense is one matmul with bias and
 * relu, and conv + residual add + relu is one convolution with {@code relu(add(%0, %1))}.
 *
 * <p>The fused kernel stays at M's place when E's other inputs are ready there, else moves to
 * E's and reads M's inputs there; either way some reads or writes move, so a program whose
 * arena storages already share elements (memory planning ran) is returned unchanged.
 * Epilogues are kept below {@link Exprs#MAX_NODES} nodes and {@link Exprs#MAX_INPUTS} inputs.
 */
public final class EpilogueFusion implements KernelPass {
    @Override public String name() { return "fuse-epilogues"; }

    @Override public String description() {
        return "fold bias adds and elementwise kernels after a matmul or conv2d into its bias and epilogue";
    }

    @Override public KernelProgram run(KernelProgram in) {
        if (!BufUses.separateSlots(in.kernels())) return in;
        List<Kernel> kernels = new ArrayList<>(in.kernels());
        boolean changed = false;
        for (boolean again = true; again; ) {
            again = false;
            BufUses uses = new BufUses(kernels);
            for (int ei = 0; ei < kernels.size() && !again; ei++) {
                if (!(kernels.get(ei) instanceof Elementwise e)) continue;
                for (Buf b : e.ins()) {
                    List<Integer> w = uses.writers(b);
                    if (w.size() != 1) continue;
                    int mi = w.getFirst();
                    Kernel fused = fuse(kernels.get(mi), mi, e, ei, uses);
                    if (fused == null) continue;
                    boolean early = e.ins().stream().allMatch(x -> x.sameStorage(b) || uses.availableAt(x, mi))
                            && !uses.writtenBetween(e.out(), -1, ei - 1);
                    kernels.set(early ? mi : ei, fused);
                    kernels.remove(early ? ei : mi);
                    again = changed = true;
                    break;
                }
            }
        }
        return changed ? in.withKernels(kernels, in.arenaSize()) : in;
    }

    /** M with E folded in, or null when that is not legal. */
    private static Kernel fuse(Kernel m, int mi, Elementwise e, int ei, BufUses uses) {
        if (!(m instanceof MatMul || m instanceof Conv2d) || mi >= ei) return null;
        Buf out = m.out();
        if (!uses.producedOnlyBy(out, mi) || !uses.readOnlyBy(out, ei) || m.ins().stream().anyMatch(b -> b.sameStorage(out))) {
            return null;
        }
        if (!e.out().type().equals(out.type()) || e.ins().stream().anyMatch(b -> b.sameStorage(out) && !b.type().equals(out.type()))) {
            return null;
        }
        for (Buf b : m.ins()) if (uses.writtenBetween(b, mi, ei)) return null;
        boolean isMatMul = m instanceof MatMul;
        Epilogue old = isMatMul ? ((MatMul) m).epilogue() : ((Conv2d) m).epilogue();
        Buf bias = isMatMul ? ((MatMul) m).bias() : ((Conv2d) m).bias();
        Expr expr = e.expr();
        if (bias == null && old.isNone()) {
            BiasAdd add = biasAdd(e, out, channelAxis(m));
            if (add != null) {
                Buf v = e.ins().get(add.bias());
                bias = v.view(v.type().withShape(new Shape(List.of(out.type().shape().dim(channelAxis(m))))));
                expr = replace(expr, add.node(), new Expr.In(add.product()));
            }
        }
        List<Buf> ins = new ArrayList<>(old.ins());
        Expr body = Exprs.substitute(expr, j -> e.ins().get(j).sameStorage(out)
                ? old.expr() : new Expr.In(1 + Exprs.indexOf(ins, e.ins().get(j))));
        if (Exprs.size(body) > Exprs.MAX_NODES || ins.size() > Exprs.MAX_INPUTS) return null;
        Epilogue epilogue = new Epilogue(ins, body);
        return switch (m) {
            case MatMul mm -> new MatMul(e.out(), mm.a(), mm.b(), bias, mm.transA(), mm.transB(), epilogue);
            case Conv2d c -> new Conv2d(e.out(), c.x(), c.weight(), bias, c.stride(), c.padding(), c.dilation(), c.groups(),
                    c.layout(), c.inputLayout(), epilogue, c.pool());
            default -> throw new IllegalStateException();
        };
    }

    /** The output axis a per-channel bias runs along. */
    private static int channelAxis(Kernel m) {
        int rank = m.out().type().rank();
        return m instanceof Conv2d c && c.layout() == Kernel.Layout.NCHW ? 1 : rank - 1;
    }

    /** The node {@code add(%product, %bias)} (either order) in E's expression. */
    private record BiasAdd(Expr.Binary node, int product, int bias) {}

    /**
     * The bias add when M's output occurs exactly once in E's expression, directly under an
     * add whose other operand is a weight that broadcasts along the channel axis only; else null.
     */
    private static BiasAdd biasAdd(Elementwise e, Buf out, int channel) {
        int reads = 0;
        for (int j = 0; j < e.ins().size(); j++) if (e.ins().get(j).sameStorage(out)) reads += Exprs.uses(e.expr(), j);
        if (reads != 1) return null;
        Expr.Binary add = findAdd(e.expr(), e, out);
        if (add == null) return null;
        boolean productFirst = isProduct(e, add.a(), out);
        Expr product = productFirst ? add.a() : add.b(), other = productFirst ? add.b() : add.a();
        if (!(other instanceof Expr.In v)) return null;
        Buf bias = e.ins().get(v.index());
        boolean ok = bias.space() == Space.WEIGHT && bias.type().dtype() == out.type().dtype()
                && perChannel(bias.type(), out.type().shape(), channel);
        return ok ? new BiasAdd(add, ((Expr.In) product).index(), v.index()) : null;
    }

    /** The add node with M's output as a direct operand, or null. */
    private static Expr.Binary findAdd(Expr x, Elementwise e, Buf out) {
        return switch (x) {
            case Expr.Binary b when b.fn() == Expr.BinaryFn.ADD && (isProduct(e, b.a(), out) || isProduct(e, b.b(), out)) -> b;
            case Expr.Binary b -> {
                Expr.Binary found = findAdd(b.a(), e, out);
                yield found != null ? found : findAdd(b.b(), e, out);
            }
            case Expr.Unary u -> findAdd(u.x(), e, out);
            default -> null;
        };
    }

    private static boolean isProduct(Elementwise e, Expr x, Buf out) {
        return x instanceof Expr.In in && e.ins().get(in.index()).sameStorage(out);
    }

    /** Aligned from the right with {@code out}: the channel dim there, 1 everywhere else. */
    private static boolean perChannel(TensorType v, Shape out, int channel) {
        int offset = out.rank() - v.rank();
        if (offset < 0 || offset > channel) return false;
        for (int i = 0; i < v.rank(); i++) {
            Dim d = v.shape().dim(i);
            if (!(i + offset == channel ? d.equals(out.dim(channel)) : d.equals(Dim.of(1)))) return false;
        }
        return true;
    }

    /** {@code x} with the node {@code target} (by identity) replaced. */
    private static Expr replace(Expr x, Expr target, Expr with) {
        if (x == target) return with;
        return switch (x) {
            case Expr.Unary u -> new Expr.Unary(u.fn(), replace(u.x(), target, with));
            case Expr.Binary b -> new Expr.Binary(b.fn(), replace(b.a(), target, with), replace(b.b(), target, with));
            default -> x;
        };
    }
}
