package dev.nnc.optimizer.kernel;

import static dev.nnc.optimizer.kernel.KernelPassTesting.ABS;
import static dev.nnc.optimizer.kernel.KernelPassTesting.REL;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertGolden;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertSameOutputs;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertUnchanged;
import static dev.nnc.optimizer.kernel.KernelPassTesting.parse;
import static dev.nnc.optimizer.kernel.KernelPassTesting.runAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.Graph;
import dev.nnc.ir.IrParser;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Lowering;
import dev.nnc.ir.kernel.Space;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadTimeHoistingTest {
    private final LoadTimeHoisting pass = new LoadTimeHoisting();

    @Test void goldenBatchNorm() {
        KernelProgram[] r = assertGolden(pass, "hoist-weights-batchnorm");
        assertSameOutputs(r[0], r[1], 4, REL, ABS);
    }

    /** conv2d + batch_norm + relu through the -O2 graph passes: every folding kernel runs at load time. */
    @Test void foldedBatchNormRunsAtLoadTime() {
        Graph g = IrParser.parse("""
                graph Bn {
                  %0 = input {name="image"} : f32[B,3,8,8]
                  %1 = param {name="conv.weight", init="zeros"} : f32[4,3,3,3]
                  %2 = param {name="conv.bias", init="zeros"} : f32[4]
                  %3 = conv2d(%0, %1, %2) {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1} : f32[B,4,8,8]
                  %4 = param {name="bn.weight", init="ones"} : f32[4]
                  %5 = param {name="bn.bias", init="zeros"} : f32[4]
                  %6 = param {name="bn.running_mean", init="zeros"} : f32[4]
                  %7 = param {name="bn.running_var", init="ones"} : f32[4]
                  %8 = batch_norm(%3, %4, %5, %6, %7) {eps=1.0E-5} : f32[B,4,8,8]
                  %9 = relu(%8) : f32[B,4,8,8]
                  return y=%9
                }
                """);
        KernelProgram before = Lowering.lower(PassManager.forLevel(OptLevel.O2).runGraphPasses(g));
        KernelProgram after = runAll(before, pass);
        for (Kernel k : after.kernels()) {
            assertFalse(k.ins().stream().allMatch(b -> b.space() == Space.WEIGHT), () -> "still at run time: " + k);
        }
        // The folded weight and bias are derived: the convolution reads them, and prepare computes them.
        Kernel.Conv2d conv = (Kernel.Conv2d) after.kernels().getFirst();
        assertTrue(conv.weight().name().startsWith("$") && conv.bias().name().startsWith("$"), conv::toString);
        assertEquals(2, after.kernels().size(), "conv2d and relu");
        assertFalse(after.prepare().isEmpty());
        assertSameOutputs(before, after, 5, REL, ABS);
    }

    /** Derived names skip any that a weight already has (quoted names may contain '$'). */
    @Test void derivedNamesDoNotClash() {
        KernelProgram after = runAll(parse("""
                kernels N {
                  input x : f32[2]
                  weight "$0" : f32[2]
                  output y : f32[2]
                  arena 2
                  elementwise(w:"$0" : f32[2]) -> arena:t0@0 : f32[2] = exp(%0)
                  elementwise(in:x : f32[2], arena:t0@0 : f32[2]) -> out:y : f32[2] = add(%0, %1)
                }
                """), pass);
        assertEquals(List.of("$1"), after.derived().stream().map(Buf::name).toList());
        assertEquals(1, after.kernels().size());
    }

    @Test void programReadingInputsIsUnchanged() {
        assertUnchanged(pass, parse("""
                kernels U {
                  input x : f32[B,2]
                  weight w : f32[2]
                  output y : f32[B,2]
                  arena 0
                  elementwise(in:x : f32[B,2], w:w : f32[2]) -> out:y : f32[B,2] = mul(%0, %1)
                }
                """));
    }
}
