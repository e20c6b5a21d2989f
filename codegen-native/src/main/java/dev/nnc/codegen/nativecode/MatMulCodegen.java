package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/** Placeholder until the MatMul emitter lands. */
final class MatMulCodegen implements KernelCodegen<Kernel.MatMul> {
    @Override public String units(Kernel.MatMul k, KernelEnv env, FunctionWriter f) {
        throw new UnsupportedByNative("MatMul kernels are not emitted yet");
    }

    @Override public void body(Kernel.MatMul k, KernelEnv env, FunctionWriter f, String from, String to) {
        throw new UnsupportedByNative("MatMul kernels are not emitted yet");
    }
}
