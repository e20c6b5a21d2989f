package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2, 3})
    void forRangeRunsEveryIndexOnce(int threads) {
        Parallel.setThreads(threads);
        for (int count : new int[] {0, 1, 2, 5, 1000}) {
            AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(count, 1));
            assertTimeoutPreemptively(LIMIT, () -> Parallel.forRange(count, hits::incrementAndGet));
            for (int i = 0; i < count; i++) {
                assertEquals(1, hits.get(i), "index " + i + " of " + count);
            }
        }
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2, 3})
    void forBlocksSplitsIntoContiguousRangesOfAtLeastTheGrain(int threads) {
        Parallel.setThreads(threads);
        for (int[] cg : new int[][] {{0, 1}, {1, 1}, {7, 10}, {10, 3}, {1000, 1}, {1000, 400}, {5, 0}}) {
            int count = cg[0];
            int grain = cg[1];
            List<int[]> ranges = java.util.Collections.synchronizedList(new ArrayList<>());
            assertTimeoutPreemptively(LIMIT, () -> Parallel.forBlocks(count, grain, (from, to) -> ranges.add(new int[] {from, to})));
            if (count == 0) {
                assertTrue(ranges.isEmpty());
                continue;
            }
            ranges.sort((x, y) -> Integer.compare(x[0], y[0]));
            assertTrue(ranges.size() <= threads, ranges.size() + " ranges for " + threads + " threads");
            int next = 0;
            for (int[] r : ranges) {
                assertEquals(next, r[0], "ranges are contiguous");
                assertTrue(r[1] > r[0]);
                if (ranges.size() > 1) {
                    assertTrue(r[1] - r[0] >= grain, "range " + r[0] + ".." + r[1] + " shorter than grain " + grain);
                }
                next = r[1];
            }
            assertEquals(count, next);
        }
    }

    @Test
    void oneThreadRunsInlineOnTheCaller() {
        Parallel.setThreads(1);
        Thread caller = Thread.currentThread();
        Parallel.forRange(10, i -> assertSame(caller, Thread.currentThread()));
        Parallel.forBlocks(10, 1, (from, to) -> assertSame(caller, Thread.currentThread()));
        Parallel.setThreads(0);
        assertEquals(1, Parallel.threads());
    }

    @Test
    void twoThreadsUseTheCallerAndAWorker() {
        Parallel.setThreads(2);
        // Tasks that wait for each other can only finish if two threads run them at once.
        var seen = ConcurrentHashMap.<Thread>newKeySet();
        java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(2);
        assertTimeoutPreemptively(LIMIT, () -> Parallel.forRange(2, i -> {
            seen.add(Thread.currentThread());
            try {
                barrier.await();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }));
        assertEquals(2, seen.size());
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2})
    void nestedCallsRunInlineWithoutDeadlock(int threads) {
        Parallel.setThreads(threads);
        AtomicInteger total = new AtomicInteger();
        assertTimeoutPreemptively(LIMIT, () -> Parallel.forRange(8, i ->
                Parallel.forRange(8, j -> Parallel.forBlocks(10, 1, (from, to) -> total.addAndGet(to - from)))));
        assertEquals(8 * 8 * 10, total.get());
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2})
    void exceptionsReachTheCallerAndThePoolKeepsWorking(int threads) {
        Parallel.setThreads(threads);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Parallel.forRange(100, i -> {
            if (i == 37) {
                throw new IllegalStateException("task 37");
            }
        }));
        assertEquals("task 37", thrown.getMessage());
        assertThrows(AssertionError.class, () -> Parallel.forBlocks(100, 1, (from, to) -> {
            throw new AssertionError("block");
        }));
        AtomicInteger ran = new AtomicInteger();
        Parallel.forRange(100, i -> ran.incrementAndGet());
        assertEquals(100, ran.get());
    }

    @Test
    void concurrentCallersBothComplete() throws Exception {
        Parallel.setThreads(2);
        AtomicInteger total = new AtomicInteger();
        Runnable job = () -> {
            for (int r = 0; r < 200; r++) {
                Parallel.forRange(50, i -> total.incrementAndGet());
            }
        };
        assertTimeoutPreemptively(LIMIT, () -> {
            Thread other = new Thread(job);
            other.start();
            job.run();
            other.join();
        });
        assertEquals(2 * 200 * 50, total.get());
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {2, 3})
    void consecutiveJobsOfDifferentSizesNeverMixTheirTasks(int threads) {
        // Workers that wake late for a job must not run a task of the next one (or run one twice),
        // and the caller must not wait for them: a lost or doubled completion would hang here.
        Parallel.setThreads(threads);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int r = 0; r < 200_000; r++) {
                int count = 1 + rng.nextInt(7);
                AtomicIntegerArray hits = new AtomicIntegerArray(count);
                Parallel.forRange(count, hits::incrementAndGet);
                for (int i = 0; i < count; i++) {
                    assertEquals(1, hits.get(i), "job " + r + ", index " + i + " of " + count);
                }
            }
        });
    }

    @Test
    void manySmallJobsInARow() {
        Parallel.setThreads(2);
        long[] sums = new long[1];
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int r = 0; r < 20_000; r++) {
                AtomicInteger s = new AtomicInteger();
                Parallel.forRange(3, i -> s.addAndGet(i + 1));
                sums[0] += s.get();
            }
        });
        assertEquals(20_000L * 6, sums[0]);
    }
}
