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

import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Lowering;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ElementwiseFusionTest {
    private final ElementwiseFusion pass = new ElementwiseFusion();

    @Test void goldenChains() {
        KernelProgram[] r = assertGolden(pass, "fuse-elementwise-chains");
        assertSameOutputs(r[0], r[1], 6, REL, ABS);
    }

    /** A value two kernels read is computed once and stored. */
    @Test void valueReadByTwoKernelsIsNotFused() {
        assertUnchanged(pass, lower("""
                graph Two {
                  %0 = input {name="x"} : f32[B,4]
                  %1 = exp(%0) : f32[B,4]
                  %2 = relu(%1) : f32[B,4]
                  %3 = neg(%1) : f32[B,4]
                  return a=%2, b=%3
                }
                """));
    }

    /** A program output is written by its own kernel even when another elementwise kernel reads it. */
    @Test void programOutputIsNeverFusedAway() {
        KernelProgram p = lower("""
                graph Out {
                  %0 = input {name="x"} : f32[B,4]
                  %1 = exp(%0) : f32[B,4]
                  %2 = relu(%1) : f32[B,4]
                  return a=%1, b=%2
                }
                """);
        assertUnchanged(pass, p);
    }

    /** A cast between the two would move the rounding: not fused. */
    @Test void dtypeChangeIsNotFused() {
        assertUnchanged(pass, KernelParser.parse("""
                kernels Cast {
                  input x : f32[4]
                  output y : f16[4]
                  arena 4
                  elementwise(in:x : f32[4]) -> arena:t0@0 : f16[4] = %0
                  elementwise(arena:t0@0 : f16[4]) -> out:y : f16[4] = mul(%0, 3.0)
                }
                """));
    }

    /** The reader broadcasts the producer's [4,1] over [4,3]: the producer would run three times per element. */
    @Test void broadcastReadIsNotFused() {
        assertUnchanged(pass, parse("""
                kernels Bc {
                  input x : f32[4,1]
                  input y : f32[4,3]
                  output z : f32[4,3]
                  arena 4
                  elementwise(in:x : f32[4,1]) -> arena:t0@0 : f32[4,1] = exp(%0)
                  elementwise(arena:t0@0 : f32[4,1], in:y : f32[4,3]) -> out:z : f32[4,3] = mul(%0, %1)
                }
                """));
    }

    /** A reshaped read of a producer whose input broadcasts would pair the wrong elements. */
    @Test void reshapedReadOfBroadcastInputIsNotFused() {
        assertUnchanged(pass, parse("""
                kernels View {
                  input x : f32[2,3]
                  input s : f32[3]
                  output z : f32[6]
                  arena 6
                  elementwise(in:x : f32[2,3], in:s : f32[3]) -> arena:t0@0 : f32[2,3] = add(%0, %1)
                  elementwise(arena:t0@0 : f32[6]) -> out:z : f32[6] = relu(%0)
                }
                """));
    }

    /**
     * x*sigmoid(x) after a bias add: once sigmoid fuses into mul, the add's output has one
     * reader left and fuses too. tanh reads a reshaped view, and the bias broadcasts: it stays.
     */
    @Test void chainBecomesOneKernel() {
        KernelProgram before = lower("""
                graph Long {
                  %0 = input {name="x"} : f32[B,8]
                  %1 = param {name="b", init="zeros"} : f32[8]
                  %2 = add(%0, %1) : f32[B,8]
                  %3 = sigmoid(%2) : f32[B,8]
                  %4 = mul(%2, %3) : f32[B,8]
                  %5 = reshape(%4) {shape=[B,2,4]} : f32[B,2,4]
                  %6 = tanh(%5) : f32[B,2,4]
                  return y=%6
                }
                """);
        KernelProgram after = runAll(before, pass);
        assertEquals(2, after.kernels().size(), () -> KernelPrinter.print(after));
        assertEquals("mul(add(%0, %1), sigmoid(add(%0, %1)))", KernelPrinter.expr(((Kernel.Elementwise) after.kernels().getFirst()).expr()));
        assertSameOutputs(before, after, 7, REL, ABS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "mnist_cnn", "cifar_cnn", "catsdogs_cnn"})
    void examplesAgree(String model) {
        KernelProgram before = runAll(Lowering.lower(example(model)), new MatMulTransposeFolding(), new LoadTimeHoisting());
        KernelProgram after = runAll(before, pass);
        assertSameOutputs(before, after, 8, REL, ABS);
    }
}
