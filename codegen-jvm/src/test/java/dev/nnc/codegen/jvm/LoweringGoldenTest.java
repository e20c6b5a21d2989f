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
 * The lowering of mnist_cnn.nn, as text: relu folds into each conv's epilogue, transposed
 * dense weights into the matmul flag and the bias add into the matmul, flatten is a view, the
 * softmax writes the output.
 * Regenerate with {@code ./nnc examples/mnist_cnn.nn --emit=kernel-ir} after an intended change.
 */
class LoweringGoldenTest {
    @Test
    void mnistCnnLowersAsExpected() throws Exception {
        KernelProgram p = Lowering.lower(ExampleModelsTest.compile("mnist_cnn"));
        String golden = Files.readString(Path.of("src/test/resources/golden/mnist_cnn.kernels"));
        assertEquals(golden.strip(), KernelPrinter.print(p).strip());
        assertEquals(p, KernelParser.parse(golden));
    }
}
