package dev.nnc.codegen.nativecode;

import dev.nnc.codegen.nativecode.RowLoop.Accumulator;
import dev.nnc.codegen.nativecode.RowLoop.Lanes;
import dev.nnc.ir.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;

/**
 * Softmax or log-softmax of {@code scale * x} along an axis, x seen as
 * {@code [outer, axis, inner]}. As the JVM kernel: the max is subtracted before exp, so
 * that nothing overflows; softmax is {@code exp(s - max) * (1 / sum)}, log-softmax
 * {@code (s - max) - log(sum)}; the scale multiplies every element as it is read (in float,
 * as the multiply it replaces would). Three passes: max, exp and sum (storing the exps for
 * softmax), then the normalization. The max need not propagate NaN ({@link Accumulator#fastMax}):
 * a NaN in the row makes its sum, and so all its outputs, NaN anyway.
 *
 * <p>Along the last axis a unit is a row, walked in vectors ({@link RowLoop}); along another
 * axis a unit is a block of columns ({@link ColumnBlocks}) whose maxima and sums stay in
 * registers while the passes walk the axis row by row.
 */
final class SoftmaxCodegen implements KernelCodegen<Kernel.Softmax> {
    @Override
    public String units(Kernel.Softmax k, KernelEnv env, FunctionWriter f) {
        AxisSplit s = AxisSplit.around(k.x().type().shape(), k.axis());
        if (s.isRows()) return env.dim(f, s.outer());
        return ColumnBlocks.units(new Simd(f, env), env.dim(f, s.outer()), env.dim(f, s.inner()));
    }

    @Override
    public void body(Kernel.Softmax k, KernelEnv env, FunctionWriter f, String from, String to) {
        AxisSplit s = AxisSplit.around(k.x().type().shape(), k.axis());
        Simd v = new Simd(f, env);
        String x = env.ptr(f, k.x()), out = env.ptr(f, k.out());
        if (s.isRows()) {
            rows(k, v, x, out, env.dim(f, s.axis()), from, to);
        } else {
            columns(k, v, x, out, env.dim(f, s.outer()), env.dim(f, s.axis()), env.dim(f, s.inner()), from, to);
        }
    }

    private static void rows(Kernel.Softmax k, Simd v, String x, String out, String n, String from, String to) {
        FunctionWriter f = v.f();
        VectorOps o = v.ops();
        Accumulator max = Accumulator.fastMax(o), sum = Accumulator.sum(o);
        f.loop(from, to, 1, r -> {
            String start = f.let("mul i64 %s, %s", r, n);
            String xRow = v.at(x, start), outRow = v.at(out, start);
            String maxes = v.across(RowLoop.reduce(v, n, List.of(max), l -> List.of(scaled(k, v, l, xRow))).getFirst(), max.combine());
            String sums = v.across(RowLoop.reduce(v, n, List.of(sum), l -> {
                String e = VectorMath.exp(f, v.lanes(), o.sub(scaled(k, v, l, xRow), maxes));
                if (!k.log()) l.store(e, outRow);
                return List.of(e);
            }).getFirst(), sum.combine());
            String factor = factor(k, v, sums);
            RowLoop.forEach(v, n, l -> l.store(normalized(k, v, l, xRow, outRow, maxes, factor), outRow));
        });
    }

    private static void columns(Kernel.Softmax k, Simd v, String x, String out, String outer, String axis, String inner,
                                String from, String to) {
        FunctionWriter f = v.f();
        VectorOps o = v.ops();
        Accumulator max = Accumulator.fastMax(o), sum = Accumulator.sum(o);
        ColumnBlocks.forEach(v, outer, inner, from, to, (slab, columns) -> {
            String start = f.let("mul i64 %s, %s", slab, f.let("mul i64 %s, %s", axis, inner));
            String xSlab = v.at(x, start), outSlab = v.at(out, start);
            List<String> maxes = ColumnBlocks.fold(v, axis, inner, columns, max.identity(), (c, offset, running) ->
                    max.combine().apply(running, scaled(k, v, columns.get(c), v.at(xSlab, offset))));
            List<String> sums = ColumnBlocks.fold(v, axis, inner, columns, sum.identity(), (c, offset, running) -> {
                String e = VectorMath.exp(f, v.lanes(), o.sub(scaled(k, v, columns.get(c), v.at(xSlab, offset)), maxes.get(c)));
                if (!k.log()) columns.get(c).store(e, v.at(outSlab, offset));
                return sum.combine().apply(running, e);
            });
            List<String> factors = new ArrayList<>();
            for (String s : sums) factors.add(factor(k, v, s));
            f.loop("0", axis, 1, a -> {
                String offset = f.let("mul i64 %s, %s", a, inner);
                String xRow = v.at(xSlab, offset), outRow = v.at(outSlab, offset);
                for (int c = 0; c < columns.size(); c++) {
                    Lanes l = columns.get(c);
                    l.store(normalized(k, v, l, xRow, outRow, maxes.get(c), factors.get(c)), outRow);
                }
            });
        });
    }

    /** {@code scale * x} at these lanes of the row. */
    private static String scaled(Kernel.Softmax k, Simd v, Lanes l, String xRow) {
        String x = l.load(xRow);
        return k.scale() == 1.0 ? x : v.ops().mul(x, v.ops().c(k.scale()));
    }

    /** From the sums of exps: {@code log(sum)} for log-softmax, {@code 1 / sum} for softmax. */
    private static String factor(Kernel.Softmax k, Simd v, String sums) {
        if (k.log()) return VectorMath.log(v.f(), v.lanes(), sums);
        return v.ops().div(v.ops().c(1.0), sums);
    }

    /** The output at these lanes: {@code (s - max) - log(sum)}, or the stored exp times {@code 1 / sum}. */
    private static String normalized(Kernel.Softmax k, Simd v, Lanes l, String xRow, String outRow, String max, String factor) {
        VectorOps o = v.ops();
        if (k.log()) return o.sub(o.sub(scaled(k, v, l, xRow), max), factor);
        return o.mul(l.load(outRow), factor);
    }
}
