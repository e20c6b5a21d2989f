package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.BroadcastPlan;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Expr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Emits {@code out[e] = expr(operands...)} for the output elements e in [from, to) (row-major
 * order), operand {@code %i} broadcast to out's shape: the loops of elementwise kernels and of
 * matmul/conv epilogues. Integer operands (model inputs, i64) are converted to float as they are loaded.
 *
 * <p>The output is walked as rows of the {@link BroadcastPlan}'s innermost merged dim: per row,
 * a vector loop over whole vectors and one masked vector for the rest. Operands that vary along
 * that dim are loaded as vectors; the others are one value per row (splat once before the row's
 * loop) or per range. The outer merged dims are followed by an index counter carried from row to
 * row, so a row costs no division. A plan of one merged dim is a single flat loop.
 */
final class ElementwiseLoop {
    private final KernelEnv env;
    private final FunctionWriter f;
    private final Expr expr;
    private final List<Buf> operands;
    private final Buf out;
    private final BroadcastPlan plan;
    private final VectorOps v;
    private final Set<Integer> used;

    private ElementwiseLoop(KernelEnv env, FunctionWriter f, Expr expr, List<Buf> operands, Buf out) {
        this.env = env;
        this.f = f;
        this.expr = expr;
        this.operands = operands;
        this.out = out;
        this.plan = plan(operands, out);
        this.v = VectorOps.floats(f, env.lanes());
        this.used = ExprCodegen.operands(expr);
    }

    /** The broadcast plan the loops follow; its inner dim is what callers size their work units by. */
    static BroadcastPlan plan(List<Buf> operands, Buf out) {
        return BroadcastPlan.of(out.type().shape(), operands.stream().map(b -> b.type().shape()).toList());
    }

    /** Emits the loops for output elements [from, to) (i64 IR values); nothing runs when the range is empty. */
    static void emit(KernelEnv env, FunctionWriter f, Expr expr, List<Buf> operands, Buf out, String from, String to) {
        ElementwiseLoop loop = new ElementwiseLoop(env, f, expr, operands, out);
        f.ifThen(f.let("icmp slt i64 %s, %s", from, to), () -> loop.range(from, to));
    }

    private void range(String from, String to) {
        Map<Integer, String> fixed = new HashMap<>();
        for (int i : used) if (plan.isUniform(i)) fixed.put(i, v.splat(scalar(i, "0")));
        if (plan.rank() == 1) {
            Map<Integer, String> offsets = new HashMap<>();
            for (int i : used) if (!plan.isUniform(i)) offsets.put(i, "0");
            row(from, to, "0", offsets, fixed);
            return;
        }
        String n = env.dim(f, plan.inner());
        String firstRow = f.let("udiv i64 %s, %s", from, n);
        String endRow = f.let("udiv i64 %s, %s", f.let("add i64 %s, %s", to, f.let("sub i64 %s, 1", n)), n);
        List<String[]> counters = new ArrayList<>();
        for (String start : outerIndices(firstRow)) counters.add(new String[] {"i64", start});
        f.loopCarrying(firstRow, endRow, "1", counters, (r, index) -> {
            String rowStart = f.let("mul i64 %s, %s", r, n);
            String lo = signedPick("sgt", f.let("sub i64 %s, %s", from, rowStart), "0");
            String hi = signedPick("slt", f.let("sub i64 %s, %s", to, rowStart), n);
            Map<Integer, String> offsets = new HashMap<>();
            Map<Integer, String> rowFixed = new HashMap<>(fixed);
            for (int i : used) {
                if (plan.isUniform(i)) continue;
                String offset = rowOffset(i, index);
                if (plan.variesInner(i)) offsets.put(i, offset);
                else rowFixed.put(i, v.splat(scalar(i, offset)));
            }
            row(lo, hi, rowStart, offsets, rowFixed);
            return nextIndices(index);
        });
    }

