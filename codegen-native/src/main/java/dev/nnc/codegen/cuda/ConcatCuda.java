package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;

/**
 * Concatenation, one thread per output element: the input whose range along the axis holds
 * the element's coordinate is read, at that coordinate minus the range's start (a chain of
 * selects over the inputs, the loads guarded so only the chosen one reads memory).
 */
final class ConcatCuda extends PerElement<Kernel.Concat> {
    @Override
    String element(Kernel.Concat k, KernelEnv env, FunctionWriter f, List<String> c) {
        String along = c.get(k.axis());
        return pick(k, env, f, c, along, 0, Dim.of(0));
    }

    private String pick(Kernel.Concat k, KernelEnv env, FunctionWriter f, List<String> c, String along, int i, Dim start) {
        Buf x = k.xs().get(i);
        if (i == k.xs().size() - 1) return read(env, f, x, c, along, start, k.axis());
        Dim end = start.plus(x.type().shape().dim(k.axis()));
        String here = f.let("icmp ult i64 %s, %s", along, env.dim(f, end));
        return f.ifElse(here, "float", () -> read(env, f, x, c, along, start, k.axis()),
                () -> pick(k, env, f, c, along, i + 1, end));
    }

    private static String read(KernelEnv env, FunctionWriter f, Buf x, List<String> c, String along, Dim start, int axis) {
        List<String> source = new ArrayList<>(c);
        source.set(axis, f.let("sub i64 %s, %s", along, env.dim(f, start)));
        return Gpu.load(f, env.ptr(f, x), Indexing.offset(f, env, x.type().shape(), source));
    }
}
