package dev.nnc.ir.kernel;

import static dev.nnc.ir.kernel.TestKernels.B;
import static dev.nnc.ir.kernel.TestKernels.S;
import static dev.nnc.ir.kernel.TestKernels.arena;
import static dev.nnc.ir.kernel.TestKernels.bin;
import static dev.nnc.ir.kernel.TestKernels.c;
import static dev.nnc.ir.kernel.TestKernels.f32;
import static dev.nnc.ir.kernel.TestKernels.in;
import static dev.nnc.ir.kernel.TestKernels.ints;
import static dev.nnc.ir.kernel.TestKernels.out;
import static dev.nnc.ir.kernel.TestKernels.type;
import static dev.nnc.ir.kernel.TestKernels.un;
import static dev.nnc.ir.kernel.TestKernels.w;
import static dev.nnc.ir.kernel.TestKernels.x;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Expr.BinaryFn;
import dev.nnc.ir.kernel.Expr.UnaryFn;
import dev.nnc.ir.kernel.Kernel.Concat;
import dev.nnc.ir.kernel.Kernel.Conv2d;
import dev.nnc.ir.kernel.Kernel.Elementwise;
import dev.nnc.ir.kernel.Kernel.Epilogue;
import dev.nnc.ir.kernel.Kernel.Gather;
import dev.nnc.ir.kernel.Kernel.Iota;
import dev.nnc.ir.kernel.Kernel.LayerNorm;
import dev.nnc.ir.kernel.Kernel.Layout;
import dev.nnc.ir.kernel.Kernel.MatMul;
import dev.nnc.ir.kernel.Kernel.Pool2d;
import dev.nnc.ir.kernel.Kernel.PoolKind;
import dev.nnc.ir.kernel.Kernel.Reduce;
import dev.nnc.ir.kernel.Kernel.ReduceKind;
import dev.nnc.ir.kernel.Kernel.Slice;
import dev.nnc.ir.kernel.Kernel.Softmax;
import dev.nnc.ir.kernel.Kernel.Transpose;
import dev.nnc.runtime.DType;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelPrinterTest {

    @Test void printsTinyProgram() {
        assertEquals("""
                kernels Tiny {
                  input image : f32[B,1,8,8]
                  weight conv.weight : f32[4,1,3,3]
                  weight conv.bias : f32[4]
                  weight fc.weight : f32[10,36]
                  weight fc.bias : f32[10]
                  weight scale : f32[10]
                  output logits : f32[B,10]
                  arena B*180
                  conv2d(in:image : f32[B,1,8,8], w:conv.weight : f32[4,1,3,3], w:conv.bias : f32[4]) -> arena:t0@0 : f32[B,4,6,6] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nchw} epilogue() = relu(%0)
                  max_pool2d(arena:t0@0 : f32[B,4,6,6]) -> arena:t1@B*144 : f32[B,4,3,3] {kernel=[2,2], stride=[2,2], padding=[0,0,0,0], countIncludePad=false, layout=nchw}
                  matmul(arena:t1@B*144 : f32[B,36], w:fc.weight : f32[10,36], w:fc.bias : f32[10]) -> arena:t2@0 : f32[B,10] {transA=false, transB=true}
                  elementwise(arena:t2@0 : f32[B,10], w:scale : f32[10]) -> out:logits : f32[B,10] = mul(%0, add(%1, 0.5))
                }
                """, KernelPrinter.print(TestKernels.tiny()));
    }

    @Test void printsEveryKernelKindOnOneLine() {
        Buf x = arena("x", Dim.of(0), f32(2, 3));
        Buf y = arena("y", B.times(Dim.of(6)), f32(3, 2));
        assertEquals("matmul(arena:x@0 : f32[2,3], w:b : f32[3,2]) -> arena:y@B*6 : f32[3,2] {transA=true, transB=false} epilogue() = relu(%0)",
                KernelPrinter.print(new MatMul(y, x, w("b", f32(3, 2)), null, true, false, Epilogue.RELU)));
        assertEquals("matmul(arena:x@0 : f32[2,3], w:b : f32[3,2]) -> arena:y@B*6 : f32[3,2] {transA=true, transB=false}",
                KernelPrinter.print(new MatMul(y, x, w("b", f32(3, 2)), null, true, false, Epilogue.NONE)));
        assertEquals("conv2d(in:x : f32[1,1,4,4], w:k : f32[1,1,3,3]) -> arena:y@B*6 : f32[3,2] "
                        + "{stride=[2,1], padding=[1,0,0,1], dilation=[1,2], groups=1, layout=nchw}",
                KernelPrinter.print(new Conv2d(y, in("x", f32(1, 1, 4, 4)), w("k", f32(1, 1, 3, 3)), null,
                        ints(2, 1), ints(1, 0, 0, 1), ints(1, 2), 1, Layout.NCHW, Layout.NCHW, Epilogue.NONE)));
        assertEquals("avg_pool2d(arena:x@0 : f32[2,3]) -> arena:y@B*6 : f32[3,2] "
                        + "{kernel=[3,3], stride=[1,1], padding=[1,1,1,1], countIncludePad=true, layout=nhwc}",
                KernelPrinter.print(new Pool2d(y, x, PoolKind.AVG, ints(3, 3), ints(1, 1), ints(1, 1, 1, 1), true, Layout.NHWC)));
        assertEquals("reduce_mean(arena:x@0 : f32[2,3]) -> arena:y@B*6 : f32[3,2] {axes=[0,1]}",
                KernelPrinter.print(new Reduce(y, x, ReduceKind.MEAN, ints(0, 1))));
        assertEquals("reduce_max(arena:x@0 : f32[2,3]) -> arena:y@B*6 : f32[3,2] {axes=[]}",
                KernelPrinter.print(new Reduce(y, x, ReduceKind.MAX, ints())));
        assertEquals("log_softmax(arena:x@0 : f32[2,3]) -> arena:y@B*6 : f32[3,2] {axis=1}",
                KernelPrinter.print(new Softmax(y, x, 1, 1.0, true)));
        // A scale other than 1 is printed; 1 is the default and is left out.
        assertEquals("softmax(arena:x@0 : f32[2,3]) -> arena:y@B*6 : f32[3,2] {axis=1, scale=0.125}",
                KernelPrinter.print(new Softmax(y, x, 1, 0.125, false)));
        assertEquals("layer_norm(arena:x@0 : f32[2,3], w:g : f32[3], w:b : f32[3]) -> arena:y@B*6 : f32[3,2] {axis=1, eps=1.0E-5}",
                KernelPrinter.print(new LayerNorm(y, x, w("g", f32(3)), w("b", f32(3)), null, 1, 1e-5)));
        assertEquals("layer_norm(arena:x@0 : f32[2,3], w:g : f32[3], w:b : f32[3], in:r : f32[2,3]) -> arena:y@B*6 : f32[3,2] "
                        + "{axis=1, eps=1.0E-5}",
                KernelPrinter.print(new LayerNorm(y, x, w("g", f32(3)), w("b", f32(3)), in("r", f32(2, 3)), 1, 1e-5)));
        assertEquals("transpose(arena:x@0 : f32[2,3]) -> arena:y@B*6 : f32[3,2] {perm=[1,0]}",
                KernelPrinter.print(new Transpose(y, x, ints(1, 0))));
        assertEquals("slice(arena:x@0 : f32[2,3]) -> arena:y@B*6 : f32[3,2] {starts=[0,-1], steps=[2,1]}",
                KernelPrinter.print(new Slice(y, x, ints(0, -1), ints(2, 1))));
        assertEquals("concat(arena:x@0 : f32[2,3], arena:x@0 : f32[2,3]) -> arena:y@B*6 : f32[3,2] {axis=0}",
                KernelPrinter.print(new Concat(y, List.of(x, x), 0)));
        assertEquals("gather(w:emb : f32[9,2], in:ids : i64[B,S]) -> arena:y@B*6 : f32[3,2] {axis=0}",
                KernelPrinter.print(new Gather(y, w("emb", f32(9, 2)), in("ids", type(DType.I64, B, S)), 0)));
        assertEquals("iota() -> arena:pos@0 : i32[S] {axis=0}",
                KernelPrinter.print(new Iota(arena("pos", Dim.of(0), type(DType.I32, S)), 0)));
        assertEquals("elementwise() -> out:y : bf16[] = -inf",
                KernelPrinter.print(new Elementwise(out("y", type(DType.BF16)), List.of(), c(Double.NEGATIVE_INFINITY))));
    }

    @Test void printsEpiloguesAfterTheAttributes() {
        Buf a = arena("a", Dim.of(0), f32(B, 3)), y = arena("y", B.times(Dim.of(3)), f32(B, 2));
        Buf res = arena("r", B.times(Dim.of(5)), f32(B, 2)), col = w("col", f32(2));
        assertEquals("matmul(arena:a@0 : f32[B,3], w:b : f32[2,3], w:bias : f32[2]) -> arena:y@B*3 : f32[B,2] {transA=false, transB=true}"
                        + " epilogue(arena:r@B*5 : f32[B,2], w:col : f32[2]) = relu(add(mul(%0, %2), %1))",
                KernelPrinter.print(new MatMul(y, a, w("b", f32(2, 3)), w("bias", f32(2)), false, true,
                        new Epilogue(List.of(res, col), un(UnaryFn.RELU, bin(BinaryFn.ADD, bin(BinaryFn.MUL, x(0), x(2)), x(1)))))));
        assertEquals("conv2d(in:x : f32[B,4,4,1], w:k : f32[2,1,3,3]) -> arena:y@0 : f32[B,2,2,2] "
                        + "{stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc} epilogue() = tanh(%0)",
                KernelPrinter.print(new Conv2d(arena("y", Dim.of(0), f32(B, 2, 2, 2)), in("x", f32(B, 4, 4, 1)), w("k", f32(2, 1, 3, 3)),
                        null, ints(1, 1), ints(0, 0, 0, 0), ints(1, 1), 1, Layout.NHWC, Layout.NHWC, new Epilogue(List.of(), un(UnaryFn.TANH, x(0))))));
    }

    @Test void printsDerivedWeightsAndPrepareKernels() {
        assertEquals("""
                kernels Prepared {
                  input x : f32[B,4]
                  weight fc.weight : f32[3,4]
                  weight scale : f32[3]
                  derived fc.weight.t : f32[4,3]
                  derived scale.half : f32[3]
                  derived fc.weight.scaled : f32[4,3]
                  output y : f32[B,3]
                  arena B*3
                  prepare transpose(w:fc.weight : f32[3,4]) -> w:fc.weight.t : f32[4,3] {perm=[1,0]}
                  prepare elementwise(w:scale : f32[3]) -> w:scale.half : f32[3] = mul(%0, 0.5)
                  prepare elementwise(w:fc.weight.t : f32[4,3], w:scale.half : f32[3]) -> w:fc.weight.scaled : f32[4,3] = mul(%0, %1)
                  matmul(in:x : f32[B,4], w:fc.weight.scaled : f32[4,3]) -> arena:t0@0 : f32[B,3] {transA=false, transB=false} epilogue(w:scale.half : f32[3]) = add(%0, %1)
                  elementwise(arena:t0@0 : f32[B,3], w:scale : f32[3]) -> out:y : f32[B,3] = sub(%0, %1)
                }
                """, KernelPrinter.print(TestKernels.prepared()));
    }

    @Test void printsExpressions() {
        assertEquals("%0", KernelPrinter.expr(x(0)));
        assertEquals("-0.0", KernelPrinter.expr(c(-0.0)));
        assertEquals("nan", KernelPrinter.expr(c(Double.NaN)));
        assertEquals("inf", KernelPrinter.expr(c(Double.POSITIVE_INFINITY)));
        assertEquals("1.0E-300", KernelPrinter.expr(c(1e-300)));
        assertEquals("gelu_tanh(rsqrt(%2))", KernelPrinter.expr(un(UnaryFn.GELU_TANH, un(UnaryFn.RSQRT, x(2)))));
        assertEquals("pow(min(%0, 2.0), max(%1, -3.5))", KernelPrinter.expr(
                bin(BinaryFn.POW, bin(BinaryFn.MIN, x(0), c(2)), bin(BinaryFn.MAX, x(1), c(-3.5)))));
    }

    @Test void quotesNamesThatAreNotDottedIdentifiers() {
        assertEquals("encoder.layer.0.x", KernelPrinter.name("encoder.layer.0.x"));
        assertEquals("_a1.b_2", KernelPrinter.name("_a1.b_2"));
        assertEquals("\"0abc\"", KernelPrinter.name("0abc"));
        assertEquals("\"a..b\"", KernelPrinter.name("a..b"));
        assertEquals("\"a.\"", KernelPrinter.name("a."));
        assertEquals("\".a\"", KernelPrinter.name(".a"));
        assertEquals("\"a b\"", KernelPrinter.name("a b"));
        assertEquals("\"q\\\"\\\\\\n\"", KernelPrinter.name("q\"\\\n"));
        assertEquals("\"\"", KernelPrinter.name(""));
        assertEquals("\"n\u00e9\"", KernelPrinter.name("n\u00e9"));
    }

    @Test void printsOffsetsOfNonArenaBufsOnlyWhenNotZero() {
        assertEquals("in:x : f32[2]", KernelPrinter.buf(in("x", f32(2))));
        assertEquals("in:x@3 : f32[2]", KernelPrinter.buf(new Buf(Space.INPUT, "x", Dim.of(3), f32(2))));
        assertEquals("arena:t@0 : f32[2]", KernelPrinter.buf(arena("t", Dim.of(0), f32(2))));
        assertEquals("arena:\"t 1\"@(B+1)*4 : f32[]", KernelPrinter.buf(arena("t 1", B.plus(Dim.of(1)).times(Dim.of(4)), f32())));
    }

    @Test void printsBrokenKernelsWithoutThrowing() {
        assertEquals("matmul(?, ?) -> ? {transA=false, transB=false}",
                KernelPrinter.print(new MatMul(null, null, null, null, false, false, null)));
        assertEquals("conv2d(?, ?) -> arena:t@? : ? {stride=?, padding=[1,?], dilation=[], groups=0, layout=?} epilogue() = ?",
                KernelPrinter.print(new Conv2d(new Buf(Space.ARENA, "t", null, null), null, null, null,
                        null, Arrays.asList(1, null), List.of(), 0, null, null, new Epilogue(List.of(), null))));
        assertEquals("elementwise() -> ? = add(?, %-1)",
                KernelPrinter.print(new Elementwise(null, List.of(), bin(BinaryFn.ADD, null, x(-1)))));
        assertEquals("<null kernel>", KernelPrinter.print((Kernel) null));
    }
}
