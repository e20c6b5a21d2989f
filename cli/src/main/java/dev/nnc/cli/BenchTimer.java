package dev.nnc.cli;

import java.util.Arrays;

/**
 * Times a call the way {@code nnc bench} reports it: a warm-up of at least {@code warmupNanos}
 * (the JIT compiles the hot code, caches and thread pools warm up), then timed runs of the
 * same number of calls each, enough calls that a run lasts at least {@code minRunNanos} so
 * that microsecond models are not measured at the clock's resolution. Per-call latency is a
 * run's time over its calls; the median, minimum and 90th percentile are over the runs.
 */
final class BenchTimer {
    /** Per-call latencies in nanoseconds over {@code runs} runs of {@code callsPerRun} calls, after {@code warmupCalls}. */
    record Timing(double medianNanos, double minNanos, double p90Nanos, int runs, int callsPerRun, long warmupCalls) {}

    /** The fewest warm-up calls, however slow. */
    static final int MIN_WARMUP_CALLS = 3;

    private BenchTimer() {}

    static Timing time(Runnable call, long warmupNanos, int runs, long minRunNanos) {
        long start = System.nanoTime(), now = start, calls = 0, lastStart = start;
        long lastCalls = 0;
        while (calls < MIN_WARMUP_CALLS || now - start < warmupNanos) {
            // The latest tenth of the warm-up gives the speed the timed runs are sized by.
            if (now - lastStart > Math.max(warmupNanos / 10, 1)) {
                lastStart = now;
                lastCalls = calls;
            }
            call.run();
            calls++;
            now = System.nanoTime();
        }
        long perCall = Math.max(1, (now - lastStart) / Math.max(1, calls - lastCalls));
        int callsPerRun = (int) Math.clamp((minRunNanos + perCall - 1) / perCall, 1, 10_000_000);
        double[] perCallNanos = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t = System.nanoTime();
            for (int c = 0; c < callsPerRun; c++) call.run();
            perCallNanos[r] = (double) (System.nanoTime() - t) / callsPerRun;
        }
        Arrays.sort(perCallNanos);
        return new Timing(percentile(perCallNanos, 0.5), perCallNanos[0], percentile(perCallNanos, 0.9), runs, callsPerRun, calls);
    }

    /** Linear interpolation between the closest ranks of a sorted array. */
    static double percentile(double[] sorted, double q) {
        double rank = q * (sorted.length - 1);
        int lo = (int) Math.floor(rank), hi = (int) Math.ceil(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}
