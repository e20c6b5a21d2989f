package dev.nnc.optimizer.report;

import dev.nnc.ir.Graph;
import dev.nnc.ir.Node;
import dev.nnc.ir.Op;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Space;
import java.util.HashMap;
import java.util.Map;

/**
 * What {@code nnc --stats} reports about one model, sizes evaluated with every symbolic dim
 * bound to one batch size:
 *
 * <ul>
 *   <li>{@code ops}: graph ops before optimization (every node but inputs, parameters and constants);
 *   <li>{@code kernels}: run-time kernels after optimization (load-time {@code prepare} kernels not counted);
 *   <li>{@code arenaBytes}: the optimized program's arena size × 4 bytes;
 *   <li>{@code naiveBytes}: the unplanned footprint of the intermediates: the size of every
 *       distinct arena storage of the one-kernel-per-op lowering ({@code Lowering.lower} of the
 *       unoptimized graph), summed, × 4 bytes; views of one storage count once, at their
 *       largest; outputs, inputs and weights are not included;
 *   <li>{@code weightBytes}: the parameter tensors' sizes in bytes of their element types;
 *   <li>{@code flops}: per batch element, {@link FlopCounter} over the naive program (so that
 *       fusion does not change it) divided by the batch size.
 * </ul>
 */
public record ModelStats(long ops, long kernels, long arenaBytes, long naiveBytes, long weightBytes, long flops) {

    /** Bytes per arena element: kernels compute in f32. */
    static final int ELEMENT_BYTES = 4;

    /**
     * @param unoptimized the graph as the frontend produced it
     * @param naive       {@code Lowering.lower(unoptimized)}, i.e. the {@code -O0} program
     * @param optimized   the program the chosen pipeline produced
     * @param batch       the value every symbolic dim takes (at least 1)
     */
    public static ModelStats of(Graph unoptimized, KernelProgram naive, KernelProgram optimized, long batch) {
        if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        long ops = unoptimized.nodes().stream()
                .filter(n -> n.op() != Op.INPUT && n.op() != Op.PARAM && n.op() != Op.CONSTANT).count();
        long weights = 0;
        for (Node p : unoptimized.params()) weights += Sizes.numel(p.type(), batch) * p.type().dtype().byteSize();
        return new ModelStats(ops, optimized.kernels().size(),
                Sizes.eval(optimized.arenaSize(), batch) * ELEMENT_BYTES,
                naiveArenaElements(naive, batch) * ELEMENT_BYTES, weights,
                FlopCounter.count(naive, batch) / batch);
    }

    /** Arena bytes over naive bytes: how much memory planning saved (lower is better); 0 when nothing is naive. */
    public double arenaRatio() { return naiveBytes == 0 ? 0 : (double) arenaBytes / naiveBytes; }

    /** Run-time kernels per graph op: how much fusion saved (lower is better). */
    public double kernelRatio() { return ops == 0 ? 0 : (double) kernels / ops; }

    private static long naiveArenaElements(KernelProgram p, long batch) {
        Map<String, Long> storages = new HashMap<>();
        for (Kernel k : p.kernels()) {
            note(storages, k.out(), batch);
            for (Buf b : k.ins()) note(storages, b, batch);
        }
        return storages.values().stream().mapToLong(Long::longValue).sum();
    }

    private static void note(Map<String, Long> storages, Buf b, long batch) {
        if (b.space() != Space.ARENA) return;
        storages.merge(b.name() + "@" + b.offset(), Sizes.numel(b.type(), batch), Math::max);
    }
}
