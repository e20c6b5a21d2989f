package dev.nnc.codegen.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Lowering;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The lowering of mnist_cnn.nn, as text: the plain O0 lowering, one kernel per op (each relu
 * an elementwise kernel, each dense weight transposed by its own kernel before the matmul, each
 * bias a broadcast add), flatten a view, every intermediate in its own arena slot, and the
 * softmax writing the output. Fusing is the optimizer's job, not the lowering's.
 * After an intended change, regenerate with
 * {@code ./mvnw -o -q -pl codegen-jvm test -Dtest=LoweringGoldenTest -Dnnc.golden.update=true}
 * and review the diff.
 */
class LoweringGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/mnist_cnn.kernels");

    @Test
    void mnistCnnLowersAsExpected() throws Exception {
        KernelProgram p = Lowering.lower(ExampleModelsTest.compile("mnist_cnn"));
        if (Boolean.getBoolean("nnc.golden.update")) Files.writeString(GOLDEN, KernelPrinter.print(p));
        String golden = Files.readString(GOLDEN);
        assertEquals(golden.strip(), KernelPrinter.print(p).strip());
        assertEquals(p, KernelParser.parse(golden));
    }
}
