package dev.nnc.optimizer.kernel;

import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.Kernel.Conv2d;
import dev.nnc.ir.kernel.Kernel.Pool2d;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.KernelPass;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuses a max pooling into the channels-last convolution that feeds it, so that the
 * convolution's output is never stored: the backends compute a band of convolution rows into
 * per-thread scratch (it stays in cache) and pool it there. The typical Keras block
 * {@code conv2d |> relu |> max_pool(2)} becomes one kernel; on catsdogs_cnn at batch 32 the
 * three poolings read 140 MB from memory on their own.
 *
 * <p>Fused when: the pooling is max, NHWC, without padding, its stride equals its window (the
 * windows do not overlap, so each convolution output is computed once); the convolution is
 * NHWC, ungrouped, with at most a ReLU as epilogue (max and ReLU commute, but the pass keeps the order:
 * epilogue, then max), x's height and width and the kernel's are numbers, and its output is
 * an arena intermediate that only it writes and only the pooling reads, as a whole.
 * Convolution rows and columns past the last whole window are then not computed at all.
 */
public final class ConvPoolFusion implements KernelPass {
    @Override public String name() { return "fuse-conv-pool"; }

    @Override public String description() {
        return "compute a max pooling inside the channels-last convolution before it, which then never stores its output";
    }

    @Override public KernelProgram run(KernelProgram in) {
        List<Kernel> kernels = new ArrayList<>(in.kernels());
        boolean changed = false;
        BufUses uses = new BufUses(kernels);
        for (int ci = kernels.size() - 1; ci >= 0; ci--) {
            if (!(kernels.get(ci) instanceof Conv2d c) || !fusable(c)) continue;
            if (!uses.producedOnlyBy(c.out(), ci)) continue;
            List<BufUses.Read> reads = uses.reads(c.out());
            if (reads.size() != 1 || reads.getFirst().kernel() <= ci) continue;
            int pi = reads.getFirst().kernel();
            if (!(kernels.get(pi) instanceof Pool2d p) || !fusable(p) || !p.x().equals(c.out())) continue;
            if (c.convHeight() < p.kernel().get(0) || c.convWidth() < p.kernel().get(1)) continue;
            kernels.set(pi, new Conv2d(p.out(), c.x(), c.weight(), c.bias(), c.stride(), c.padding(), c.dilation(),
                    c.groups(), c.layout(), c.inputLayout(), c.epilogue(), p.kernel()));
            kernels.remove(ci);
            changed = true;
            // Indices at and after ci moved; those before it (still to visit) did not.
            uses = new BufUses(kernels);
        }
        return changed ? in.withKernels(kernels, in.arenaSize()) : in;
    }

    private static boolean fusable(Conv2d c) {
        if (c.pooled() || c.layout() != Kernel.Layout.NHWC || c.groups() != 1) return false;
        if (!c.epilogue().isNone() && !c.epilogue().isRelu()) return false;
        var x = c.x().type().shape();
        var w = c.weight().type().shape();
        int h = c.inputLayout() == Kernel.Layout.NHWC ? 1 : 2;
        return x.dim(h).isKnown() && x.dim(h + 1).isKnown() && w.dim(2).isKnown() && w.dim(3).isKnown();
    }

    private static boolean fusable(Pool2d p) {
        return p.kind() == Kernel.PoolKind.MAX && p.layout() == Kernel.Layout.NHWC
                && p.padding().stream().allMatch(v -> v == 0) && p.kernel().equals(p.stride());
    }
}
