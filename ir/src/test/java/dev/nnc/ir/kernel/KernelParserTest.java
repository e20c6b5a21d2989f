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
import dev.nnc.ir.kernel.Kernel.Elementwise;
import dev.nnc.ir.kernel.Kernel.LayerNorm;
import dev.nnc.ir.kernel.Kernel.MatMul;
import dev.nnc.ir.kernel.Kernel.Slice;
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
        boolean noBias = false, withBias = false;
        for (Kernel k : p.kernels()) {
            ops.add(KernelOp.of(k));
            if (k instanceof Elementwise e) TestKernels.functions(e.expr(), fns);
            if (k instanceof MatMul m) {
                noBias |= m.bias() == null;
                withBias |= m.bias() != null;
            }
        }
        assertEquals(EnumSet.allOf(KernelOp.class), ops);
        Set<Object> all = new HashSet<>(List.of(UnaryFn.values()));
        all.addAll(List.of(BinaryFn.values()));
        assertEquals(all, fns);
        assertTrue(noBias && withBias);
        assertRoundTrip(p);
    }

    @Test void roundTripsRandomPrograms() {
        Set<KernelOp> ops = EnumSet.noneOf(KernelOp.class);
        Set<Object> fns = new HashSet<>();
        for (long seed = 0; seed < 300; seed++) {
            KernelProgram p = RandomKernels.generate(seed, 15);
            for (Kernel k : p.kernels()) {
                ops.add(KernelOp.of(k));
                if (k instanceof Elementwise e) TestKernels.functions(e.expr(), fns);
            }
            assertRoundTrip(p);
        }
        assertEquals(EnumSet.allOf(KernelOp.class), ops, "kernels the random programs never produced");
        assertEquals(UnaryFn.values().length + BinaryFn.values().length, fns.size(), "functions never produced");
    }

    @Test void roundTripsProgramsTheVerifierRejects() {
        // The text form is lossless for broken programs too, so that they can be printed and reread while debugging.
        Buf offsetInput = new Buf(Space.INPUT, "x", Dim.of(4), f32(2));
        KernelProgram p = new KernelProgram("", List.of(offsetInput), List.of(), List.of(out("y", f32(2))), Dim.of(0), List.of(
                new Concat(out("y", f32(2)), List.of(), -1),
                new Slice(arena("t", B.minus(Dim.of(1)), f32(2)), offsetInput, ints(-3, 0), ints()),
                new Elementwise(new Buf(Space.OUTPUT, "y", Dim.of(1), f32(2)), List.of(), x(7)),
                new LayerNorm(out("y", type(DType.I8, 2)), offsetInput, offsetInput, offsetInput, -1, Double.NaN)));
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
        assertEquals(new MatMul(out("y", f32(2, 2)), in("a", f32(2, 3)), w("b", f32(3, 2)), null, false, false, true),
                KernelParser.parseKernel("matmul(in:a : f32[2,3], w:b : f32[3,2]) -> out:y : f32[2,2] {relu=true, transB=false, transA=false}"));
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
        assertError("kernels K {\n  inputs x : f32[4]\n}", 2, 3, "expected 'input', 'weight', 'output' or 'arena' but found 'inputs'");
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
        assertError(HEAD + "  matmul(in:x : f32[4]) -> out:y : f32[4] {transA=false, transB=false, relu=false}\n}", 4, 23,
                "matmul reads 2 or 3 buffers but has 1");
        assertError(HEAD + "  iota(in:x : f32[4]) -> out:y : f32[4] {axis=0}\n}", 4, 21, "iota reads 0 buffers but has 1");
        assertError(HEAD + "  softmax(in:x : f32[4]) out:y : f32[4] {axis=0}\n}", 4, 26, "expected '->' but found 'out'");
        assertError(HEAD + "  softmax(in:x : f32[4]) -> out:y : f32[4] {axes=0}\n}", 4, 45, "softmax has no attribute 'axes' (it has axis)");
        assertError(HEAD + "  softmax(in:x : f32[4]) -> out:y : f32[4] {axis=0, axis=1}\n}", 4, 53, "attribute 'axis' is given twice");
        assertError(HEAD + "  softmax(in:x : f32[4]) -> out:y : f32[4] {}\n}", 4, 45, "softmax needs attribute 'axis'");
        assertError(HEAD + "  softmax(in:x : f32[4]) -> out:y : f32[4] {axis=1.5}\n}", 4, 50, "expected an integer but found the float 1.5");
        assertError(HEAD + "  softmax(in:x : f32[4]) -> out:y : f32[4] {axis=3000000000}\n}", 4, 50, "integer 3000000000 is out of range");
        assertError(HEAD + "  softmax(in:x : f32[4]) -> out:y : f32[4] {axis=-3000000000}\n}", 4, 50, "integer -3000000000 is out of range");
        assertError(HEAD + "  transpose(in:x : f32[4]) -> out:y : f32[4] {perm=0}\n}", 4, 52, "expected '[' but found '0'");
        assertError(HEAD + "  matmul(in:x : f32[4], in:x : f32[4]) -> out:y : f32[4] {transA=0, transB=false, relu=false}\n}", 4, 66,
                "expected true or false for 'transA' but found '0'");
        assertError(HEAD + "  layer_norm(in:x : f32[4], in:x : f32[4], in:x : f32[4]) -> out:y : f32[4] {axis=0, eps=x}\n}", 4, 90,
                "expected a number but found 'x'");
        assertError(HEAD + "  softmax(in:x : f32[4]) -> out:y : f32[4] = %0\n}", 4, 44, "expected '{' but found '='");
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
        assertError("kernels K {\n  input x : f32[99999999999999999999]\n}", 2, 17, "dimension 99999999999999999999 is out of range");
        assertError("kernels K {\n  input x : f32[2-3]\n}", 2, 18, "invalid dimension 2-3");
    }
}
