package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.Tensor;
import java.util.Map;

/** The native backend's entry point: kernel IR in; a JIT-compiled model, IR text, assembly or an object out. */
public final class NativeBackend {
    private NativeBackend() {}

    /** The module for a target. @throws UnsupportedByNative when the model needs what the backend cannot do */
    public static NativeModule emit(KernelProgram program, NativeTarget target) {
        return NativeModuleEmitter.emit(program, target);
    }

    /** Compiles in process for this machine and binds the weights; close the model to free its native memory. */
    public static NativeModel load(KernelProgram program, Map<String, Tensor> weights) {
        return load(emit(program, NativeTarget.host()), NativeTarget.host(), weights);
    }

    /** Compiles {@code module} in process (its target must be this machine's) and binds the weights. */
    public static NativeModel load(NativeModule module, NativeTarget target, Map<String, Tensor> weights) {
        NativeCompiler.Jitted code = NativeCompiler.jit(module, target);
        try {
            return new NativeModel(module, target, code, weights);
        } catch (RuntimeException e) {
            code.close();
            throw e;
        }
    }
}
