package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/** Placeholder until the Elementwise emitter lands. */
final class ElementwiseCodegen implements KernelCodegen<Kernel.Elementwise> {
    @Override public String units(Kernel.Elementwise k, KernelEnv env, FunctionWriter f) {
        throw new UnsupportedByNative("Elementwise kernels are not emitted yet");
    }

    @Override public void body(Kernel.Elementwise k, KernelEnv env, FunctionWriter f, String from, String to) {
        throw new UnsupportedByNative("Elementwise kernels are not emitted yet");
    }
}
