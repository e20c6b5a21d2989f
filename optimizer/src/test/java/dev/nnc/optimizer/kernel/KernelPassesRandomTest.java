package dev.nnc.optimizer.kernel;

import static dev.nnc.optimizer.kernel.KernelPassTesting.assertSameOutputs;
import static dev.nnc.optimizer.kernel.KernelPassTesting.lower;

import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.KernelVerifier;
import dev.nnc.optimizer.KernelPass;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Random graphs ({@link RandomGraphs}), lowered, through this package's five passes in -O2
 * order, with the verifier (which checks that no planned buffer is overwritten while still
 * read) after each; the program before and after each pass, compiled to bytecode, agree on
 * seeded data within 1e-4 * |x| + 1e-4 (fusion and folded biases change f32 rounding, and
 * random weights let values grow to the hundreds).
 */
class KernelPassesRandomTest {
    static final List<KernelPass> PASSES = List.of(new MatMulTransposeFolding(), new LoadTimeHoisting(),
            new ElementwiseFusion(), new EpilogueFusion(), new MemoryPlanning());

    @Test void randomGraphsKeepTheirOutputs() {
        for (long seed = 0; seed < 100; seed++) {
            String graph = RandomGraphs.graph(seed, 6 + (int) (seed % 10));
            KernelProgram p = lower(graph);
            KernelProgram original = p;
            for (KernelPass pass : PASSES) {
                KernelProgram before = p;
                p = pass.run(p);
                try {
                    KernelVerifier.verify(p);
                    assertSameOutputs(before, p, seed, 1e-4, 1e-4);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("seed " + seed + ", pass " + pass.name() + " on\n" + KernelPrinter.print(before)
                            + "\nfrom\n" + graph + "\ngave\n" + KernelPrinter.print(p), e);
                }
            }
            assertSameOutputs(original, p, seed, 1e-4, 1e-4);
        }
    }
}
