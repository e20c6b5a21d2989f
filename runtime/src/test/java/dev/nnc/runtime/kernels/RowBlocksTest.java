package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RowBlocksTest {

    @Test
    void bertRowsSplitEvenlyOverTwoThreads() {
        // 8 sequences of 128 tokens, k = 768: the deepest block is 80 rows (13 blocks, 7 + 6).
        assertEquals(64, RowBlocks.rows(1024, 80, 8, 8, 2));
        assertEquals(512, RowBlocks.busiestThreadRows(1024, 64, 2));
        assertEquals(544, RowBlocks.busiestThreadRows(1024, 80, 2));
    }

    @Test
    void oneThreadTakesTheDeepestBlock() {
        assertEquals(80, RowBlocks.rows(1024, 80, 1, 8, 1));
        assertEquals(16, RowBlocks.rows(128, 80, 8, 8, 1));
    }

    @Test
    void smallProductsKeepAtLeastTheWantedBlocks() {
        assertEquals(16, RowBlocks.rows(128, 80, 8, 8, 2));
        assertEquals(8, RowBlocks.rows(49, 80, 8, 8, 2));
        assertEquals(8, RowBlocks.rows(3, 80, 8, 8, 2));
    }

    @Test
    void busiestThreadMatchesDealingBlocksOut() {
        SplittableRandom rng = new SplittableRandom(6);
        for (int trial = 0; trial < 2000; trial++) {
            int m = 1 + rng.nextInt(3000), rows = 8 * (1 + rng.nextInt(16)), threads = 1 + rng.nextInt(4);
            long[] perThread = new long[threads];
            for (int b = 0, start = 0; start < m; b++, start += rows) {
                perThread[b % threads] += Math.min(rows, m - start);
            }
            long busiest = 0;
            for (long r : perThread) busiest = Math.max(busiest, r);
            assertEquals(busiest, RowBlocks.busiestThreadRows(m, rows, threads), m + " rows in blocks of " + rows + " on " + threads);
        }
    }

    @Test
    void blocksAreWholeMicroKernelRowsWithinTheLimit() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 2000; trial++) {
            int m = 1 + rng.nextInt(5000), max = 8 * (1 + rng.nextInt(16)), threads = 1 + rng.nextInt(4);
            int rows = RowBlocks.rows(m, max, 4 * threads, 8, threads);
            assertTrue(rows % 8 == 0 && rows >= 8 && rows <= max, m + " rows, max " + max + ": " + rows);
            int deepest = RowBlocks.rows(m, max, 4 * threads, 8, 1);
            assertTrue(RowBlocks.busiestThreadRows(m, rows, threads) <= RowBlocks.busiestThreadRows(m, deepest, threads));
        }
    }
}
