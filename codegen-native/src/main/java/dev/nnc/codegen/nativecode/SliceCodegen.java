package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/** Placeholder until the Slice emitter lands. */
final class SliceCodegen implements KernelCodegen<Kernel.Slice> {
    @Override public String units(Kernel.Slice k, KernelEnv env, FunctionWriter f) {
        throw new UnsupportedByNative("Slice kernels are not emitted yet");
    }

    @Override public void body(Kernel.Slice k, KernelEnv env, FunctionWriter f, String from, String to) {
        throw new UnsupportedByNative("Slice kernels are not emitted yet");
    }
}
