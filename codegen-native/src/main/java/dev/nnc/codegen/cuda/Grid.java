package dev.nnc.codegen.cuda;

import dev.nnc.ir.Dim;
import dev.nnc.runtime.cuda.KernelLaunch;
import java.util.List;
import java.util.Map;

/**
 * How a kernel is launched: {@code extents} (up to three, x first) of work, each covered by
 * blocks that take {@code perBlock} of it, with {@code threads} threads per block. The extents
 * may be symbolic (the batch); the host ({@link KernelLaunch}) evaluates them with the symbols of
 * a call and launches {@code ceil(extent / perBlock)} blocks along each axis.
 */
public record Grid(List<Dim> extents, List<Integer> perBlock, int threads) {
    /** Threads per block of the one-thread-per-element kernels. */
    public static final int ELEMENT_THREADS = 256;

    public Grid {
        extents = List.copyOf(extents);
        perBlock = List.copyOf(perBlock);
        new KernelLaunch("grid", threads, text(extents), perBlock);   // checks the extents and the threads
    }

    /** One thread per element of {@code count} elements. */
    public static Grid perElement(Dim count) {
        return new Grid(List.of(count), List.of(ELEMENT_THREADS), ELEMENT_THREADS);
    }

    /** One block of {@code threads} threads per row. */
    public static Grid perRow(Dim rows, int threads) {
        return new Grid(List.of(rows), List.of(1), threads);
    }

    /** The launch as the runtime's CUDA host evaluates it, the extents as dim text. */
    public KernelLaunch launch(String symbol) {
        return new KernelLaunch(symbol, threads, text(extents), perBlock);
    }

    private static List<String> text(List<Dim> dims) { return dims.stream().map(Dim::toString).toList(); }

    /** Blocks along x, y and z for these symbol values (1 for an axis the grid does not use; 0 when there is no work). */
    public long[] blocks(Map<String, Long> symbols) {
        return launch("grid").blocks(symbols);
    }
}
