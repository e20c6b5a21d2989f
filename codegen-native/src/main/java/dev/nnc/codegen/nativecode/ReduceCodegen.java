package dev.nnc.codegen.nativecode;

import dev.nnc.codegen.nativecode.RowLoop.Accumulator;
import dev.nnc.ir.kernel.Kernel;
import java.util.List;

/**
 * Sum, mean or max over contiguous axes, x seen as {@code [outer, axis, inner]} and out as
 * {@code [outer, inner]} (with or without the 1s, the same elements). When the axes are the
 * last dims, a unit is a row reduced along its vectors; otherwise a unit is a block of
 * columns ({@link ColumnBlocks}) accumulated row by row. Max propagates NaN; a mean is the
 * sum divided by the count.
 */
final class ReduceCodegen implements KernelCodegen<Kernel.Reduce> {
    @Override
    public String units(Kernel.Reduce k, KernelEnv env, FunctionWriter f) {
        AxisSplit s = split(k);
        if (s.isRows()) return env.dim(f, s.outer());
        return ColumnBlocks.units(new Simd(f, env), env.dim(f, s.outer()), env.dim(f, s.inner()));
    }

    @Override
    public void body(Kernel.Reduce k, KernelEnv env, FunctionWriter f, String from, String to) {
        Simd v = new Simd(f, env);
        VectorOps o = v.ops();
        AxisSplit s = split(k);
        String axis = env.dim(f, s.axis());
        String x = env.ptr(f, k.x()), out = env.ptr(f, k.out());
        Accumulator acc = k.kind() == Kernel.ReduceKind.MAX ? Accumulator.max(o) : Accumulator.sum(o);
        if (s.isRows()) {
            f.loop(from, to, 1, r -> {
                String row = v.at(x, f.let("mul i64 %s, %s", r, axis));
                String folded = RowLoop.reduce(v, axis, List.of(acc), l -> List.of(l.load(row))).getFirst();
                String total = v.first(v.across(folded, acc.combine()));
                String result = k.kind() == Kernel.ReduceKind.MEAN ? f.let("fdiv float %s, %s", total, count(f, axis)) : total;
                f.emit("store float %s, ptr %s, align 4", result, v.at(out, r));
            });
            return;
        }
        String inner = env.dim(f, s.inner());
        ColumnBlocks.forEach(v, env.dim(f, s.outer()), inner, from, to, (slabIndex, columns) -> {
            String slab = v.at(x, f.let("mul i64 %s, %s", slabIndex, f.let("mul i64 %s, %s", axis, inner)));
            List<String> folded = ColumnBlocks.fold(v, axis, inner, columns, acc.identity(),
                    (c, offset, value) -> acc.combine().apply(value, columns.get(c).load(v.at(slab, offset))));
            String outRow = v.at(out, f.let("mul i64 %s, %s", slabIndex, inner));
            for (int c = 0; c < columns.size(); c++) {
                String result = folded.get(c);
                if (k.kind() == Kernel.ReduceKind.MEAN) result = o.div(result, o.splat(count(f, axis)));
                columns.get(c).store(result, outRow);
            }
        });
    }

    private static String count(FunctionWriter f, String axis) {
        return f.entryValue("reduce.count", "sitofp i64 %s to float", axis);
    }

    private static AxisSplit split(Kernel.Reduce k) {
        return AxisSplit.of(k.x().type().shape(), k.axes().getFirst(), k.axes().getLast() + 1);
    }
}
