package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/** Placeholder until the Softmax emitter lands. */
final class SoftmaxCodegen implements KernelCodegen<Kernel.Softmax> {
    @Override public String units(Kernel.Softmax k, KernelEnv env, FunctionWriter f) {
        throw new UnsupportedByNative("Softmax kernels are not emitted yet");
    }

    @Override public void body(Kernel.Softmax k, KernelEnv env, FunctionWriter f, String from, String to) {
        throw new UnsupportedByNative("Softmax kernels are not emitted yet");
    }
}
