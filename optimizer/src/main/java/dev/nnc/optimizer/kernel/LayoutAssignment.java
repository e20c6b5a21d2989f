package dev.nnc.optimizer.kernel;

import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.KernelPass;

/** TODO(issue 4): being written. */
public final class LayoutAssignment implements KernelPass {
    @Override public String name() { return "layout"; }

    @Override public String description() { return "layout"; }

    @Override public KernelProgram run(KernelProgram in) { return in; }
}
