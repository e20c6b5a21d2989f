package dev.nnc.codegen.nativecode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelProgram;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cost estimate that decides whether a kernel is split over threads. */
class KernelCostTest {

    /** A conv with a fused 2x3 pooling costs its whole convolution: pooled outputs x 6 x the depth. */
    @Test
    void pooledConvolutionCountsEveryConvOutput() {
        KernelProgram p = KernelParser.parse("""
                kernels Cost {
                  input x : f32[B,14,13,5]
                  weight w : f32[7,5,3,3]
                  output y : f32[B,6,3,7]
                  output z : f32[B,12,11,7]
                  arena 0
                  conv2d(in:x : f32[B,14,13,5], w:w : f32[7,5,3,3]) -> out:y : f32[B,6,3,7] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc, pool=[2,3]}
                  conv2d(in:x : f32[B,14,13,5], w:w : f32[7,5,3,3]) -> out:z : f32[B,12,11,7] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc}
                }
                """);
        Map<String, Long> batch = Map.of("B", 3L);
        long pooled = KernelCost.of(p.kernels().get(0)).amount().eval(batch);
        long depth = 5 * 3 * 3;
        assertEquals(3L * 6 * 3 * 7 * 6 * depth, pooled);
        // The unpooled conv makes 12 x 11 pixels, the pooled one computes 12 x 9 of them (floor mode).
        assertEquals(3L * 12 * 11 * 7 * depth, KernelCost.of(p.kernels().get(1)).amount().eval(batch));
    }
}
