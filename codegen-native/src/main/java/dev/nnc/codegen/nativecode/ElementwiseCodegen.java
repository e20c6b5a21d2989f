package dev.nnc.codegen.nativecode;

import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Kernel;

/**
 * {@code out = expr(ins...)} with the inputs broadcast to out's shape (in place when input 0 is
 * out's storage: each vector is read before it is written). The loops are
 * {@link ElementwiseLoop}'s; this class splits the output into units of whole rows of the
 * innermost merged dim, about {@link #UNIT_ELEMENTS} elements each, or into chunks of that many
 * elements when a row is longer. A small tensor is one unit.
 */
final class ElementwiseCodegen implements KernelCodegen<Kernel.Elementwise> {
    /** Elements per unit: enough that a unit's work outweighs the cost of a call. */
    static final long UNIT_ELEMENTS = 8192;

    @Override
    public String units(Kernel.Elementwise k, KernelEnv env, FunctionWriter f) {
        String total = env.dim(f, k.out().type().shape().numel());
        String unit = unitElements(k, env, f);
        return f.let("udiv i64 %s, %s", f.let("add i64 %s, %s", total, f.let("sub i64 %s, 1", unit)), unit);
    }

    @Override
    public void body(Kernel.Elementwise k, KernelEnv env, FunctionWriter f, String from, String to) {
        String total = env.dim(f, k.out().type().shape().numel());
        String unit = unitElements(k, env, f);
        String first = f.let("mul i64 %s, %s", from, unit);
        String end = f.let("mul i64 %s, %s", to, unit);
        String last = f.let("select i1 %s, i64 %s, i64 %s", f.let("icmp slt i64 %s, %s", end, total), end, total);
        ElementwiseLoop.emit(env, f, k.expr(), k.ins(), k.out(), first, last);
    }

    /** Whole rows of the innermost merged dim adding up to at most UNIT_ELEMENTS (at least one row), or UNIT_ELEMENTS when a row is longer. */
    private static String unitElements(Kernel.Elementwise k, KernelEnv env, FunctionWriter f) {
        Dim row = ElementwiseLoop.plan(k.ins(), k.out()).inner();
        if (row.isKnown()) {
            long n = Math.max(1, row.known().getAsLong());
            return Long.toString(n >= UNIT_ELEMENTS ? UNIT_ELEMENTS : UNIT_ELEMENTS / n * n);
        }
        String n = env.dim(f, row);
        String positive = f.let("select i1 %s, i64 %s, i64 1", f.let("icmp sgt i64 %s, 0", n), n);
        String rows = f.let("mul i64 %s, %s", f.let("udiv i64 %d, %s", UNIT_ELEMENTS, positive), positive);
        return f.let("select i1 %s, i64 %d, i64 %s", f.let("icmp sge i64 %s, %d", positive, UNIT_ELEMENTS), UNIT_ELEMENTS, rows);
    }
}
