package dev.nnc.optimizer.graph;

import static dev.nnc.optimizer.graph.GraphPassTesting.assertGolden;
import static dev.nnc.optimizer.graph.GraphPassTesting.assertPreservesOutputs;
import static dev.nnc.optimizer.graph.GraphPassTesting.assertUnchanged;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nnc.ir.Graph;
import dev.nnc.ir.Op;
import org.junit.jupiter.api.Test;

class BatchNormFoldingTest {
    private final BatchNormFolding foldBn = new BatchNormFolding();

    /** 1e-5 relative (absolute below magnitude 1): the folded form rounds scale, weight and bias to f32. */
    static final double TOLERANCE = 1e-5;

    static final String WITH_BIAS = """
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
            """;

    /** The batch norm's parameters come after the convolution, so the folded convolution is emitted at the batch norm. */
    @Test void goldenWithBias() {
        assertGolden(foldBn, WITH_BIAS, """
                graph Bn {
                  %0 = input {name="image"} : f32[B,3,8,8]
                  %1 = param {name="conv.weight", init="zeros"} : f32[4,3,3,3]
                  %2 = param {name="conv.bias", init="zeros"} : f32[4]
                  %3 = param {name="bn.weight", init="ones"} : f32[4]
                  %4 = param {name="bn.bias", init="zeros"} : f32[4]
                  %5 = param {name="bn.running_mean", init="zeros"} : f32[4]
                  %6 = param {name="bn.running_var", init="ones"} : f32[4]
                  %7 = constant {value=1.0E-5} : f32[]
                  %8 = add(%6, %7) : f32[4]
                  %9 = rsqrt(%8) : f32[4]
                  %10 = mul(%3, %9) : f32[4]
                  %11 = reshape(%10) {shape=[4,1,1,1]} : f32[4,1,1,1]
                  %12 = mul(%1, %11) : f32[4,3,3,3]
                  %13 = sub(%2, %5) : f32[4]
                  %14 = mul(%13, %10) : f32[4]
                  %15 = add(%14, %4) : f32[4]
                  %16 = conv2d(%0, %12, %15) {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1} : f32[B,4,8,8]
                  %17 = relu(%16) : f32[B,4,8,8]
                  return y=%17
                }
                """);
    }

    @Test void preservesOutputsWithBias() {
        for (long seed = 0; seed < 5; seed++) assertPreservesOutputs(foldBn, WITH_BIAS, seed, TOLERANCE);
    }

    /** Without a conv bias the new bias is beta - mean * scale; grouped, strided convs fold the same way. */
    static final String GROUPED_NO_BIAS = """
            graph BnGrouped {
              %0 = input {name="image"} : f32[B,4,9,9]
              %1 = param {name="bn.weight", init="ones"} : f32[6]
              %2 = param {name="bn.bias", init="zeros"} : f32[6]
              %3 = param {name="bn.running_mean", init="zeros"} : f32[6]
              %4 = param {name="bn.running_var", init="ones"} : f32[6]
              %5 = param {name="conv.weight", init="zeros"} : f32[6,2,3,3]
              %6 = conv2d(%0, %5) {stride=[2,2], padding=[0,1,0,1], dilation=[1,1], groups=2} : f32[B,6,4,5]
              %7 = batch_norm(%6, %1, %2, %3, %4) {eps=0.001} : f32[B,6,4,5]
              return y=%7
            }
            """;

    @Test void goldenWithoutBias() {
        assertGolden(foldBn, GROUPED_NO_BIAS, """
                graph BnGrouped {
                  %0 = input {name="image"} : f32[B,4,9,9]
                  %1 = param {name="bn.weight", init="ones"} : f32[6]
                  %2 = param {name="bn.bias", init="zeros"} : f32[6]
                  %3 = param {name="bn.running_mean", init="zeros"} : f32[6]
                  %4 = param {name="bn.running_var", init="ones"} : f32[6]
                  %5 = param {name="conv.weight", init="zeros"} : f32[6,2,3,3]
                  %6 = constant {value=0.001} : f32[]
                  %7 = add(%4, %6) : f32[6]
                  %8 = rsqrt(%7) : f32[6]
                  %9 = mul(%1, %8) : f32[6]
                  %10 = reshape(%9) {shape=[6,1,1,1]} : f32[6,1,1,1]
                  %11 = mul(%5, %10) : f32[6,2,3,3]
                  %12 = mul(%3, %9) : f32[6]
                  %13 = sub(%2, %12) : f32[6]
                  %14 = conv2d(%0, %11, %13) {stride=[2,2], padding=[0,1,0,1], dilation=[1,1], groups=2} : f32[B,6,4,5]
                  return y=%14
                }
                """);
    }

