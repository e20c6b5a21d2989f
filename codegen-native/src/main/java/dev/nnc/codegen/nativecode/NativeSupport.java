package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.F32Support;
import dev.nnc.ir.kernel.KernelProgram;

/** What the native backend computes in: f32 tensors, with integer tensors only as gather indices given as inputs. */
public final class NativeSupport {
    private NativeSupport() {}

    /** @throws UnsupportedByNative naming the first tensor the backend cannot hold */
    public static void check(KernelProgram p) {
        F32Support.problem(p, "the native backend").ifPresent(why -> {
            throw new UnsupportedByNative(why);
        });
    }
}
