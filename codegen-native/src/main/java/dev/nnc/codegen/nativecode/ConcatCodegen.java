package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/** Placeholder until the Concat emitter lands. */
final class ConcatCodegen implements KernelCodegen<Kernel.Concat> {
    @Override public String units(Kernel.Concat k, KernelEnv env, FunctionWriter f) {
        throw new UnsupportedByNative("Concat kernels are not emitted yet");
    }

    @Override public void body(Kernel.Concat k, KernelEnv env, FunctionWriter f, String from, String to) {
        throw new UnsupportedByNative("Concat kernels are not emitted yet");
    }
}
