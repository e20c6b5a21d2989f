package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A steady-state kernel call allocates nothing on the calling thread, also when it splits its
 * work over the pool: every input below is above the kernel's parallel threshold and large
 * enough for at least two blocks at two threads. What the workers allocate is not counted.
 */
class ParallelAllocationTest {
    private static final int WARMUP = 2_000;
    private static final int MEASURED = 20;
    private static final long LIMIT_BYTES = 256;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final int savedThreads = Parallel.threads();

    @BeforeEach
    void twoThreads() {
        Parallel.setThreads(2);
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "maxPool", "avgPool", "softmaxRows", "softmaxColumns", "layerNorm", "reduceRows", "reduceColumns", "concat",
        "gather", "slice", "transposeCopyRows", "transposeTiles", "transposeGatherRows", "copy", "fill"})
    void steadyStateCallAllocatesNothingOnTheCaller(String kernel) {
        assertTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled(),
                "thread allocation accounting is off");
        Runnable call = call(kernel).get();
        for (int i = 0; i < WARMUP; i++) {
            call.run();
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < MEASURED; i++) {
            call.run();
        }
        long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("%s: %d bytes in %d calls (%.1f per call)%n", kernel, bytes, MEASURED, (double) bytes / MEASURED);
        assertTrue(bytes < LIMIT_BYTES, kernel + " allocated " + bytes + " bytes in " + MEASURED + " calls");
    }

    /** One kernel call on inputs just above its parallel threshold, allocated once up front. */
    private static Supplier<Runnable> call(String kernel) {
        return switch (kernel) {
            case "maxPool" -> () -> {
                float[] x = random(16 * 64 * 64);
                float[] out = new float[16 * 32 * 32];
                return () -> Pool2d.maxPool(x, 0, 1, 16, 64, 64, 2, 2, 2, 2, 0, 0, 0, 0, out, 0, 32, 32);
            };
            case "avgPool" -> () -> {
                float[] x = random(16 * 64 * 64);
                float[] out = new float[16 * 64 * 64];
                return () -> Pool2d.avgPool(x, 0, 1, 16, 64, 64, 3, 3, 1, 1, 1, 1, 1, 1, false, out, 0, 64, 64);
            };
            case "softmaxRows" -> () -> {
                float[] x = random(256 * 256);
                float[] out = new float[x.length];
                return () -> Softmax.softmax(x, 0, out, 0, 256, 256, 1, false);
            };
            case "softmaxColumns" -> () -> {
                float[] x = random(4 * 64 * 512);
                float[] out = new float[x.length];
                return () -> Softmax.softmax(x, 0, out, 0, 4, 64, 512, true);
            };
            case "layerNorm" -> () -> {
                float[] x = random(256 * 256);
                float[] gamma = random(256);
                float[] beta = random(256);
                float[] out = new float[x.length];
                // Scalar path: warming the vector path here changes which JIT tier LayerNormTest's
                // thread-agreement check runs in, and the vector lane reduction is not bit-identical
                // across tiers. The parallel split (what this test is about) is the same job either way.
                return () -> LayerNorm.layerNorm(x, 0, gamma, 0, beta, 0, out, 0, 256, 256, 1e-5f, false);
            };
            case "reduceRows" -> () -> {
                float[] x = random(256 * 256);
                float[] out = new float[256];
                return () -> Reduce.reduce(Reduce.SUM, x, 0, out, 0, 256, 256, 1);
            };
            case "reduceColumns" -> () -> {
                float[] x = random(4 * 16 * 2048);
                float[] out = new float[4 * 2048];
                return () -> Reduce.reduce(Reduce.MAX, x, 0, out, 0, 4, 16, 2048);
            };
            case "concat" -> () -> {
                float[][] xs = {random(256 * 128), random(256 * 128)};
                int[] offs = {0, 0};
                int[] lens = {128, 128};
                float[] out = new float[256 * 256];
                return () -> Concat.concat(xs, offs, lens, 2, 256, 1, out, 0);
            };
            case "gather" -> () -> {
                float[] data = random(512 * 256);
                long[] idx = new long[256];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = (i * 7L) % 512 - (i % 2 == 0 ? 0 : 512);
                }
                float[] out = new float[256 * 256];
                return () -> Gather.gather(data, 0, 1, 512, 256, idx, 0, 256, out, 0);
            };
            case "slice" -> () -> {
                float[] x = random(514 * 256);
                int[] shape = {514, 256};
                int[] starts = {1, 0};
                int[] steps = {2, 1};
                int[] outShape = {256, 256};
                float[] out = new float[256 * 256];
                return () -> Slice.slice(x, 0, shape, starts, steps, outShape, out, 0);
            };
            case "transposeCopyRows" -> transpose(new int[] {16, 64, 64}, new int[] {1, 0, 2});
            case "transposeTiles" -> transpose(new int[] {256, 256}, new int[] {1, 0});
            case "transposeGatherRows" -> transpose(new int[] {16, 64, 64}, new int[] {2, 1, 0});
            case "copy" -> () -> {
                float[] x = random(Elementwise.PARALLEL_MIN);
                float[] out = new float[x.length];
                return () -> Elementwise.copy(x, 0, out, 0, x.length);
            };
            case "fill" -> () -> {
                float[] out = new float[Elementwise.PARALLEL_MIN];
                return () -> Elementwise.fill(out, 0, out.length, 0.5f);
            };
            default -> throw new IllegalArgumentException(kernel);
        };
    }

    private static Supplier<Runnable> transpose(int[] shape, int[] perm) {
        return () -> {
            float[] x = random(shape[0] * shape[1] * (shape.length > 2 ? shape[2] : 1));
            float[] out = new float[x.length];
            return () -> Transpose.transpose(x, 0, shape, perm, out, 0);
        };
    }

    private static float[] random(int n) {
        java.util.Random random = new java.util.Random(n);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextFloat() * 2 - 1;
        }
        return a;
    }
}
