package dev.nnc.optimizer.kernel;

import static dev.nnc.optimizer.kernel.KernelPassTesting.ABS;
import static dev.nnc.optimizer.kernel.KernelPassTesting.REL;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertGolden;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertSameOutputs;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertUnchanged;
import static dev.nnc.optimizer.kernel.KernelPassTesting.example;
import static dev.nnc.optimizer.kernel.KernelPassTesting.lower;
import static dev.nnc.optimizer.kernel.KernelPassTesting.parse;
import static dev.nnc.optimizer.kernel.KernelPassTesting.runAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Lowering;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EpilogueFusionTest {
    private final EpilogueFusion pass = new EpilogueFusion();

    /** The passes before this one in -O2. */
    private static KernelProgram prepared(KernelProgram p) {
        return runAll(p, new MatMulTransposeFolding(), new LoadTimeHoisting(), new ElementwiseFusion());
    }

    @Test void goldenDense() {
        KernelProgram[] r = assertGolden(pass, "fuse-epilogues-dense");
        assertSameOutputs(r[0], r[1], 9, REL, ABS);
    }

    @Test void goldenResidual() {
        KernelProgram[] r = assertGolden(pass, "fuse-epilogues-residual");
        assertSameOutputs(r[0], r[1], 10, REL, ABS);
    }

    /** A residual block from graph IR: conv + relu, then conv + add(residual) + relu as one convolution each. */
    @Test void residualBlock() {
        KernelProgram before = prepared(lower("""
                graph Block {
                  %0 = input {name="x"} : f32[B,4,6,6]
                  %1 = param {name="c1.weight", init="zeros"} : f32[4,4,3,3]
                  %2 = param {name="c1.bias", init="zeros"} : f32[4]
                  %3 = param {name="c2.weight", init="zeros"} : f32[4,4,3,3]
                  %4 = param {name="c2.bias", init="zeros"} : f32[4]
                  %5 = conv2d(%0, %1, %2) {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1} : f32[B,4,6,6]
                  %6 = relu(%5) : f32[B,4,6,6]
                  %7 = conv2d(%6, %3, %4) {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1} : f32[B,4,6,6]
                  %8 = add(%7, %6) : f32[B,4,6,6]
                  %9 = relu(%8) : f32[B,4,6,6]
                  return y=%9
                }
                """));
        KernelProgram after = runAll(before, pass);
        assertEquals(2, after.kernels().size(), () -> KernelPrinter.print(after));
        Kernel.Conv2d first = (Kernel.Conv2d) after.kernels().get(0), second = (Kernel.Conv2d) after.kernels().get(1);
        assertTrue(first.epilogue().isRelu());
        assertEquals(java.util.List.of(first.out()), second.epilogue().ins());
        assertEquals("relu(add(%0, %1))", KernelPrinter.expr(second.epilogue().expr()));
        assertSameOutputs(before, after, 11, REL, ABS);
    }

    /** Two kernels read the matmul's output: it must be stored as it is. */
    @Test void productReadTwiceIsNotFused() {
        assertUnchanged(pass, parse("""
                kernels Twice {
                  input x : f32[B,4]
                  weight w : f32[3,4]
                  output a : f32[B,3]
                  output b : f32[B,3]
                  arena B*3
                  matmul(in:x : f32[B,4], w:w : f32[3,4]) -> arena:t0@0 : f32[B,3] {transA=false, transB=true}
                  elementwise(arena:t0@0 : f32[B,3]) -> out:a : f32[B,3] = relu(%0)
                  elementwise(arena:t0@0 : f32[B,3]) -> out:b : f32[B,3] = tanh(%0)
                }
                """));
    }

    /** An elementwise kernel that broadcasts the product to a larger shape cannot be the epilogue. */
    @Test void broadcastingReaderIsNotFused() {
        assertUnchanged(pass, parse("""
                kernels Wide {
                  input x : f32[B,4]
                  input y : f32[2,B,3]
                  weight w : f32[3,4]
                  output a : f32[2,B,3]
                  arena B*3
                  matmul(in:x : f32[B,4], w:w : f32[3,4]) -> arena:t0@0 : f32[B,3] {transA=false, transB=true}
                  elementwise(arena:t0@0 : f32[B,3], in:y : f32[2,B,3]) -> out:a : f32[2,B,3] = add(%0, %1)
                }
                """));
    }

    /** A per-row vector ([B,1]) added to the product is not a bias: it goes to the epilogue. */
    @Test void nonChannelAddStaysInTheEpilogue() {
        KernelProgram before = parse("""
                kernels Rows {
                  input x : f32[B,4]
                  input r : f32[B,1]
                  weight w : f32[3,4]
                  output a : f32[B,3]
                  arena B*3
                  matmul(in:x : f32[B,4], w:w : f32[3,4]) -> arena:t0@0 : f32[B,3] {transA=false, transB=true}
                  elementwise(arena:t0@0 : f32[B,3], in:r : f32[B,1]) -> out:a : f32[B,3] = add(%0, %1)
                }
                """);
        KernelProgram after = runAll(before, pass);
        Kernel.MatMul m = (Kernel.MatMul) after.kernels().getFirst();
        assertEquals(null, m.bias());
        assertEquals("add(%0, %1)", KernelPrinter.expr(m.epilogue().expr()));
        assertSameOutputs(before, after, 12, REL, ABS);
    }

    /** -O2 up to this pass on the examples: one kernel per dense and per conv layer, each with its bias and activation. */
    @ParameterizedTest
    @ValueSource(strings = {"mlp", "mnist_cnn", "cifar_cnn", "catsdogs_cnn"})
    void examplesFuseEveryLayer(String model) {
        KernelProgram before = prepared(Lowering.lower(example(model)));
        KernelProgram after = runAll(before, pass);
        for (Kernel k : after.kernels()) {
            assertTrue(!(k instanceof Kernel.Elementwise), () -> "left unfused: " + KernelPrinter.print(k));
            if (k instanceof Kernel.MatMul m) assertNotNull(m.bias(), () -> KernelPrinter.print(k));
        }
        assertSameOutputs(before, after, 13, REL, ABS);
    }
}
