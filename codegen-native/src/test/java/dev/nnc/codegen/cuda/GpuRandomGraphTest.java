package dev.nnc.codegen.cuda;

import dev.nnc.optimizer.OptLevel;
import dev.nnc.runtime.cuda.CudaDriver;
import dev.nnc.runtime.cuda.Device;
import dev.nnc.runtime.cuda.GpuDevice;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** GPU test (skipped without a CUDA device): the 150 random graphs of the JVM and native suites, at -O0 and -O2, on the GPU. */
class GpuRandomGraphTest {
    static final int CASES = 150;

    @TestFactory
    Stream<DynamicTest> gpuMatchesTheInterpreter() {
        return IntStream.range(0, CASES).boxed().flatMap(seed -> Stream.of(OptLevel.O0, OptLevel.O2).map(level ->
                DynamicTest.dynamicTest("seed " + seed + " " + level, () -> {
                    GpuAvailability.assumeGpu();
                    RandomGraphs.check(seed, level, GpuRandomGraphTest::onGpu);
                })));
    }

    private static Device onGpu(PtxModule m) {
        CudaDriver driver = CudaDriver.open();
        java.util.List<String> symbols = new java.util.ArrayList<>();
        m.prepare().forEach(l -> symbols.add(l.symbol()));
        m.kernels().forEach(l -> symbols.add(l.symbol()));
        return new GpuDevice(driver, PtxCompiler.ptx(m, CudaTarget.DEFAULT), symbols);
    }
}
