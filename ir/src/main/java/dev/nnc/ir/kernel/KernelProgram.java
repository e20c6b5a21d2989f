package dev.nnc.ir.kernel;

import dev.nnc.ir.Dim;
import java.util.List;

/**
 * A model lowered for a backend: its inputs, weights and outputs, the size of the one scratch
 * arena (in elements; symbolic when it depends on the batch), and the kernels in execution
 * order. {@code prepare} kernels run once when the weights are loaded: they compute the
 * {@code derived} weights (folded batch norms, constants) from the weights and each other,
 * and the run-time kernels read derived weights like any weight.
 */
public record KernelProgram(String name, List<Buf> inputs, List<Buf> weights, List<Buf> derived, List<Buf> outputs,
                            Dim arenaSize, List<Kernel> prepare, List<Kernel> kernels) {
    public KernelProgram {
        inputs = List.copyOf(inputs);
        weights = List.copyOf(weights);
        derived = List.copyOf(derived);
        outputs = List.copyOf(outputs);
        prepare = List.copyOf(prepare);
        kernels = List.copyOf(kernels);
    }

    /** A program without load-time work. */
    public KernelProgram(String name, List<Buf> inputs, List<Buf> weights, List<Buf> outputs, Dim arenaSize,
                         List<Kernel> kernels) {
        this(name, inputs, weights, List.of(), outputs, arenaSize, List.of(), kernels);
    }

    /** The same program with other run-time kernels and arena size. */
    public KernelProgram withKernels(List<Kernel> newKernels, Dim newArenaSize) {
        return new KernelProgram(name, inputs, weights, derived, outputs, newArenaSize, prepare, newKernels);
    }
}
