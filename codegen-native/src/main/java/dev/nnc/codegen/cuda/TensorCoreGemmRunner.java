package dev.nnc.codegen.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.nnc.runtime.cuda.CudaDriver;
import dev.nnc.runtime.cuda.CudaUnavailable;
import dev.nnc.runtime.cuda.GpuDevice;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Runs {@link TensorCoreGemm} on this machine's GPU: products of f16 or bf16 matrices given as
 * their 16-bit patterns, and timings of the kernel alone (CUDA events). For the GEMM benchmark
 * and the GPU tests of the tensor-core path.
 */
public final class TensorCoreGemmRunner implements AutoCloseable {
    private final TensorCoreGemm.Precision precision;
    private final GpuDevice device;

    /** @throws CudaUnavailable without a CUDA device, or with one too old for {@code target} */
    public TensorCoreGemmRunner(CudaTarget target, TensorCoreGemm.Precision precision) {
        this.precision = precision;
        CudaDriver driver = CudaDriver.open();
        try {
            driver.requireArchitecture(target.sm(), target.gpu());
            device = new GpuDevice(driver, TensorCoreGemm.ptx(target, precision), List.of(TensorCoreGemm.symbol(precision)));
        } catch (RuntimeException e) {
            driver.close();
            throw e;
        }
    }

    /** {@code a[m, k] @ b[k, n]} (16-bit patterns, row-major) in f32. */
    public float[] multiply(short[] a, short[] b, int m, int n, int k) {
        long[] blocks = TensorCoreGemm.grid(m, n, k);
        long da = device.allocate(2L * a.length), db = device.allocate(2L * b.length), dc = device.allocate(4L * m * n);
        try (Arena staging = Arena.ofConfined()) {
            device.copyToDevice(da, staging.allocateFrom(JAVA_SHORT, a), 2L * a.length);
            device.copyToDevice(db, staging.allocateFrom(JAVA_SHORT, b), 2L * b.length);
            launch(staging, blocks, da, db, dc, m, n, k);
            MemorySegment c = staging.allocate(JAVA_FLOAT, (long) m * n);
            device.copyToHost(c, dc, 4L * m * n);
            device.synchronize();
            return c.toArray(JAVA_FLOAT);
        } finally {
            device.free(da);
            device.free(db);
            device.free(dc);
        }
    }

    /** Milliseconds per {@code m x n x k} product, averaged over {@code repetitions} launches (inputs left as allocated). */
    public double millis(int m, int n, int k, int repetitions) {
        long[] blocks = TensorCoreGemm.grid(m, n, k);
        long da = device.allocate(2L * m * k), db = device.allocate(2L * k * n), dc = device.allocate(4L * m * n);
        CudaDriver d = device.driver();
        var start = d.createEvent();
        var end = d.createEvent();
        try (Arena staging = Arena.ofConfined()) {
            launch(staging, blocks, da, db, dc, m, n, k);
            d.record(start, device.stream());
            for (int r = 0; r < repetitions; r++) launch(staging, blocks, da, db, dc, m, n, k);
            d.record(end, device.stream());
            return d.elapsedMillis(start, end) / repetitions;
        } finally {
            d.destroyEvent(start);
            d.destroyEvent(end);
            device.free(da);
            device.free(db);
            device.free(dc);
        }
    }

    private void launch(Arena staging, long[] blocks, long a, long b, long c, int m, int n, int k) {
        MemorySegment values = staging.allocate(8 * 6);
        values.set(JAVA_LONG, 0, a);
        values.set(JAVA_LONG, 8, b);
        values.set(JAVA_LONG, 16, c);
        values.set(JAVA_INT, 24, m);
        values.set(JAVA_INT, 32, n);
        values.set(JAVA_INT, 40, k);
        MemorySegment params = staging.allocate(ADDRESS, 6);
        for (int i = 0; i < 6; i++) params.setAtIndex(ADDRESS, i, values.asSlice(8L * i));
        device.driver().launch(TensorCoreGemm.symbol(precision), functionOf(), blocks, TensorCoreGemm.THREADS, params, device.stream());
    }

    private MemorySegment functionOf() { return device.function(TensorCoreGemm.symbol(precision)); }

    @Override
    public void close() { device.close(); }
}
