package dev.nnc.optimizer.kernel;

import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.KernelPass;

/** TODO(issue 4): being written. */
public final class ElementwiseFusion implements KernelPass {
    @Override public String name() { return "fuse-elementwise"; }

    @Override public String description() { return "fuse-elementwise"; }

    @Override public KernelProgram run(KernelProgram in) { return in; }
}