    @Test void preservesOutputsWithoutBias() {
        for (long seed = 0; seed < 5; seed++) assertPreservesOutputs(foldBn, GROUPED_NO_BIAS, seed, TOLERANCE);
    }

    /** Two conv + batch norm blocks in a row, the second over the first's relu, both fold. */
    @Test void foldsEveryBlock() {
        String text = """
                graph TwoBlocks {
                  %0 = input {name="image"} : f32[B,2,6,6]
                  %1 = param {name="c1.weight", init="zeros"} : f32[3,2,3,3]
                  %2 = conv2d(%0, %1) {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1} : f32[B,3,6,6]
                  %3 = param {name="b1.weight", init="ones"} : f32[3]
                  %4 = param {name="b1.bias", init="zeros"} : f32[3]
                  %5 = param {name="b1.running_mean", init="zeros"} : f32[3]
                  %6 = param {name="b1.running_var", init="ones"} : f32[3]
                  %7 = batch_norm(%2, %3, %4, %5, %6) {eps=1.0E-5} : f32[B,3,6,6]
                  %8 = relu(%7) : f32[B,3,6,6]
                  %9 = param {name="c2.weight", init="zeros"} : f32[3,3,1,1]
                  %10 = param {name="c2.bias", init="zeros"} : f32[3]
                  %11 = conv2d(%8, %9, %10) {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1} : f32[B,3,6,6]
                  %12 = param {name="b2.weight", init="ones"} : f32[3]
                  %13 = param {name="b2.bias", init="zeros"} : f32[3]
                  %14 = param {name="b2.running_mean", init="zeros"} : f32[3]
                  %15 = param {name="b2.running_var", init="ones"} : f32[3]
                  %16 = batch_norm(%11, %12, %13, %14, %15) {eps=1.0E-5} : f32[B,3,6,6]
                  %17 = add(%16, %8) : f32[B,3,6,6]
                  return y=%17
                }
                """;
        Graph out = assertPreservesOutputs(foldBn, text, 11, TOLERANCE);
        assertFalse(out.nodes().stream().anyMatch(n -> n.op() == Op.BATCH_NORM), () -> dev.nnc.ir.IrPrinter.print(out));
    }

    /** The conv's result is also used by the add: folding would change what the add sees. */
    @Test void convWithAnotherUseIsNotFolded() {
        assertUnchanged(foldBn, WITH_BIAS
                .replace("%9 = relu(%8) : f32[B,4,8,8]", "%9 = add(%8, %3) : f32[B,4,8,8]"));
    }

    /** The unnormalized conv result is a model output, so it must still be computed. */
    @Test void convThatIsAnOutputIsNotFolded() {
        assertUnchanged(foldBn, WITH_BIAS.replace("return y=%9", "return y=%9, features=%3"));
    }

    /** f16 would round the folded weights visibly; batch norm after a matmul is not a convolution. */
    @Test void otherDTypesAndProducersAreNotFolded() {
        assertUnchanged(foldBn, WITH_BIAS.replace("f32", "f16"));
        assertUnchanged(foldBn, """
                graph Dense {
                  %0 = input {name="x"} : f32[B,8]
                  %1 = param {name="fc.weight", init="zeros"} : f32[8,4]
                  %2 = matmul(%0, %1) : f32[B,4]
                  %3 = param {name="bn.weight", init="ones"} : f32[4]
                  %4 = param {name="bn.bias", init="zeros"} : f32[4]
                  %5 = param {name="bn.running_mean", init="zeros"} : f32[4]
                  %6 = param {name="bn.running_var", init="ones"} : f32[4]
                  %7 = batch_norm(%2, %3, %4, %5, %6) {eps=1.0E-5} : f32[B,4]
                  return y=%7
                }
                """);
    }
}
