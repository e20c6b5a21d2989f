package dev.nnc.codegen.nativecode;

import dev.nnc.codegen.nativecode.RowLoop.Accumulator;
import dev.nnc.codegen.nativecode.RowLoop.Lanes;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Kernel;
import java.util.List;
import java.util.function.Function;

/**
 * Layer norm: x (plus the residual, added in float at every read) seen as rows of the dims
 * from the axis on, one unit per row, three vector passes over the row (in L1 after the
 * first). As the JVM kernel: a rough mean {@code m0}, then {@code sum(x - m0)} and
 * {@code sum((x - m0)^2)} give the exact-mean correction {@code c} and the biased variance
 * {@code E[d^2] - c^2} (in double), then {@code ((x - m0) - c) * rstd * gamma + beta}.
 * Subtracting m0 first keeps the squares small, so float lanes lose nothing to cancellation.
 */
final class LayerNormCodegen implements KernelCodegen<Kernel.LayerNorm> {
    @Override
    public String units(Kernel.LayerNorm k, KernelEnv env, FunctionWriter f) {
        return env.dim(f, AxisSplit.product(k.x().type().shape(), 0, k.axis()));
    }

    @Override
    public void body(Kernel.LayerNorm k, KernelEnv env, FunctionWriter f, String from, String to) {
        Simd v = new Simd(f, env);
        VectorOps o = v.ops();
        Shape s = k.x().type().shape();
        String cols = env.dim(f, AxisSplit.product(s, k.axis(), s.rank()));
        String x = env.ptr(f, k.x()), gamma = env.ptr(f, k.gamma()), beta = env.ptr(f, k.beta()), out = env.ptr(f, k.out());
        String residual = k.residual() == null ? null : env.ptr(f, k.residual());
        f.loop(from, to, 1, r -> {
            String start = f.let("mul i64 %s, %s", r, cols);
            String xRow = v.at(x, start), outRow = v.at(out, start);
            String resRow = residual == null ? null : v.at(residual, start);
            Function<Lanes, String> value = l -> resRow == null ? l.load(xRow) : o.add(l.load(xRow), l.load(resRow));
            Statistics st = statistics(v, cols, value, k.eps());
            RowLoop.forEach(v, cols, l -> {
                String y = o.mul(o.sub(o.sub(value.apply(l), st.roughMean()), st.correction()), st.rstd());
                l.store(o.fma(y, l.load(gamma), l.load(beta)), outRow);
            });
        });
    }

    /** A row's rough mean m0, the exact mean's offset from it, and 1/sqrt(variance + eps), each in every lane. */
    private record Statistics(String roughMean, String correction, String rstd) {}

    /** The statistics of the row whose values {@code value} loads, in two passes. */
    private static Statistics statistics(Simd v, String cols, Function<Lanes, String> value, double eps) {
        FunctionWriter f = v.f();
        VectorOps o = v.ops();
        String count = f.entryValue("layernorm.count", "sitofp i64 %s to double", cols);
        Accumulator sum = Accumulator.sum(o);
        String total = total(v, RowLoop.reduce(v, cols, List.of(sum), l -> List.of(value.apply(l))).getFirst());
        String m0 = o.splat(f.let("fptrunc double %s to float", f.let("fdiv double %s, %s", total, count)));

        List<String> moments = RowLoop.reduce(v, cols, List.of(sum, sum), l -> {
            String d = o.sub(value.apply(l), m0);
            return List.of(d, o.mul(d, d));
        });
        String c = f.let("fdiv double %s, %s", total(v, moments.get(0)), count);
        String meanSquare = f.let("fdiv double %s, %s", total(v, moments.get(1)), count);
        String variance = f.let("fsub double %s, %s", meanSquare, f.let("fmul double %s, %s", c, c));
        f.module().declare("declare double @llvm.maximum.f64(double, double)");
        f.module().declare("declare double @llvm.sqrt.f64(double)");
        String clamped = f.let("call double @llvm.maximum.f64(double %s, double 0.0)", variance);
        // eps as the JVM backend passes it: rounded to float.
        String std = f.let("call double @llvm.sqrt.f64(double %s)", f.let("fadd double %s, %s", clamped, VectorOps.hex((float) eps)));
        String rstd = f.let("fptrunc double %s to float", f.let("fdiv double 1.0, %s", std));
        return new Statistics(m0, o.splat(f.let("fptrunc double %s to float", c)), o.splat(rstd));
    }

    /** The sum of the lanes of {@code acc}, as a double. */
    private static String total(Simd v, String acc) {
        return v.f().let("fpext float %s to double", v.first(v.across(acc, v.ops()::add)));
    }
}
