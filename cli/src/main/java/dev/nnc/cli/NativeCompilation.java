package dev.nnc.cli;

import dev.nnc.codegen.nativecode.NativeBackend;
import dev.nnc.codegen.nativecode.NativeModel;
import dev.nnc.codegen.nativecode.NativeModule;
import dev.nnc.codegen.nativecode.NativeTarget;
import dev.nnc.codegen.nativecode.UnsupportedByNative;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.Tensor;
import java.util.Map;

/** An optimized kernel program through the native backend, with its refusals turned into user errors. */
final class NativeCompilation {
    private NativeCompilation() {}

    static NativeModule emit(KernelProgram p, NativeTarget target) {
        try {
            return NativeBackend.emit(p, target);
        } catch (UnsupportedByNative e) {
            throw new UserError("model " + p.name() + " cannot be compiled for the native backend: " + e.getMessage()
                    + " (run it with --backend=interp)");
        }
    }

    /** JIT-compiles for a target this machine runs and binds the weights. */
    static NativeModel load(KernelProgram p, NativeTarget target, Map<String, Tensor> params) {
        return NativeBackend.load(emit(p, target), target, params);
    }
}
