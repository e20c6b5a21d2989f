package dev.nnc.optimizer.graph;

import dev.nnc.ir.Attrs;
import dev.nnc.ir.Graph;
import dev.nnc.ir.Node;
import dev.nnc.ir.Op;
import dev.nnc.ir.ShapeError;
import dev.nnc.ir.Value;
import dev.nnc.optimizer.GraphPass;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites nodes into cheaper equivalents, each node looking at its operands as already
 * simplified (so chains collapse in one walk):
 * <ul>
 *   <li>{@code x*1, 1*x, x/1, x+0, 0+x, x-0 -> x}, where the constant is a splat storing exactly
 *       1 or 0, and only when the result has x's type (a broadcast that widens x must stay);
 *   <li>{@code neg(neg(x)) -> x};
 *   <li>{@code transpose(transpose(x))} -> one transpose with the composed permutation, or x
 *       when that is the identity (an identity transpose alone also goes);
 *   <li>a reshape or flatten of a reshape or flatten -> one reshape of the original;
 *       a reshape or flatten to the type it already has -> x;
 *   <li>{@code dropout(x) -> x} (identity at inference) and a cast to x's own dtype -> x.
 * </ul>
 * Uses, outputs included, are redirected to the simpler value; outputs keep their names and
 * types. Nodes left unused are dead-code elimination's job.
 *
 * <p>Every rewrite gives bit-identical results except one: {@code x + 0.0} with x = -0.0 is
 * +0.0, while the simplified graph yields -0.0 (the two compare equal).
 */
public final class AlgebraicSimplification implements GraphPass {
    @Override public String name() { return "simplify"; }

    @Override public String description() {
        return "remove identity arithmetic, double negation, dropout, no-op casts; merge transpose and reshape chains";
    }

    @Override public Graph run(Graph in) {
        Rewriter out = new Rewriter(in);
        boolean changed = false;
        for (Node n : in.nodes()) {
            Value simpler = n.op().declaresType() ? null : simplify(n, out.map(n.operands()), out);
            if (simpler != null) {
                out.replace(n, simpler);
                changed = true;
            } else {
                out.copy(n);
            }
        }
        return changed ? out.finish() : in;
    }

    /** A value of the new graph equal to {@code n} over the (new) operands {@code x}, or null to keep n. */
    private static Value simplify(Node n, List<Value> x, Rewriter out) {
        Value a = x.getFirst();
        Value b = x.size() > 1 ? x.get(1) : null;
        return switch (n.op()) {
            case ADD -> firstOf(keepIf(n, a, isSplat(out, b, 0)), keepIf(n, b, isSplat(out, a, 0)));
            case SUB -> keepIf(n, a, isSplat(out, b, 0));
            case MUL -> firstOf(keepIf(n, a, isSplat(out, b, 1)), keepIf(n, b, isSplat(out, a, 1)));
            case DIV -> keepIf(n, a, isSplat(out, b, 1));
            case NEG -> out.definition(a).op() == Op.NEG ? out.definition(a).operand(0) : null;
            case DROPOUT -> a;
            case CAST -> keepIf(n, a, true); // same type means same dtype: nothing to convert
            case TRANSPOSE -> transpose(n, a, out);
            case RESHAPE, FLATTEN -> reshape(n, a, out);
            default -> null;
        };
    }

    /** {@code x} when the rule applies and x has n's type, so that nothing a broadcast adds is lost. */
    private static Value keepIf(Node n, Value x, boolean rule) {
        return rule && x.type().equals(n.type()) ? x : null;
    }

    private static Value firstOf(Value a, Value b) { return a != null ? a : b; }

    /** True when {@code v} is a constant splat whose stored element equals {@code value}. */
    private static boolean isSplat(Rewriter out, Value v, double value) {
        Node def = out.definition(v);
        return def.op() == Op.CONSTANT && ConstantFolding.splatValue(def) == value;
    }

    /** Composes a transpose with a transpose feeding it; drops it when the permutation is the identity. */
    private static Value transpose(Node n, Value x, Rewriter out) {
        int[] perm = normalize(n.attrs().getIntArray("perm"));
        Node def = out.definition(x);
        boolean chain = def.op() == Op.TRANSPOSE;
        Value source = chain ? def.operand(0) : x;
        if (chain) {
            // Result dim i is x dim perm[i], which is source dim inner[perm[i]].
            int[] inner = normalize(def.attrs().getIntArray("perm"));
            for (int i = 0; i < perm.length; i++) perm[i] = inner[perm[i]];
        }
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) identity &= perm[i] == i;
        if (identity) return source;
        if (!chain) return null;
        List<Long> composed = new ArrayList<>();
        for (int p : perm) composed.add((long) p);
        return out.emit(Op.TRANSPOSE, List.of(source), Attrs.of("perm", composed));
    }

    /** Negative axes counted from the end, as the shape rule reads them. */
    private static int[] normalize(int[] perm) {
        int[] p = perm.clone();
        for (int i = 0; i < p.length; i++) if (p[i] < 0) p[i] += p.length;
        return p;
    }

    /** A reshape or flatten: gone when it keeps x's type; one reshape of the source when x is itself a reshape. */
    private static Value reshape(Node n, Value x, Rewriter out) {
        if (x.type().equals(n.type())) return x;
        Node def = out.definition(x);
        if (def.op() != Op.RESHAPE && def.op() != Op.FLATTEN) return null;
        Value source = def.operand(0);
        if (source.type().equals(n.type())) return source;
        try {
            return out.emit(Op.RESHAPE, List.of(source), Attrs.of("shape", n.type().shape().dims()));
        } catch (ShapeError e) {
            return null; // the symbolic element counts could not be shown equal directly; keep the chain
        }
    }
}
