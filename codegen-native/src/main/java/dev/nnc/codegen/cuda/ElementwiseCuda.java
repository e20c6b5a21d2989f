package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import java.util.List;

/**
 * An elementwise kernel: each thread reads its operands (broadcast) and writes {@code expr} of
 * them. In place is safe: a thread reads only its own element of input 0 before writing it.
 * An integer operand (an i64 model input, such as an attention mask) is converted to f32.
 */
final class ElementwiseCuda extends PerElement<Kernel.Elementwise> {
    @Override
    String element(Kernel.Elementwise k, KernelEnv env, FunctionWriter f, List<String> coords) {
        return ScalarExpr.evaluate(f, k.expr(), i -> {
            Buf in = k.ins().get(i);
            String at = Indexing.broadcastOffset(f, env, in.type().shape(), coords);
            if (!env.elementType(in).equals("i64")) return Gpu.load(f, env.ptr(f, in), at);
            String raw = f.let("load i64, ptr %s, align 8", f.let("getelementptr inbounds i64, ptr %s, i64 %s", env.ptr(f, in), at));
            return f.let("sitofp i64 %s to float", raw);
        });
    }
}
