package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/** Placeholder until the Conv2d emitter lands. */
final class Conv2dCodegen implements KernelCodegen<Kernel.Conv2d> {
    @Override public String units(Kernel.Conv2d k, KernelEnv env, FunctionWriter f) {
        throw new UnsupportedByNative("Conv2d kernels are not emitted yet");
    }

    @Override public void body(Kernel.Conv2d k, KernelEnv env, FunctionWriter f, String from, String to) {
        throw new UnsupportedByNative("Conv2d kernels are not emitted yet");
    }
}
