package dev.nnc.runtime;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Wall time spent in each run-time kernel of a native model while the profile is attached
 * ({@link NativeCompiledModel#profile}), summed over calls: what {@code nnc bench --profile}
 * prints. Timing a kernel costs two {@link System#nanoTime} reads (about 40 ns), so attach it
 * only to measure.
 */
public final class KernelProfile {
    private final AtomicLongArray nanos;
    private final AtomicLongArray calls;

    public KernelProfile(int kernels) {
        nanos = new AtomicLongArray(kernels);
        calls = new AtomicLongArray(kernels);
    }

    void add(int kernel, long elapsedNanos) {
        nanos.addAndGet(kernel, elapsedNanos);
        calls.incrementAndGet(kernel);
    }

    public int kernels() { return nanos.length(); }

    /** Total nanoseconds spent in kernel {@code k}. */
    public long nanos(int k) { return nanos.get(k); }

    /** How many times kernel {@code k} ran (kernels with no work this call are not counted). */
    public long calls(int k) { return calls.get(k); }

    public void reset() {
        for (int k = 0; k < kernels(); k++) {
            nanos.set(k, 0);
            calls.set(k, 0);
        }
    }
}
