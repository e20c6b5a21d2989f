package dev.nnc.codegen.nativecode.aot;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Programs with load-time work, run from C through the library, against the JVM backend (see {@link LibraryDifferential}). */
class LibraryMatchesJvmTest {
    @TempDir Path dir;

    /** A batch norm folded into a convolution at load time: derived weights, packed convolution panels, an arena sized by B. */
    @Test
    void foldedBatchNormConvolution() throws IOException {
        LibraryDifferential.check("""
                kernels Folded {
                  input x : f32[B,2,5,5]
                  weight conv.weight : f32[3,2,3,3]
                  weight bn.weight : f32[3]
                  weight bn.bias : f32[3]
                  weight bn.running_mean : f32[3]
                  weight bn.running_var : f32[3]
                  derived "$0" : f32[3]
                  derived "$1" : f32[3,2,3,3]
                  derived "$2" : f32[3]
                  derived "$3" : f32[3,3,3]
                  output y : f32[B,3,3,3]
                  output scale : f32[3]
                  arena B*30+87
                  prepare elementwise(w:bn.running_var : f32[3], w:bn.weight : f32[3]) -> w:"$0" : f32[3] = mul(rsqrt(add(%0, 0.001)), %1)
                  prepare elementwise(w:conv.weight : f32[3,2,3,3], w:"$0" : f32[3,1,1,1]) -> w:"$1" : f32[3,2,3,3] = mul(%0, %1)
                  prepare elementwise(w:bn.bias : f32[3], w:bn.running_mean : f32[3], w:"$0" : f32[3]) -> w:"$2" : f32[3] = sub(%0, mul(%1, %2))
                  prepare iota() -> w:"$3" : f32[3,3,3] {axis=2}
                  conv2d(in:x : f32[B,2,5,5], w:"$1" : f32[3,2,3,3], w:"$2" : f32[3]) -> arena:t3@60 : f32[B,3,3,3] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nchw}
                  elementwise() -> arena:t5@B*27+87 : f32[B,3,1,1] = 0.5
                  elementwise(arena:t3@60 : f32[B,3,3,3], w:"$3" : f32[3,3,3], arena:t5@B*27+87 : f32[B,3,1,1]) -> out:y : f32[B,3,3,3] = add(add(%0, %1), %2)
                  elementwise(w:"$0" : f32[3]) -> out:scale : f32[3] = %0
                }
                """, dir, 7, 1, 5);
    }

    /** A channels-last convolution feeding a dense layer whose weight is permuted at load time; GEMM panels packed at load time. */
    @Test
    void convolutionIntoDenseLayer() throws IOException {
        LibraryDifferential.check("""
                kernels Dense {
                  input x : f32[B,4,3,2]
                  weight c.weight : f32[4,2,2,2]
                  weight c.bias : f32[4]
                  weight fc.weight : f32[5,24]
                  weight fc.bias : f32[5]
                  derived "$0" : f32[5,24]
                  output y : f32[B,5]
                  arena B*48
                  prepare transpose(w:fc.weight : f32[5,4,3,2]) -> w:"$0" : f32[5,3,2,4] {perm=[0,2,3,1]}
                  conv2d(in:x : f32[B,4,3,2], w:c.weight : f32[4,2,2,2], w:c.bias : f32[4]) -> arena:t0@0 : f32[B,3,2,4] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc} epilogue() = relu(%0)
                  matmul(arena:t0@0 : f32[B,24], w:"$0" : f32[5,24], w:fc.bias : f32[5]) -> out:y : f32[B,5] {transA=false, transB=true} epilogue() = relu(%0)
                }
                """, dir, 11, 1, 3, 37);
    }
}
