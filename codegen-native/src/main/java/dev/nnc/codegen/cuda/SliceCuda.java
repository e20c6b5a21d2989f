package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;

/** Strided slice, one thread per output element: x coordinate d is {@code starts[d] + c_d * steps[d]}. */
final class SliceCuda extends PerElement<Kernel.Slice> {
    @Override
    String element(Kernel.Slice k, KernelEnv env, FunctionWriter f, List<String> c) {
        List<String> source = new ArrayList<>();
        for (int d = 0; d < c.size(); d++) {
            source.add(f.let("add i64 %s, %d", f.let("mul i64 %s, %d", c.get(d), k.steps().get(d)), k.starts().get(d)));
        }
        return Gpu.load(f, env.ptr(f, k.x()), Indexing.offset(f, env, k.x().type().shape(), source));
    }
}
