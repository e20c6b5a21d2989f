package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/**
 * Slice with starts and steps per dim, as the canonical {@link StridedCopy}: dims taken whole
 * merge into longer rows, rows with step 1 are {@code llvm.memcpy} copies, rows with a larger
 * step an element loop. A unit is a row (or a chunk of a long one).
 */
final class SliceCodegen implements KernelCodegen<Kernel.Slice> {
    @Override
    public String units(Kernel.Slice k, KernelEnv env, FunctionWriter f) {
        return StridedCopy.of(k).canonical().rowUnits(env, f);
    }

    @Override
    public void body(Kernel.Slice k, KernelEnv env, FunctionWriter f, String from, String to) {
        StridedCopy.of(k).canonical().copyRows(env, f, env.ptr(f, k.x()), env.ptr(f, k.out()), from, to);
    }
}
