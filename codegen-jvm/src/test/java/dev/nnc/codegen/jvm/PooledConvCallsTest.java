package dev.nnc.codegen.jvm;


import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.KernelVerifier;
import org.junit.jupiter.api.Test;

/**
 * The backend's call of a convolution with a fused max pooling ({@code pool=[kh,kw]}): a program
 * whose convolutions pool against the same program with separate max_pool2d kernels. The first
 * convolution reads the NCHW image (input_layout nchw) with prepacked weights, pools 2x2 a 9x7
 * output (floor mode drops a row and a column); the second packs weights computed at run time
 * per call and pools 2x1. Tolerance: {@code 1e-5 * |expected| + 1e-6} (HandWrittenPrograms).
 */
class PooledConvCallsTest {
    static final String UNFUSED = """
            kernels Pooled {
              input x : f32[B,3,11,9]
              weight w : f32[5,3,3,3]
              weight b : f32[5]
              weight v : f32[7,5,3,3]
              output y : f32[B,2,3,7]
              arena B*459+315
              conv2d(in:x : f32[B,3,11,9], w:w : f32[5,3,3,3], w:b : f32[5]) -> arena:t0@0 : f32[B,9,7,5] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc, input_layout=nchw} epilogue() = relu(%0)
              max_pool2d(arena:t0@0 : f32[B,9,7,5]) -> arena:p0@B*315 : f32[B,4,3,5] {kernel=[2,2], stride=[2,2], padding=[0,0,0,0], countIncludePad=false, layout=nhwc}
              elementwise(w:v : f32[7,5,3,3]) -> arena:vc@B*459 : f32[7,5,3,3] = %0
              conv2d(arena:p0@B*315 : f32[B,4,3,5], arena:vc@B*459 : f32[7,5,3,3]) -> arena:t1@B*375 : f32[B,4,3,7] {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1, layout=nhwc}
              max_pool2d(arena:t1@B*375 : f32[B,4,3,7]) -> out:y : f32[B,2,3,7] {kernel=[2,1], stride=[2,1], padding=[0,0,0,0], countIncludePad=false, layout=nhwc}
            }
            """;

    static final String FUSED = """
            kernels Pooled {
              input x : f32[B,3,11,9]
              weight w : f32[5,3,3,3]
              weight b : f32[5]
              weight v : f32[7,5,3,3]
              output y : f32[B,2,3,7]
              arena B*60+315
              conv2d(in:x : f32[B,3,11,9], w:w : f32[5,3,3,3], w:b : f32[5]) -> arena:p0@0 : f32[B,4,3,5] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc, input_layout=nchw, pool=[2,2]} epilogue() = relu(%0)
              elementwise(w:v : f32[7,5,3,3]) -> arena:vc@B*60 : f32[7,5,3,3] = %0
              conv2d(arena:p0@0 : f32[B,4,3,5], arena:vc@B*60 : f32[7,5,3,3]) -> out:y : f32[B,2,3,7] {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1, layout=nhwc, pool=[2,1]}
            }
            """;

    @Test
    void pooledConvolutionsMatchConvolutionThenPooling() {
        KernelProgram fused = KernelParser.parse(FUSED), unfused = KernelParser.parse(UNFUSED);
        KernelVerifier.verify(fused);
        KernelVerifier.verify(unfused);
        HandWrittenPrograms.assertSameResults(fused, unfused, 23);
    }
}
