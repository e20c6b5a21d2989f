package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/** Placeholder until the Transpose emitter lands. */
final class TransposeCodegen implements KernelCodegen<Kernel.Transpose> {
    @Override public String units(Kernel.Transpose k, KernelEnv env, FunctionWriter f) {
        throw new UnsupportedByNative("Transpose kernels are not emitted yet");
    }

    @Override public void body(Kernel.Transpose k, KernelEnv env, FunctionWriter f, String from, String to) {
        throw new UnsupportedByNative("Transpose kernels are not emitted yet");
    }
}
