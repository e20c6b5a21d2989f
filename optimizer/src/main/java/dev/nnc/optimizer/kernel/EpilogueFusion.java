package dev.nnc.optimizer.kernel;

import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.KernelPass;

/** TODO(issue 4): being written. */
public final class EpilogueFusion implements KernelPass {
    @Override public String name() { return "fuse-epilogues"; }

    @Override public String description() { return "fuse-epilogues"; }

    @Override public KernelProgram run(KernelProgram in) { return in; }
}
