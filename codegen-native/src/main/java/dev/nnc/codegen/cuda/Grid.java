package dev.nnc.codegen.cuda;

import dev.nnc.ir.Dim;
import java.util.List;
import java.util.Map;

/**
 * How a kernel is launched: {@code extents} (up to three, x first) of work, each covered by
 * blocks that take {@code perBlock} of it, with {@code threads} threads per block. The extents
 * may be symbolic (the batch); the host evaluates them with the symbols of a call and launches
 * {@code ceil(extent / perBlock)} blocks along each axis.
 */
public record Grid(List<Dim> extents, List<Integer> perBlock, int threads) {
    /** Threads per block of the one-thread-per-element kernels. */
    public static final int ELEMENT_THREADS = 256;
    /** CUDA's limits on the grid: x up to 2^31-1 blocks, y and z up to 65535. */
    static final long MAX_X = Integer.MAX_VALUE, MAX_YZ = 65535;

    public Grid {
        extents = List.copyOf(extents);
        perBlock = List.copyOf(perBlock);
        if (extents.isEmpty() || extents.size() > 3 || extents.size() != perBlock.size()) {
            throw new IllegalArgumentException("a grid has 1 to 3 extents, each with its share per block: " + extents + " " + perBlock);
        }
        if (threads < 32 || threads > 1024 || threads % 32 != 0) throw new IllegalArgumentException("threads per block: " + threads);
    }

    /** One thread per element of {@code count} elements. */
    public static Grid perElement(Dim count) {
        return new Grid(List.of(count), List.of(ELEMENT_THREADS), ELEMENT_THREADS);
    }

    /** One block of {@code threads} threads per row. */
    public static Grid perRow(Dim rows, int threads) {
        return new Grid(List.of(rows), List.of(1), threads);
    }

    /** Blocks along x, y and z for these symbol values (1 for an axis the grid does not use; 0 when there is no work). */
    public long[] blocks(Map<String, Long> symbols) {
        long[] b = {1, 1, 1};
        for (int i = 0; i < extents.size(); i++) {
            long extent = extents.get(i).eval(symbols);
            b[i] = (extent + perBlock.get(i) - 1) / perBlock.get(i);
        }
        if (b[0] > MAX_X || b[1] > MAX_YZ || b[2] > MAX_YZ) {
            throw new IllegalArgumentException("the kernel needs a grid of " + b[0] + " x " + b[1] + " x " + b[2]
                    + " blocks, beyond CUDA's limit of " + MAX_X + " x " + MAX_YZ + " x " + MAX_YZ + " (a smaller batch fits)");
        }
        return b;
    }

    /** True when some axis has no work, so the launch is skipped. */
    public static boolean empty(long[] blocks) {
        return blocks[0] == 0 || blocks[1] == 0 || blocks[2] == 0;
    }
}
