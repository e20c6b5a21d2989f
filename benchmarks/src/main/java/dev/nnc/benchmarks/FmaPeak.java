package dev.nnc.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the machine's FP32 FMA peak through the Vector API: twelve independent FMA chains of
 * the preferred species (enough to cover the FMA latency times the number of FMA pipes), first
 * on one thread, then on every processor at once. Prints the best of five rounds of about half a
 * second each, in GFLOP/s (one FMA = 2 FLOP per lane).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.nnc.benchmarks.FmaPeak}
 */
public final class FmaPeak {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int CHAINS = 12;

    private FmaPeak() {}

    static float chains(long iterations) {
        FloatVector x = FloatVector.broadcast(F, 0.999f);
        FloatVector y = FloatVector.broadcast(F, 1e-4f);
        FloatVector a0 = FloatVector.broadcast(F, 1), a1 = FloatVector.broadcast(F, 2), a2 = FloatVector.broadcast(F, 3),
                a3 = FloatVector.broadcast(F, 4), a4 = FloatVector.broadcast(F, 5), a5 = FloatVector.broadcast(F, 6),
                a6 = FloatVector.broadcast(F, 7), a7 = FloatVector.broadcast(F, 8), a8 = FloatVector.broadcast(F, 9),
                a9 = FloatVector.broadcast(F, 10), a10 = FloatVector.broadcast(F, 11), a11 = FloatVector.broadcast(F, 12);
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
            a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
            a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    /** Best GFLOP/s over {@code rounds} runs of {@code threads} threads started together. */
    static double measure(ExecutorService pool, int threads, long iterations, int rounds) throws Exception {
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            CyclicBarrier start = new CyclicBarrier(threads + 1);
            List<Future<Float>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return chains(iterations);
                }));
            }
            start.await();
            long t0 = System.nanoTime();
            for (Future<Float> f : results) {
                f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, 2.0 * CHAINS * F.length() * iterations * threads / seconds / 1e9);
        }
        return best;
    }

    public static void main(String[] args) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(cores);
        try {
            long iterations = 400_000_000L; // about half a second per round: sustained, not burst, clocks
            // warm up: C2 compiles chains() on every pool thread's path
            measure(pool, cores, iterations / 20, 5);
            double one = measure(pool, 1, iterations, 5);
            double all = measure(pool, cores, iterations, 5);
            System.out.printf("species: %d-bit (%d x f32), %d chains%n", F.vectorBitSize(), F.length(), CHAINS);
            System.out.printf("peak FP32, 1 thread:   %.1f GFLOP/s%n", one);
            System.out.printf("peak FP32, %d threads: %.1f GFLOP/s%n", cores, all);
        } finally {
            pool.shutdown();
        }
    }
}
