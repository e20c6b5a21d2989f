package dev.nnc.ir.kernel;

import static dev.nnc.ir.kernel.TestKernels.B;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.Dim;
import dev.nnc.ir.IrParser;
import dev.nnc.ir.kernel.Expr.BinaryFn;
import dev.nnc.ir.kernel.Expr.UnaryFn;
import dev.nnc.ir.kernel.Kernel.Concat;
import dev.nnc.ir.kernel.Kernel.Conv2d;
import dev.nnc.ir.kernel.Kernel.Elementwise;
import dev.nnc.ir.kernel.Kernel.Epilogue;
import dev.nnc.ir.kernel.Kernel.LayerNorm;
import dev.nnc.ir.kernel.Kernel.Layout;
import dev.nnc.ir.kernel.Kernel.MatMul;
import dev.nnc.ir.kernel.Kernel.Pool2d;
import dev.nnc.ir.kernel.Kernel.Slice;
import dev.nnc.ir.kernel.Kernel.Softmax;
import dev.nnc.runtime.DType;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KernelParserTest {

    static void assertRoundTrip(KernelProgram p) {
        String text = KernelPrinter.print(p);
        KernelProgram back = KernelParser.parse(text);
        assertEquals(p, back, text);
        assertEquals(text, KernelPrinter.print(back));
        for (Kernel k : p.kernels()) {
            assertEquals(k, KernelParser.parseKernel(KernelPrinter.print(k)));
            assertEquals(k.ins(), KernelOp.operands(k), "the printer's operand list must be ins()");
        }
    }

    @Test void roundTripsTiny() { assertRoundTrip(TestKernels.tiny()); }

    @Test void roundTripsEveryKindAndExpressionForm() {
        KernelProgram p = TestKernels.everyKind();
        Set<KernelOp> ops = EnumSet.noneOf(KernelOp.class);
        Set<Object> fns = new HashSet<>();
        boolean noBias = false, withBias = false, scaled = false, residual = false;
        for (Kernel k : p.kernels()) {
            ops.add(KernelOp.of(k));
            if (k instanceof Elementwise e) TestKernels.functions(e.expr(), fns);
            if (k instanceof MatMul m) {
                noBias |= m.bias() == null;
                withBias |= m.bias() != null;
            }
            scaled |= k instanceof Softmax sm && sm.scale() != 1.0;
            residual |= k instanceof LayerNorm ln && ln.residual() != null;
        }
        assertTrue(scaled && residual, "a scaled softmax and a layer norm with a residual");
        assertEquals(EnumSet.allOf(KernelOp.class), ops);
        Set<Object> all = new HashSet<>(List.of(UnaryFn.values()));
        all.addAll(List.of(BinaryFn.values()));
        assertEquals(all, fns);
        assertTrue(noBias && withBias);
        assertRoundTrip(p);
    }

    @Test void roundTripsEpiloguesAndLayouts() {
        KernelProgram p = TestKernels.everyKind();
        boolean withBufs = false, withoutBufs = false, relu = false, nhwcConv = false, nhwcPool = false, fromNchw = false;
        for (Kernel k : p.kernels()) {
            Epilogue e = KernelOp.epilogue(k);
            if (e != null && !e.isNone()) {
                relu |= e.isRelu();
                withBufs |= !e.ins().isEmpty();
                withoutBufs |= e.ins().isEmpty() && !e.isRelu();
            }
            nhwcConv |= k instanceof Conv2d c && c.layout() == Layout.NHWC && c.inputLayout() == Layout.NHWC;
            fromNchw |= k instanceof Conv2d c && c.layout() == Layout.NHWC && c.inputLayout() == Layout.NCHW;
            nhwcPool |= k instanceof Pool2d pool && pool.layout() == Layout.NHWC;
        }
        assertTrue(withBufs && withoutBufs && relu && nhwcConv && nhwcPool && fromNchw);
        assertRoundTrip(p);
    }

    /** input_layout is printed only when it differs from layout, and read back as layout when left out. */
    @Test void printsTheInputLayoutOnlyWhenItDiffers() {
        String same = "conv2d(in:x : f32[1,5,5,3], w:k : f32[2,3,3,3]) -> out:y : f32[1,3,3,2] {stride=[1,1],"
                + " padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc}";
        String fused = "conv2d(in:x : f32[1,3,5,5], w:k : f32[2,3,3,3]) -> out:y : f32[1,3,3,2] {stride=[1,1],"
                + " padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc, input_layout=nchw}";
        Conv2d a = (Conv2d) KernelParser.parseKernel(same), b = (Conv2d) KernelParser.parseKernel(fused);
        assertEquals(Layout.NHWC, a.inputLayout());
        assertEquals(Layout.NCHW, b.inputLayout());
        assertEquals(same, KernelPrinter.print(a));
        assertEquals(fused, KernelPrinter.print(b));
        assertEquals(a, KernelParser.parseKernel(same.replace("layout=nhwc}", "layout=nhwc, input_layout=nhwc}")),
                "an input_layout equal to layout may be given");
        assertEquals(b, KernelParser.parseKernel(fused.replace("groups=1, layout=nhwc, input_layout=nchw",
                "input_layout=nchw, groups=1, layout=nhwc")), "in any order");
        assertError(HEAD + "  conv2d(in:x : f32[4], w:x : f32[4]) -> out:y : f32[4] {stride=[1,1], padding=[0,0,0,0],"
                + " dilation=[1,1], groups=1, layout=nhwc, input_layout=nhcw}\n}", 4, 143,
                "expected a layout (nchw or nhwc) for 'input_layout' but found 'nhcw'");
    }

    /** A fused max pooling prints as pool=[kh,kw] after the layouts, and only when there is one. */
    @Test void roundTripsAFusedPooling() {
        String text = "conv2d(in:x : f32[1,3,9,9], w:k : f32[2,3,3,3]) -> out:y : f32[1,3,3,2] {stride=[1,1],"
                + " padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc, input_layout=nchw, pool=[2,2]} epilogue() = relu(%0)";
        Conv2d c = (Conv2d) KernelParser.parseKernel(text);
        assertEquals(List.of(2, 2), c.pool());
        assertEquals(text, KernelPrinter.print(c));
        Conv2d plain = (Conv2d) KernelParser.parseKernel(text.replace(", pool=[2,2]", ""));
        assertEquals(List.of(), plain.pool());
        assertEquals(text.replace(", pool=[2,2]", ""), KernelPrinter.print(plain));
    }

    @Test void roundTripsDerivedWeightsAndPrepareKernels() {
        KernelProgram p = TestKernels.prepared();
        KernelVerifier.verify(p);
        String text = KernelPrinter.print(p);
        assertTrue(text.contains("\n  derived fc.weight.t : f32[4,3]\n"), text);
        assertTrue(text.contains("\n  prepare transpose(w:fc.weight : f32[3,4]) -> w:fc.weight.t : f32[4,3] {perm=[1,0]}\n"), text);
        assertRoundTrip(p);
        KernelProgram back = KernelParser.parse(text);
        assertEquals(p.derived(), back.derived());
        assertEquals(p.prepare(), back.prepare());
        for (Kernel k : p.prepare()) assertEquals(k, KernelParser.parseKernel(KernelPrinter.print(k)));
    }

    @Test void readsEpiloguesDerivedWeightsAndPrepareKernelsByHand() {
        KernelProgram p = KernelParser.parse("""
                kernels K {
                  input x : f32[B,1,4,4]
                  weight k : f32[2,1,3,3]
                  derived k2 : f32[2,1,3,3]
                  output y : f32[B,2,2,2]
                  arena B*8
                  prepare elementwise(w:k : f32[2,1,3,3]) -> w:k2 : f32[2,1,3,3] = mul(%0, 2)
                  conv2d(in:x : f32[B,1,4,4], w:k2 : f32[2,1,3,3]) -> arena:t@0 : f32[B,2,2,2]
                      {layout=nchw, groups=1, dilation=[1,1], padding=[0,0,0,0], stride=[1,1]}
                      epilogue(in:x : f32[B,1,4,4]) = %0
                  conv2d(arena:t@0 : f32[B,2,2,2], w:k2 : f32[2,1,3,3]) -> out:y : f32[B,2,2,2]
                      {layout=nhwc, groups=1, dilation=[1,1], padding=[1,1,1,1], stride=[1,1]} epilogue() = relu(%0)
                }
                """);
        Buf k2 = w("k2", f32(2, 1, 3, 3));
        assertEquals(List.of(k2), p.derived());
        assertEquals(List.of(new Elementwise(k2, List.of(w("k", f32(2, 1, 3, 3))), bin(BinaryFn.MUL, x(0), c(2)))), p.prepare());
        Conv2d first = (Conv2d) p.kernels().get(0), second = (Conv2d) p.kernels().get(1);
        assertEquals(Layout.NCHW, first.layout());
        // An identity expression with bufs is still an epilogue (it reads them), so it is kept.
        assertEquals(new Epilogue(List.of(in("x", f32(B, 1, 4, 4))), x(0)), first.epilogue());
        assertEquals(Layout.NHWC, second.layout());
        assertEquals(Epilogue.RELU, second.epilogue());
        assertEquals(2, p.kernels().size());
    }

    /** A softmax scale may be left out (it is then 1); a layer norm's fourth buf is its residual. */
    @Test void readsRowFusionFormsByHand() {
        Buf x = in("x", f32(B, 4)), g = w("g", f32(4)), b = w("b", f32(4)), r = in("r", f32(B, 4));
        assertEquals(new Softmax(out("y", f32(B, 4)), x, 1, 1.0, false),
                KernelParser.parseKernel("softmax(in:x : f32[B,4]) -> out:y : f32[B,4] {axis=1}"));
        assertEquals(new Softmax(out("y", f32(B, 4)), x, 1, 0.125, true),
                KernelParser.parseKernel("log_softmax(in:x : f32[B,4]) -> out:y : f32[B,4] {scale=0.125, axis=1}"));
        assertEquals(new Softmax(out("y", f32(B, 4)), x, 1, 1.0, false),
                KernelParser.parseKernel("softmax(in:x : f32[B,4]) -> out:y : f32[B,4] {axis=1, scale=1}"));
        assertEquals(new LayerNorm(out("y", f32(B, 4)), x, g, b, r, 1, 1e-5), KernelParser.parseKernel(
                "layer_norm(in:x : f32[B,4], w:g : f32[4], w:b : f32[4], in:r : f32[B,4]) -> out:y : f32[B,4] {axis=1, eps=1e-5}"));
        assertEquals(new LayerNorm(out("y", f32(B, 4)), x, g, b, null, 1, 1e-5), KernelParser.parseKernel(
                "layer_norm(in:x : f32[B,4], w:g : f32[4], w:b : f32[4]) -> out:y : f32[B,4] {axis=1, eps=1e-5}"));
    }

    @Test void roundTripsRandomPrograms() {
        Set<KernelOp> ops = EnumSet.noneOf(KernelOp.class);
        Set<Object> fns = new HashSet<>();
        Set<String> forms = new HashSet<>();
        for (long seed = 0; seed < 300; seed++) {
            KernelProgram p = RandomKernels.generate(seed, 15);
            for (Kernel k : p.kernels()) {
                ops.add(KernelOp.of(k));
                if (k instanceof Elementwise e) TestKernels.functions(e.expr(), fns);
                Epilogue e = KernelOp.epilogue(k);
                if (e != null) forms.add(e.isNone() ? "none" : e.isRelu() ? "relu" : "epilogue with " + Math.min(e.ins().size(), 2) + " bufs");
                if (k instanceof Conv2d c) forms.add("conv2d " + c.layout());
                if (k instanceof Pool2d pool) forms.add("pool " + pool.layout());
                if (k instanceof Softmax sm) forms.add(sm.scale() == 1.0 ? "softmax" : "scaled softmax");
                if (k instanceof LayerNorm ln) forms.add(ln.residual() == null ? "layer_norm" : "layer_norm with residual");
            }
            assertRoundTrip(p);
        }
        assertEquals(EnumSet.allOf(KernelOp.class), ops, "kernels the random programs never produced");
        assertEquals(Set.of("none", "relu", "epilogue with 0 bufs", "epilogue with 1 bufs", "epilogue with 2 bufs",
                "conv2d NCHW", "conv2d NHWC", "pool NCHW", "pool NHWC", "softmax", "scaled softmax", "layer_norm",
                "layer_norm with residual"), forms);
        assertEquals(UnaryFn.values().length + BinaryFn.values().length, fns.size(), "functions never produced");
    }

    @Test void roundTripsProgramsTheVerifierRejects() {
        // The text form is lossless for broken programs too, so that they can be printed and reread while debugging.
        Buf offsetInput = new Buf(Space.INPUT, "x", Dim.of(4), f32(2));
        KernelProgram p = new KernelProgram("", List.of(offsetInput), List.of(), List.of(out("y", f32(2))), Dim.of(0), List.of(
                new Concat(out("y", f32(2)), List.of(), -1),
                new Slice(arena("t", B.minus(Dim.of(1)), f32(2)), offsetInput, ints(-3, 0), ints()),
                new Elementwise(new Buf(Space.OUTPUT, "y", Dim.of(1), f32(2)), List.of(), x(7)),
                new LayerNorm(out("y", type(DType.I8, 2)), offsetInput, offsetInput, offsetInput, null, -1, Double.NaN),
                new LayerNorm(out("y", f32(2)), offsetInput, offsetInput, offsetInput, offsetInput, 0, 1e-5),
                new Softmax(out("y", f32(2)), offsetInput, 0, Double.NaN, true)));
        assertTrue(!KernelVerifier.problems(p).isEmpty());
        assertRoundTrip(p);
    }

    @Test void readsHandWrittenText() {
        KernelProgram p = KernelParser.parse("""
                // the whole model
                kernels   "my model"{
                  output y:f32[B , 4]       // declarations in any order
                  input  x : f32[B,4]
                  weight encoder.layer.0.w : f32[4]
                  arena B * 4
                  elementwise(in:x:f32[B,4], w:encoder.layer.0.w : f32[4])
                      -> arena:t@0 : f32[B,4]
                      = add(mul(%0, -2), sub(%1, -inf))
                  softmax(arena:t@0 : f32[B,4]) -> out:y : f32[B,4] { axis = 1 }
                  layer_norm(arena:t@0 : f32[B,4], w:g : f32[4], w:b : f32[4]) -> arena:"t 2"@0 : f32[B,4] {eps=1e-5, axis=-1}
                }
                """);
        assertEquals("my model", p.name());
        assertEquals(List.of(in("x", f32(B, 4))), p.inputs());
        assertEquals(List.of(w("encoder.layer.0.w", f32(4))), p.weights());
        assertEquals(List.of(out("y", f32(B, 4))), p.outputs());
        assertEquals(B.times(Dim.of(4)), p.arenaSize());
        assertEquals(bin(BinaryFn.ADD, bin(BinaryFn.MUL, x(0), c(-2)), bin(BinaryFn.SUB, x(1), c(Double.NEGATIVE_INFINITY))),
                ((Elementwise) p.kernels().get(0)).expr());
        LayerNorm ln = (LayerNorm) p.kernels().get(2);
        assertEquals(-1, ln.axis());
        assertEquals(1e-5, ln.eps());
        assertEquals(arena("t 2", Dim.of(0), f32(B, 4)), ln.out());
    }

    @Test void readsExpressionsAndKernelsAlone() {
        assertEquals(un(UnaryFn.NEG, bin(BinaryFn.POW, x(12), c(Double.NaN))), KernelParser.parseExpr("neg(pow(%12, nan))"));
        assertEquals(c(-0.0), KernelParser.parseExpr("-0.0"));
        assertEquals(c(3), KernelParser.parseExpr("3"));
        assertEquals(c(2.5e-7), KernelParser.parseExpr("2.5E-7"));
        assertEquals(new MatMul(out("y", f32(2, 2)), in("a", f32(2, 3)), w("b", f32(3, 2)), null, false, false, Epilogue.RELU),
                KernelParser.parseKernel("matmul(in:a : f32[2,3], w:b : f32[3,2]) -> out:y : f32[2,2] {transB=false, transA=false}"
                        + " epilogue() = relu(%0)"));
        assertEquals(new MatMul(out("y", f32(2, 2)), in("a", f32(2, 3)), w("b", f32(3, 2)), null, false, false, Epilogue.NONE),
                KernelParser.parseKernel("matmul(in:a : f32[2,3], w:b : f32[3,2]) -> out:y : f32[2,2] {transB=false, transA=false}"));
    }

    /** Dims and types read exactly as the graph IR reads them. */
    @Test void readsDimsAsTheGraphIrDoes() {
        for (String dims : List.of("B", "B*4", "4*B", "(B+1)*4", "B*4+512", "B-1-2", "B-(2-1)", "D/heads", "2*(S*3)",
                "(S*8)/2", "B*S*64", "1+B", "B+0", "0*B", "B/B", "x1_y")) {
            String t = "f32[" + dims + ",3]";
            KernelProgram p = KernelParser.parse("kernels K { input x : " + t + " arena " + dims + " }");
            assertEquals(IrParser.parseType(t), p.inputs().get(0).type(), t);
            assertEquals(IrParser.parseDim(dims), p.arenaSize(), dims);
        }
    }

    static void assertError(String text, int line, int col, String detail) {
        KernelParseException e = assertThrows(KernelParseException.class, () -> KernelParser.parse(text), text);
        assertEquals(detail, e.detail(), text);
        assertEquals(line + ":" + col, e.line() + ":" + e.column(), e.getMessage());
        assertEquals(line + ":" + col + ": " + detail, e.getMessage());
    }

    static final String HEAD = "kernels K {\n  input x : f32[4]\n  arena 8\n";

    @Test void reportsSyntaxErrorsWithLineAndColumn() {
        assertError("graph K {}", 1, 1, "expected 'kernels' but found 'graph'");
        assertError("kernels K {\n  inputs x : f32[4]\n}", 2, 3, "expected 'input', 'weight', 'derived', 'output' or 'arena' but found 'inputs'");
        assertError("kernels K {\n  input x : f33[4]\n}", 2, 13, "unknown element type 'f33'");
        assertError("kernels K {\n  input x : f32[4,]\n}", 2, 19, "expected a dimension but found ']'");
        assertError("kernels K {\n  input x : f32[4]\n  arena 8\n", 4, 1, "expected '}' but found end of input");
        assertError("kernels K {\n  arena 8\n}\n}", 4, 1, "expected end of input but found '}'");
        assertError(HEAD + "  relu(in:x : f32[4]) -> out:y : f32[4]\n}", 4, 3, "unknown kernel 'relu' (expected one of elementwise, "
                + "matmul, conv2d, max_pool2d, avg_pool2d, reduce_sum, reduce_mean, reduce_max, softmax, log_softmax, "
                + "layer_norm, transpose, slice, concat, gather, iota)");
        assertError(HEAD + "  softmax(x : f32[4]) -> out:y : f32[4] {axis=0}\n}", 4, 11, 
                "expected a buffer such as arena:t0@0 : f32[4] (space in, out, w or arena) but found 'x'");
        assertError(HEAD + "  softmax(input:x : f32[4]) -> out:y : f32[4] {axis=0}\n}", 4, 11,
                "expected a buffer such as arena:t0@0 : f32[4] (space in, out, w or arena) but found 'input'");
        assertError(HEAD + "  softmax(arena:t : f32[4]) -> out:y : f32[4] {axis=0}\n}", 4, 19,
                "expected '@' and the offset of arena buffer 't'");
        assertError(HEAD + "  softmax(in:x : f32[4], in:x : f32[4]) -> out:y : f32[4] {axis=0}\n}", 4, 39,
                "softmax reads 1 buffer but has 2");
        assertError(HEAD + "  matmul(in:x : f32[4]) -> out:y : f32[4] {transA=false, transB=false}\n}", 4, 23,
                "matmul reads 2 or 3 buffers but has 1");
        assertError(HEAD + "  iota(in:x : f32[4]) -> out:y : f32[4] {axis=0}\n}", 4, 21, "iota reads 0 buffers but has 1");
        assertError(HEAD + "  softmax(in:x : f32[4]) out:y : f32[4] {axis=0}\n}", 4, 26, "expected '->' but found 'out'");
        assertError(HEAD + "  softmax(in:x : f32[4]) -> out:y : f32[4] {axes=0}\n}", 4, 45, "softmax has no attribute 'axes' (it has axis, scale)");
        assertError(HEAD + "  softmax(in:x : f32[4]) -> out:y : f32[4] {axis=0, axis=1}\n}", 4, 53, "attribute 'axis' is given twice");
        assertError(HEAD + "  softmax(in:x : f32[4]) -> out:y : f32[4] {}\n}", 4, 45, "softmax needs attribute 'axis'");
        assertError(HEAD + "  softmax(in:x : f32[4]) -> out:y : f32[4] {axis=1.5}\n}", 4, 50, "expected an integer but found the float 1.5");
        assertError(HEAD + "  softmax(in:x : f32[4]) -> out:y : f32[4] {axis=3000000000}\n}", 4, 50, "integer 3000000000 is out of range");
        assertError(HEAD + "  softmax(in:x : f32[4]) -> out:y : f32[4] {axis=-3000000000}\n}", 4, 50, "integer -3000000000 is out of range");
        assertError(HEAD + "  transpose(in:x : f32[4]) -> out:y : f32[4] {perm=0}\n}", 4, 52, "expected '[' but found '0'");
        assertError(HEAD + "  matmul(in:x : f32[4], in:x : f32[4]) -> out:y : f32[4] {transA=0, transB=false}\n}", 4, 66,
                "expected true or false for 'transA' but found '0'");
        assertError(HEAD + "  layer_norm(in:x : f32[4], in:x : f32[4], in:x : f32[4]) -> out:y : f32[4] {axis=0, eps=x}\n}", 4, 90,
                "expected a number but found 'x'");
        assertError(HEAD + "  softmax(in:x : f32[4]) -> out:y : f32[4] = %0\n}", 4, 44, "expected '{' but found '='");
        assertError(HEAD + "  softmax(in:x : f32[4]) -> out:y : f32[4] {scale=0.5, axis=0, scale=2}\n}", 4, 64,
                "attribute 'scale' is given twice");
        assertError(HEAD + "  softmax(in:x : f32[4]) -> out:y : f32[4] {scale=0.5}\n}", 4, 54, "softmax needs attribute 'axis'");
        assertError(HEAD + "  layer_norm(in:x : f32[4], in:x : f32[4], in:x : f32[4], in:x : f32[4], in:x : f32[4]) -> out:y : f32[4] "
                + "{axis=0, eps=0}\n}", 4, 87, "layer_norm reads 3 or 4 buffers but has 5");
        assertError(HEAD + "  elementwise(in:x : f32[4]) -> out:y : f32[4] {axis=0}\n}", 4, 48, "expected '=' but found '{'");
        assertError(HEAD + "  elementwise(in:x : f32[4]) -> out:y : f32[4] = relu(%0, %0)\n}", 4, 50, "relu takes 1 argument but has 2");
        assertError(HEAD + "  elementwise(in:x : f32[4]) -> out:y : f32[4] = add(%0)\n}", 4, 50, "add takes 2 arguments but has 1");
        assertError(HEAD + "  elementwise(in:x : f32[4]) -> out:y : f32[4] = swish(%0)\n}", 4, 50, "unknown function 'swish'");
        assertError(HEAD + "  elementwise(in:x : f32[4]) -> out:y : f32[4] = relu()\n}", 4, 55,
                "expected an expression (%0, a number or fn(...)) but found ')'");
        assertError(HEAD + "  elementwise(in:x : f32[4]) -> out:y : f32[4] = %\n}", 4, 50, "expected an input number after '%'");
        assertError(HEAD + "  elementwise(in:x : f32[4]) -> out:y : f32[4] = %99999999999\n}", 4, 50, "input number %99999999999 is too large");
        assertError(HEAD + "  elementwise(in:x : f32[4]) -> out:y : f32[4] = -%0\n}", 4, 51, "expected a number but found '%0'");
        assertError(HEAD + "  elementwise(in:\"x : f32[4]) -> out:y : f32[4] = %0\n}", 4, 18, "unterminated string");
        assertError(HEAD + "  elementwise(in:\"\\q\" : f32[4]) -> out:y : f32[4] = %0\n}", 4, 19,
                "unknown escape \\q (use \\\" \\\\ \\n \\r \\t or \\uXXXX)");
        assertError(HEAD + "  elementwise(in:\"\\u12\" : f32[4]) -> out:y : f32[4] = %0\n}", 4, 19, "expected four hex digits after \\u");
        assertError(HEAD + "  elementwise(in:x : f32[4]) -> out:y : f32[4] = %0 ;\n}", 4, 53, "unexpected character ';'");
        assertError(HEAD + "  max_pool2d(in:x : f32[4]) -> out:y : f32[4] {kernel=[1,1], stride=[1,1], padding=[0,0,0,0], "
                + "countIncludePad=false, layout=nwhc}\n}", 4, 125, "expected a layout (nchw or nhwc) for 'layout' but found 'nwhc'");
        assertError(HEAD + "  max_pool2d(in:x : f32[4]) -> out:y : f32[4] {kernel=[1,1], stride=[1,1], padding=[0,0,0,0], "
                + "countIncludePad=false}\n}", 4, 116, "max_pool2d needs attribute 'layout'");
        assertError(HEAD + "  max_pool2d(in:x : f32[4]) -> out:y : f32[4] {kernel=[1,1], stride=[1,1], padding=[0,0,0,0], "
                + "countIncludePad=false, layout=nchw} epilogue() = relu(%0)\n}", 4, 131,
                "max_pool2d cannot have an epilogue (only matmul and conv2d can)");
        assertError(HEAD + "  elementwise(in:x : f32[4]) -> out:y : f32[4] = %0 epilogue() = relu(%0)\n}", 4, 53,
                "elementwise cannot have an epilogue (only matmul and conv2d can)");
        assertError(HEAD + "  matmul(in:x : f32[4], in:x : f32[4]) -> out:y : f32[4] {transA=false, transB=false} epilogue = relu(%0)\n}",
                4, 96, "expected '(' but found '='");
        assertError(HEAD + "  matmul(in:x : f32[4], in:x : f32[4]) -> out:y : f32[4] {transA=false, transB=false} epilogue(x) = %0\n}",
                4, 96, "expected a buffer such as arena:t0@0 : f32[4] (space in, out, w or arena) but found 'x'");
        assertError(HEAD + "  matmul(in:x : f32[4], in:x : f32[4]) -> out:y : f32[4] {transA=false, transB=false, relu=true}\n}", 4, 87,
                "matmul has no attribute 'relu' (it has transA, transB)");
        assertError("kernels K {\n  derived d\n}", 3, 1, "expected ':' but found '}'");
        assertError(HEAD + "  prepare\n}", 5, 1, "expected a kernel such as matmul but found '}'");
        assertError(HEAD + "  iota() -> out:y : f32[4] {axis=0}\n  prepare iota() -> w:d : f32[4] {axis=0}\n}", 5, 3,
                "prepare kernels come before the run-time kernels");
        assertError("kernels K {\n  input x : f32[99999999999999999999]\n}", 2, 17, "dimension 99999999999999999999 is out of range");
        assertError("kernels K {\n  input x : f32[2-3]\n}", 2, 18, "invalid dimension 2-3");
    }
}
