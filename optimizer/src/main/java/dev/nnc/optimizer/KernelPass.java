package dev.nnc.optimizer;

import dev.nnc.ir.kernel.KernelProgram;

/**
 * A pass over the kernel IR. It returns an equivalent program (same inputs, weights and
 * outputs), or the same program when nothing applied. The result must pass
 * {@link dev.nnc.ir.kernel.KernelVerifier}.
 */
public non-sealed interface KernelPass extends Pass {
    KernelProgram run(KernelProgram program);
}
