package dev.nnc.optimizer.kernel;

import static dev.nnc.optimizer.kernel.KernelPassTesting.ABS;
import static dev.nnc.optimizer.kernel.KernelPassTesting.REL;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertGolden;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertSameOutputs;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertUnchanged;
import static dev.nnc.optimizer.kernel.KernelPassTesting.example;
import static dev.nnc.optimizer.kernel.KernelPassTesting.lower;
import static dev.nnc.optimizer.kernel.KernelPassTesting.parse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Lowering;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MatMulTransposeFoldingTest {
    private final MatMulTransposeFolding pass = new MatMulTransposeFolding();

    @Test void goldenDense() {
        KernelProgram[] r = assertGolden(pass, "fold-transposes-dense");
        assertSameOutputs(r[0], r[1], 1, REL, ABS);
    }

    @Test void goldenBatched() {
        KernelProgram[] r = assertGolden(pass, "fold-transposes-batched");
        assertSameOutputs(r[0], r[1], 2, REL, ABS);
    }

    /** An epilogue (or bias) needs the transposed elements in memory. */
    @Test void transposeReadByAnEpilogueStays() {
        assertUnchanged(pass, parse("""
                kernels T {
                  input x : f32[3,3]
                  weight w : f32[3,3]
                  output y : f32[3,3]
                  arena 9
                  transpose(w:w : f32[3,3]) -> arena:t0@0 : f32[3,3] {perm=[1,0]}
                  matmul(in:x : f32[3,3], arena:t0@0 : f32[3,3]) -> out:y : f32[3,3] {transA=false, transB=false} epilogue(arena:t0@0 : f32[3,3]) = add(%0, %1)
                }
                """));
    }

    /** A reshaped view of the transposed elements is not the transposed operand. */
    @Test void transposeReadThroughAViewStays() {
        assertUnchanged(pass, parse("""
                kernels T {
                  input x : f32[B,2]
                  weight w : f32[3,4]
                  output y : f32[B,6]
                  arena 12
                  transpose(w:w : f32[3,4]) -> arena:t0@0 : f32[4,3] {perm=[1,0]}
                  matmul(in:x : f32[B,2], arena:t0@0 : f32[2,6]) -> out:y : f32[B,6] {transA=false, transB=false}
                }
                """));
    }

    /** A transpose that is a program output is written to the output, which the matmul then reads: nothing to fold. */
    @Test void transposeThatIsAnOutputStays() {
        assertUnchanged(pass, lower("""
                graph T {
                  %0 = input {name="x"} : f32[B,3]
                  %1 = param {name="w", init="zeros"} : f32[4,3]
                  %2 = transpose(%1) {perm=[1,0]} : f32[3,4]
                  %3 = matmul(%0, %2) : f32[B,4]
                  return y=%3, wt=%2
                }
                """));
    }

    /** Every dense layer of the examples becomes a matmul over the stored weight with transB, and the models agree. */
    @ParameterizedTest
    @ValueSource(strings = {"mlp", "mnist_cnn", "cifar_cnn", "catsdogs_cnn"})
    void examplesLoseEveryTranspose(String model) {
        KernelProgram before = Lowering.lower(example(model));
        KernelProgram after = pass.run(before);
        assertTrue(after.kernels().stream().noneMatch(k -> k instanceof Kernel.Transpose));
        assertTrue(after.kernels().stream().filter(k -> k instanceof Kernel.MatMul).allMatch(k -> ((Kernel.MatMul) k).transB()));
        assertSameOutputs(before, after, 3, REL, ABS);
    }
}
