package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.kernel.Kernel;
import java.util.List;

/** Each element is its coordinate along the axis. */
final class IotaCuda extends PerElement<Kernel.Iota> {
    @Override
    String element(Kernel.Iota k, KernelEnv env, FunctionWriter f, List<String> c) {
        return f.let("uitofp i64 %s to float", c.get(k.axis()));
    }
}
