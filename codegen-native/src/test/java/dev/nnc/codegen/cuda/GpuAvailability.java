package dev.nnc.codegen.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nnc.runtime.cuda.CudaDriver;
import dev.nnc.runtime.cuda.CudaUnavailable;

/** Whether this machine has a CUDA device; GPU tests skip with the driver's reason when it has none. */
final class GpuAvailability {
    private GpuAvailability() {}

    private static final String ABSENT = probe();

    private static String probe() {
        try {
            CudaDriver d = CudaDriver.open();
            d.close();
            return null;
        } catch (CudaUnavailable e) {
            return e.getMessage();
        }
    }

    /** Skips the calling test, with the reason, when there is no CUDA device. */
    static void assumeGpu() {
        assumeTrue(ABSENT == null, () -> "GPU test skipped: " + ABSENT);
    }
}
