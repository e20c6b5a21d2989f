package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Kernel;
import java.util.List;

/**
 * Max or average pooling, one thread per output element looping over its window. A max
 * propagates NaN and never sees the padding; an average divides by the whole window when the
 * padding counts, else by the number of input elements the window covers.
 */
final class PoolCuda extends PerElement<Kernel.Pool2d> {
    @Override
    String element(Kernel.Pool2d k, KernelEnv env, FunctionWriter f, List<String> c) {
        boolean last = k.layout() == Kernel.Layout.NHWC;
        Shape x = k.x().type().shape();
        String n = c.get(0), ch = c.get(last ? 3 : 1), oh = c.get(last ? 1 : 2), ow = c.get(last ? 2 : 3);
        String height = env.dim(f, x.dim(last ? 1 : 2)), width = env.dim(f, x.dim(last ? 2 : 3));
        String h0 = f.let("sub i64 %s, %d", f.let("mul i64 %s, %d", oh, k.stride().get(0)), k.padding().get(0));
        String w0 = f.let("sub i64 %s, %d", f.let("mul i64 %s, %d", ow, k.stride().get(1)), k.padding().get(1));
        String base = env.ptr(f, k.x());
        boolean max = k.kind() == Kernel.PoolKind.MAX;
        String identity = max ? "0xFFF0000000000000" : "0.0";
        List<String> result = f.loopCarrying("0", String.valueOf(k.kernel().get(0)), "1",
                List.of(new String[] {"float", identity}, new String[] {"float", "0.0"}), (kh, outer) ->
                f.loopCarrying("0", String.valueOf(k.kernel().get(1)), "1", List.of(new String[] {"float", outer.get(0)},
                        new String[] {"float", outer.get(1)}), (kw, acc) -> {
                    String ih = Gpu.add(f, h0, kh), iw = Gpu.add(f, w0, kw);
                    String inside = Gpu.and(f, Gpu.below(f, ih, height), Gpu.below(f, iw, width));
                    String value = f.ifElse(inside, "float", () -> {
                        String index = last ? Indexing.offset(f, env, x, List.of(n, ih, iw, ch))
                                : Indexing.offset(f, env, x, List.of(n, ch, ih, iw));
                        String v = Gpu.load(f, base, index);
                        return max ? Gpu.maximum(f, acc.get(0), v) : f.let("fadd float %s, %s", acc.get(0), v);
                    }, () -> acc.get(0));
                    String count = f.let("select i1 %s, float %s, float %s", inside, f.let("fadd float %s, 1.0", acc.get(1)), acc.get(1));
                    return List.of(value, count);
                }));
        if (max) return result.get(0);
        String divisor = k.countIncludePad() ? Gpu.constant(k.kernel().get(0) * k.kernel().get(1)) : result.get(1);
        return f.let("fdiv float %s, %s", result.get(0), divisor);
    }
}
