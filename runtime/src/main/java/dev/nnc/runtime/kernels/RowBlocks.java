package dev.nnc.runtime.kernels;

/**
 * How many rows of C each task of a GEMM-shaped kernel computes. Tasks are whole blocks of rows
 * (a multiple of the micro-kernel's rows); on several threads the block is chosen so that the
 * blocks split evenly: 1024 rows in blocks of 80 are 13 tasks, 7 on one of two threads (544 rows)
 * and 6 on the other (480), in blocks of 64 they are 16 (512 rows each).
 */
final class RowBlocks {
    private RowBlocks() {}

    /**
     * Rows per block for {@code m} rows: at most {@code maxRows}, small enough for at least
     * {@code minBlocks} blocks when m allows, a multiple of {@code mr}; with several threads the
     * block whose busiest thread gets the fewest rows, the largest such (fewer passes over B).
     */
    static int rows(int m, int maxRows, int minBlocks, int mr, int threads) {
        int groups = (m + mr - 1) / mr;
        int blocks = Math.max((m + maxRows - 1) / maxRows, Math.min(groups, minBlocks));
        int upper = roundUp((m + blocks - 1) / blocks, mr);
        if (threads <= 1) {
            return upper;
        }
        int best = upper;
        long bestLoad = busiestThreadRows(m, upper, threads);
        for (int rows = upper - mr; rows >= mr; rows -= mr) {
            long load = busiestThreadRows(m, rows, threads);
            if (load < bestLoad) {
                best = rows;
                bestLoad = load;
            }
        }
        return best;
    }

    /** Rows the busiest of {@code threads} computes when blocks of {@code rows} are dealt out in turn. */
    static long busiestThreadRows(int m, int rows, int threads) {
        int blocks = (m + rows - 1) / rows;
        int rounds = (blocks + threads - 1) / threads;
        // The first thread gets a block in every round; its last one is partial only if it is the very last block.
        int last = m - (blocks - 1) * rows;
        boolean lastIsFirstThreads = (blocks - 1) % threads == 0;
        return (long) rounds * rows - (lastIsFirstThreads ? rows - last : 0);
    }

    static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
