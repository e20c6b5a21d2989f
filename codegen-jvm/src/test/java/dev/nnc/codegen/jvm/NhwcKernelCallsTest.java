package dev.nnc.codegen.jvm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.KernelVerifier;
import org.junit.jupiter.api.Test;

/**
 * The backend's NHWC convolution and pooling calls: a program in NCHW against the same
 * computation written channels-last between two transposes, with the convolution's weights
 * prepacked at load (a weight) and packed per call (computed at run time into the arena), max
 * pooling and average pooling with padding counted.
 */
class NhwcKernelCallsTest {
    static final String NCHW = """
            kernels Pools {
              input x : f32[B,3,9,8]
              weight w : f32[5,3,3,3]
              weight b : f32[5]
              output y : f32[B,5,4,4]
              output z : f32[B,5,5,4]
              arena B*360
              conv2d(in:x : f32[B,3,9,8], w:w : f32[5,3,3,3], w:b : f32[5]) -> arena:t0@0 : f32[B,5,9,8] {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1, layout=nchw} epilogue() = relu(%0)
              max_pool2d(arena:t0@0 : f32[B,5,9,8]) -> out:y : f32[B,5,4,4] {kernel=[2,2], stride=[2,2], padding=[0,0,0,0], countIncludePad=false, layout=nchw}
              avg_pool2d(arena:t0@0 : f32[B,5,9,8]) -> out:z : f32[B,5,5,4] {kernel=[3,3], stride=[2,2], padding=[1,1,1,1], countIncludePad=true, layout=nchw}
            }
            """;

    static final String NHWC = """
            kernels Pools {
              input x : f32[B,3,9,8]
              weight w : f32[5,3,3,3]
              weight b : f32[5]
              output y : f32[B,5,4,4]
              output z : f32[B,5,5,4]
              arena B*1116+135
              transpose(in:x : f32[B,3,9,8]) -> arena:xt@B*720 : f32[B,9,8,3] {perm=[0,2,3,1]}
              elementwise(w:w : f32[5,3,3,3]) -> arena:wc@B*1116 : f32[5,3,3,3] = %0
              conv2d(arena:xt@B*720 : f32[B,9,8,3], w:w : f32[5,3,3,3], w:b : f32[5]) -> arena:t0@0 : f32[B,9,8,5] {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1, layout=nhwc} epilogue() = relu(%0)
              conv2d(arena:xt@B*720 : f32[B,9,8,3], arena:wc@B*1116 : f32[5,3,3,3], w:b : f32[5]) -> arena:t1@B*360 : f32[B,9,8,5] {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1, layout=nhwc} epilogue() = relu(%0)
              max_pool2d(arena:t0@0 : f32[B,9,8,5]) -> arena:yt@B*936 : f32[B,4,4,5] {kernel=[2,2], stride=[2,2], padding=[0,0,0,0], countIncludePad=false, layout=nhwc}
              avg_pool2d(arena:t1@B*360 : f32[B,9,8,5]) -> arena:zt@B*1016 : f32[B,5,4,5] {kernel=[3,3], stride=[2,2], padding=[1,1,1,1], countIncludePad=true, layout=nhwc}
              transpose(arena:yt@B*936 : f32[B,4,4,5]) -> out:y : f32[B,5,4,4] {perm=[0,3,1,2]}
              transpose(arena:zt@B*1016 : f32[B,5,4,5]) -> out:z : f32[B,5,5,4] {perm=[0,3,1,2]}
            }
            """;

    @Test
    void nhwcConvolutionAndPoolingMatchNchw() {
        KernelProgram nchw = KernelParser.parse(NCHW), nhwc = KernelParser.parse(NHWC);
        KernelVerifier.verify(nhwc);
        HandWrittenPrograms.assertSameResults(nhwc, nchw, 17);
    }

    @Test
    void groupedNhwcConvolutionIsRefusedByName() {
        KernelProgram grouped = KernelParser.parse("""
                kernels Grouped {
                  input x : f32[B,6,6,4]
                  weight w : f32[4,2,3,3]
                  output y : f32[B,4,4,4]
                  arena 0
                  conv2d(in:x : f32[B,6,6,4], w:w : f32[4,2,3,3]) -> out:y : f32[B,4,4,4] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=2, layout=nhwc}
                }
                """);
        KernelVerifier.verify(grouped);
        UnsupportedByBackend e = assertThrows(UnsupportedByBackend.class, () -> JvmBackend.compile(grouped, "Grouped"));
        assertTrue(e.getMessage().contains("groups"), e.getMessage());
    }
}
