package dev.nnc.codegen.cuda;

import dev.nnc.optimizer.OptLevel;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The random-graph suite ({@link RandomGraphs}) on the {@link EmulatedDevice}: every kernel kind of the CUDA backend, without a GPU. */
class EmulatedRandomGraphTest {
    static final int CASES = 100;

    @TestFactory
    Stream<DynamicTest> cudaKernelsMatchTheInterpreter() {
        return IntStream.range(0, CASES).boxed().flatMap(seed -> Stream.of(OptLevel.O0, OptLevel.O2).map(level ->
                DynamicTest.dynamicTest("seed " + seed + " " + level, () -> RandomGraphs.check(seed, level, EmulatedDevice::new))));
    }
}
