package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.kernel.Kernel;
import java.util.List;

/** An elementwise kernel: each thread reads its operands (broadcast) and writes {@code expr} of them. In place is safe: a thread reads only its own element of input 0 before writing it. */
final class ElementwiseCuda extends PerElement<Kernel.Elementwise> {
    @Override
    String element(Kernel.Elementwise k, KernelEnv env, FunctionWriter f, List<String> coords) {
        return ScalarExpr.evaluate(f, k.expr(), i -> {
            var in = k.ins().get(i);
            return Gpu.load(f, env.ptr(f, in), Indexing.broadcastOffset(f, env, in.type().shape(), coords));
        });
    }
}