    /**
     * Elements [lo, hi) of the row starting at output element {@code rowStart}: whole vectors,
     * then one masked vector. {@code offsets} gives, for operands varying along the row, the
     * element of their row start; {@code fixed}, the splat value of the others.
     */
    private void row(String lo, String hi, String rowStart, Map<Integer, String> offsets, Map<Integer, String> fixed) {
        int lanes = env.lanes();
        String count = f.let("sub i64 %s, %s", hi, lo);
        String whole = f.let("and i64 %s, %d", count, -lanes); // lanes is a power of two
        String wholeEnd = f.let("add i64 %s, %s", lo, whole);
        f.loop(lo, wholeEnd, lanes, j -> vectorAt(j, rowStart, offsets, fixed, null));
        String rest = f.let("sub i64 %s, %s", count, whole);
        f.ifThen(f.let("icmp sgt i64 %s, 0", rest), () -> vectorAt(wholeEnd, rowStart, offsets, fixed, v.firstLanes(rest)));
    }

    /** One vector of results at position j of the row; all lanes when {@code mask} is null. */
    private void vectorAt(String j, String rowStart, Map<Integer, String> offsets, Map<Integer, String> fixed, String mask) {
        String result = ExprCodegen.evaluate(f, env.lanes(), expr, i -> {
            String value = fixed.get(i);
            if (value != null) return value;
            Buf b = operands.get(i);
            String p = element(b, plus(offsets.get(i), j));
            if (isInteger(b)) return v.fromIntegers(mask == null ? v.loadIntegers(p) : v.maskedLoadIntegers(p, mask));
            return mask == null ? v.load(p) : v.maskedLoad(p, mask);
        });
        String p = element(out, plus(rowStart, j));
        if (mask == null) v.store(result, p);
        else v.maskedStore(result, p, mask);
    }

    /** The index along each outer merged dim (all but the innermost) of a row number. */
    private List<String> outerIndices(String row) {
        int outer = plan.rank() - 1;
        String[] index = new String[outer];
        String rest = row;
        for (int d = outer - 1; d > 0; d--) {
            String size = env.dim(f, plan.sizes().get(d));
            index[d] = f.let("urem i64 %s, %s", rest, size);
            rest = f.let("udiv i64 %s, %s", rest, size);
        }
        index[0] = rest;
        return List.of(index);
    }

    /** The indices of the next row: the last one counts up, carrying into the ones before it. */
    private List<String> nextIndices(List<String> index) {
        String[] next = new String[index.size()];
        String carry = null;
        for (int d = index.size() - 1; d >= 0; d--) {
            String step = carry == null ? "1" : f.let("zext i1 %s to i64", carry);
            String bumped = f.let("add i64 %s, %s", index.get(d), step);
            carry = f.let("icmp eq i64 %s, %s", bumped, env.dim(f, plan.sizes().get(d)));
            next[d] = f.let("select i1 %s, i64 0, i64 %s", carry, bumped);
        }
        return List.of(next);
    }

    /** Operand i's element offset at the start of the row with these outer indices. */
    private String rowOffset(int i, List<String> index) {
        String offset = "0";
        for (int d = 0; d < index.size(); d++) {
            String stride = env.dim(f, plan.stride(i, d));
            if (stride.equals("0")) continue;
            String term = stride.equals("1") ? index.get(d) : f.let("mul i64 %s, %s", index.get(d), stride);
            offset = plus(offset, term);
        }
        return offset;
    }

    /** Operand i's element at {@code offset}, as a float. */
    private String scalar(int i, String offset) {
        Buf b = operands.get(i);
        if (isInteger(b)) return f.let("sitofp i64 %s to float", f.let("load i64, ptr %s, align 8", element(b, offset)));
        return f.let("load float, ptr %s, align 4", element(b, offset));
    }

    private String element(Buf b, String offset) {
        return f.let("getelementptr inbounds %s, ptr %s, i64 %s", isInteger(b) ? "i64" : "float", env.ptr(f, b), offset);
    }

    /** An integer model input, held as i64 and converted as it is read (see F32Support.readsIntegerInput). */
    private static boolean isInteger(Buf b) { return !b.type().dtype().isFloat(); }

    private String plus(String a, String b) {
        if (a.equals("0")) return b;
        if (b.equals("0")) return a;
        return f.let("add i64 %s, %s", a, b);
    }

    /** {@code a} if {@code a <predicate> b} (signed), else b: max with sgt, min with slt. */
    private String signedPick(String predicate, String a, String b) {
        return f.let("select i1 %s, i64 %s, i64 %s", f.let("icmp %s i64 %s, %s", predicate, a, b), a, b);
    }
}
