package dev.nnc.runtime.cuda;

import dev.nnc.runtime.DimArithmetic;
import java.util.List;
import java.util.Map;

/**
 * How one kernel is launched: {@code extents} (up to three, x first; dim expressions such as
 * {@code B*784}) of work, each covered by blocks that take {@code perBlock} of it, with
 * {@code threads} threads per block. The host evaluates the extents with the symbols of a call
 * and launches {@code ceil(extent / perBlock)} blocks along each axis.
 */
public record KernelLaunch(String symbol, int threads, List<String> extents, List<Integer> perBlock) {
    /** CUDA's limits on the grid: x up to 2^31-1 blocks, y and z up to 65535. */
    static final long MAX_X = Integer.MAX_VALUE, MAX_YZ = 65535;

    public KernelLaunch {
        extents = List.copyOf(extents);
        perBlock = List.copyOf(perBlock);
        if (extents.isEmpty() || extents.size() > 3 || extents.size() != perBlock.size()) {
            throw new IllegalArgumentException("a grid has 1 to 3 extents, each with its share per block: " + extents + " " + perBlock);
        }
        if (threads < 32 || threads > 1024 || threads % 32 != 0) throw new IllegalArgumentException("threads per block: " + threads);
    }

    /** Blocks along x, y and z for these symbol values (1 for an axis the grid does not use; 0 when there is no work). */
    public long[] blocks(Map<String, Long> symbols) {
        long[] b = {1, 1, 1};
        for (int i = 0; i < extents.size(); i++) {
            long extent = DimArithmetic.evalLong(extents.get(i), symbols);
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
