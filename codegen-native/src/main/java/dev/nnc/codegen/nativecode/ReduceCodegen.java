package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/** Placeholder until the Reduce emitter lands. */
final class ReduceCodegen implements KernelCodegen<Kernel.Reduce> {
    @Override public String units(Kernel.Reduce k, KernelEnv env, FunctionWriter f) {
        throw new UnsupportedByNative("Reduce kernels are not emitted yet");
    }

    @Override public void body(Kernel.Reduce k, KernelEnv env, FunctionWriter f, String from, String to) {
        throw new UnsupportedByNative("Reduce kernels are not emitted yet");
    }
}
