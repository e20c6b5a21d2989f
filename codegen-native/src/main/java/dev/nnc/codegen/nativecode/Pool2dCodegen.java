package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/** Placeholder until the Pool2d emitter lands. */
final class Pool2dCodegen implements KernelCodegen<Kernel.Pool2d> {
    @Override public String units(Kernel.Pool2d k, KernelEnv env, FunctionWriter f) {
        throw new UnsupportedByNative("Pool2d kernels are not emitted yet");
    }

    @Override public void body(Kernel.Pool2d k, KernelEnv env, FunctionWriter f, String from, String to) {
        throw new UnsupportedByNative("Pool2d kernels are not emitted yet");
    }
}
