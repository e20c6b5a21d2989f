package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/** Placeholder until the Gather emitter lands. */
final class GatherCodegen implements KernelCodegen<Kernel.Gather> {
    @Override public String units(Kernel.Gather k, KernelEnv env, FunctionWriter f) {
        throw new UnsupportedByNative("Gather kernels are not emitted yet");
    }

    @Override public void body(Kernel.Gather k, KernelEnv env, FunctionWriter f, String from, String to) {
        throw new UnsupportedByNative("Gather kernels are not emitted yet");
    }
}
