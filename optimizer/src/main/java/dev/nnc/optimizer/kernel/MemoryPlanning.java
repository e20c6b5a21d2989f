package dev.nnc.optimizer.kernel;

import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.KernelPass;

/** TODO(issue 4): being written. */
public final class MemoryPlanning implements KernelPass {
    @Override public String name() { return "plan-memory"; }

    @Override public String description() { return "plan-memory"; }

    @Override public KernelProgram run(KernelProgram in) { return in; }
}
