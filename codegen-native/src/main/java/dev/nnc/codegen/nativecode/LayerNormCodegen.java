package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/** Placeholder until the LayerNorm emitter lands. */
final class LayerNormCodegen implements KernelCodegen<Kernel.LayerNorm> {
    @Override public String units(Kernel.LayerNorm k, KernelEnv env, FunctionWriter f) {
        throw new UnsupportedByNative("LayerNorm kernels are not emitted yet");
    }

    @Override public void body(Kernel.LayerNorm k, KernelEnv env, FunctionWriter f, String from, String to) {
        throw new UnsupportedByNative("LayerNorm kernels are not emitted yet");
    }
}
