package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.kernel.Kernel;
import java.util.Arrays;
import java.util.List;

/** Transpose, one thread per output element: output dim i is x dim perm[i]. */
final class TransposeCuda extends PerElement<Kernel.Transpose> {
    @Override
    String element(Kernel.Transpose k, KernelEnv env, FunctionWriter f, List<String> c) {
        String[] source = new String[c.size()];
        for (int i = 0; i < c.size(); i++) source[k.perm().get(i)] = c.get(i);
        return Gpu.load(f, env.ptr(f, k.x()), Indexing.offset(f, env, k.x().type().shape(), Arrays.asList(source)));
    }
}
