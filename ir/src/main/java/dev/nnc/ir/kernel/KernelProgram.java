package dev.nnc.ir.kernel;

import dev.nnc.ir.Dim;
import java.util.List;

/**
 * A model lowered for a backend: its inputs, weights and outputs, the size of the one scratch
 * arena (in elements; symbolic when it depends on the batch), and the kernels in execution order.
 */
public record KernelProgram(String name, List<Buf> inputs, List<Buf> weights, List<Buf> outputs, Dim arenaSize,
                            List<Kernel> kernels) {
    public KernelProgram {
        inputs = List.copyOf(inputs);
        weights = List.copyOf(weights);
        outputs = List.copyOf(outputs);
        kernels = List.copyOf(kernels);
    }
}
