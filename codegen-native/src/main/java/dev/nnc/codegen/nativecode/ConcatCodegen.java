package dev.nnc.codegen.nativecode;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;

/**
 * Concat along an axis: input i seen as {@code [outer, len_i * inner]}, the output as
 * {@code [outer, sum(len_i) * inner]}. A unit is one input's run for one outer index, copied
 * with {@code llvm.memcpy}, so that even a concat along the first axis (outer 1) splits over
 * threads.
 */
final class ConcatCodegen implements KernelCodegen<Kernel.Concat> {
    @Override
    public String units(Kernel.Concat k, KernelEnv env, FunctionWriter f) {
        return f.let("mul i64 %s, %d", env.dim(f, AxisSplit.product(k.out().type().shape(), 0, k.axis())), k.xs().size());
    }

    @Override
    public void body(Kernel.Concat k, KernelEnv env, FunctionWriter f, String from, String to) {
        Simd v = new Simd(f, env);
        Shape shape = k.out().type().shape();
        String outer = env.dim(f, AxisSplit.product(shape, 0, k.axis()));
        String outRun = env.dim(f, AxisSplit.product(shape, k.axis(), shape.rank()));
        List<String> sources = new ArrayList<>(), runs = new ArrayList<>(), starts = new ArrayList<>();
        Dim start = Dim.of(0);
        for (Buf x : k.xs()) {
            Dim run = AxisSplit.product(x.type().shape(), k.axis(), shape.rank());
            sources.add(env.ptr(f, x));
            runs.add(env.dim(f, run));
            starts.add(env.dim(f, start));
            start = start.plus(run);
        }
        String out = env.ptr(f, k.out());
        Odometer.forEach(f, List.of(outer, String.valueOf(k.xs().size())), from, to, at -> {
            String o = at.get(0), i = at.get(1);
            String run = pick(f, "i64", i, runs);
            String source = v.at(pick(f, "ptr", i, sources), f.let("mul i64 %s, %s", o, run));
            String target = v.at(out, f.let("add i64 %s, %s", f.let("mul i64 %s, %s", o, outRun), pick(f, "i64", i, starts)));
            v.copy(target, source, run);
        });
    }

    /** {@code values[i]} for an i64 index {@code i} in range, as a chain of selects. */
    private static String pick(FunctionWriter f, String type, String i, List<String> values) {
        String picked = values.getLast();
        for (int j = values.size() - 2; j >= 0; j--) {
            picked = f.let("select i1 %s, %s %s, %s %s", f.let("icmp eq i64 %s, %d", i, j), type, values.get(j), type, picked);
        }
        return picked;
    }
}
