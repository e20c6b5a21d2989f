package dev.nnc.optimizer.kernel;

import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.KernelPass;

/** TODO(issue 4): being written. */
public final class MatMulTransposeFolding implements KernelPass {
    @Override public String name() { return "fold-transposes"; }

    @Override public String description() { return "fold-transposes"; }

    @Override public KernelProgram run(KernelProgram in) { return in; }
}
