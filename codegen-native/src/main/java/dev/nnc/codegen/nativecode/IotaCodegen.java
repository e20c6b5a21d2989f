package dev.nnc.codegen.nativecode;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Kernel;

/** {@code out[i...] = i_axis}: one unit per index of the dims before the axis; inner dims are filled by a loop. */
final class IotaCodegen implements KernelCodegen<Kernel.Iota> {
    @Override
    public String units(Kernel.Iota k, KernelEnv env, FunctionWriter f) {
        return env.dim(f, outer(k.out().type().shape(), k.axis()));
    }

    @Override
    public void body(Kernel.Iota k, KernelEnv env, FunctionWriter f, String from, String to) {
        Shape s = k.out().type().shape();
        String n = env.dim(f, s.dim(k.axis()));
        String inner = env.dim(f, inner(s, k.axis()));
        String out = env.ptr(f, k.out());
        f.loop(from, to, 1, o -> f.loop("0", n, 1, i -> {
            String value = f.let("sitofp i64 %s to float", i);
            String row = f.let("mul i64 %s, %s", o, n);
            String base = f.let("mul i64 %s, %s", f.let("add i64 %s, %s", row, i), inner);
            f.loop("0", inner, 1, j -> {
                String p = f.let("getelementptr inbounds float, ptr %s, i64 %s", out, f.let("add i64 %s, %s", base, j));
                f.emit("store float %s, ptr %s", value, p);
            });
        }));
    }

    static Dim outer(Shape s, int axis) {
        Dim d = Dim.of(1);
        for (int i = 0; i < axis; i++) d = d.times(s.dim(i));
        return d;
    }

    static Dim inner(Shape s, int axis) {
        Dim d = Dim.of(1);
        for (int i = axis + 1; i < s.rank(); i++) d = d.times(s.dim(i));
        return d;
    }
}
