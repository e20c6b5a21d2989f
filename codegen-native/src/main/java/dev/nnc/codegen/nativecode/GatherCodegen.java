package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;
import java.util.List;

/**
 * Gather along an axis with i64 indices (a model input): data seen as
 * {@code [outer, axisLen, inner]}, out as {@code [outer, count, inner]} with
 * {@code out[o, j, :] = data[o, indices[j], :]}. A unit is one output row, copied with
 * {@code llvm.memcpy}. Negative indices count from the end, as on the JVM. An index outside
 * {@code [-axisLen, axisLen)}, which the JVM backend refuses with an exception, cannot be
 * reported from native code: its output row is filled with NaN and data is never read
 * outside its bounds.
 */
final class GatherCodegen implements KernelCodegen<Kernel.Gather> {
    @Override
    public String units(Kernel.Gather k, KernelEnv env, FunctionWriter f) {
        AxisSplit s = AxisSplit.around(k.data().type().shape(), k.axis());
        return f.let("mul i64 %s, %s", env.dim(f, s.outer()), env.dim(f, k.indices().type().shape().numel()));
    }

    @Override
    public void body(Kernel.Gather k, KernelEnv env, FunctionWriter f, String from, String to) {
        Simd v = new Simd(f, env);
        AxisSplit s = AxisSplit.around(k.data().type().shape(), k.axis());
        String axisLen = env.dim(f, s.axis()), inner = env.dim(f, s.inner());
        String count = env.dim(f, k.indices().type().shape().numel());
        String data = env.ptr(f, k.data()), indices = env.ptr(f, k.indices()), out = env.ptr(f, k.out());
        Odometer.forEach(f, List.of(env.dim(f, s.outer()), count), from, to, at -> {
            String o = at.get(0), j = at.get(1);
            String index = f.let("load i64, ptr %s, align 8", f.let("getelementptr inbounds i64, ptr %s, i64 %s", indices, j));
            String wrapped = f.let("select i1 %s, i64 %s, i64 %s", f.let("icmp slt i64 %s, 0", index),
                    f.let("add i64 %s, %s", index, axisLen), index);
            String valid = f.let("icmp ult i64 %s, %s", wrapped, axisLen);
            String target = v.at(out, f.let("mul i64 %s, %s", f.let("add i64 %s, %s", f.let("mul i64 %s, %s", o, count), j), inner));
            f.ifThen(valid, () -> {
                String row = f.let("add i64 %s, %s", f.let("mul i64 %s, %s", o, axisLen), wrapped);
                v.copy(target, v.at(data, f.let("mul i64 %s, %s", row, inner)), inner);
            });
            f.ifThen(f.let("xor i1 %s, true", valid), () ->
                    RowLoop.forEach(v, inner, l -> l.store(v.ops().c(Double.NaN), target)));
        });
    }
}
