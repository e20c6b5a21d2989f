package dev.nnc.optimizer.kernel;

import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.KernelPass;

/** TODO(issue 4): being written. */
public final class LoadTimeHoisting implements KernelPass {
    @Override public String name() { return "hoist-weights"; }

    @Override public String description() { return "hoist-weights"; }

    @Override public KernelProgram run(KernelProgram in) { return in; }
}
