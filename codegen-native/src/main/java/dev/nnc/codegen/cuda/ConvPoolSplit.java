package dev.nnc.codegen.cuda;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import java.util.ArrayList;
import java.util.List;

/**
 * Undoes the CPU pipeline's conv + max-pool fusion for the GPU: a pooled convolution becomes
 * the convolution into its own arena slot, past the planned arena, and a max pooling of it.
 * The CUDA convolution is a tiled implicit GEMM whose output tiles do not line up with pooling
 * windows, and on a GPU the extra pass over the intermediate costs little next to a CPU's.
 */
final class ConvPoolSplit {
    private ConvPoolSplit() {}

    static KernelProgram apply(KernelProgram p) {
        if (p.kernels().stream().noneMatch(k -> k instanceof Kernel.Conv2d c && c.pooled())) return p;
        List<Kernel> kernels = new ArrayList<>();
        Dim arena = p.arenaSize();
        int n = 0;
        for (Kernel k : p.kernels()) {
            if (!(k instanceof Kernel.Conv2d c) || !c.pooled()) {
                kernels.add(k);
                continue;
            }
            Shape pooled = c.out().type().shape();
            Shape convShape = Shape.of(pooled.dim(0), Dim.of(c.convHeight()), Dim.of(c.convWidth()), pooled.dim(3));
            Buf conv = Buf.arena("$conv_before_pool" + n++, arena, c.out().type().withShape(convShape));
            arena = arena.plus(convShape.numel());
            kernels.add(new Kernel.Conv2d(conv, c.x(), c.weight(), c.bias(), c.stride(), c.padding(), c.dilation(), c.groups(),
                    c.layout(), c.inputLayout(), c.epilogue()));
            kernels.add(new Kernel.Pool2d(c.out(), conv, Kernel.PoolKind.MAX, c.pool(), c.pool(), List.of(0, 0, 0, 0), false,
                    Kernel.Layout.NHWC));
        }
        return p.withKernels(kernels, arena);
    }
}
