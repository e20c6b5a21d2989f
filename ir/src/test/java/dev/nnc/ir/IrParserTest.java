package dev.nnc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.DType;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IrParserTest {

    static void assertRoundTrip(Graph g) {
        String text = IrPrinter.print(g);
        Graph back = IrParser.parse(text);
        assertEquals(g, back, text);
        assertEquals(text, IrPrinter.print(back));
    }

    @Test void roundTripsMnist() { assertRoundTrip(TestGraphs.mnist()); }

    @Test void roundTripsEveryOpAndAttributeKind() {
        Graph g = TestGraphs.everyOp();
        Verifier.verify(g);
        Set<Op> ops = EnumSet.noneOf(Op.class);
        Set<AttrKind> kinds = EnumSet.noneOf(AttrKind.class);
        for (Node n : g.nodes()) {
            ops.add(n.op());
            for (AttrSpec s : n.op().attrs()) kinds.add(s.kind());
        }
        assertEquals(EnumSet.allOf(Op.class), ops);
        assertEquals(EnumSet.allOf(AttrKind.class), kinds);
        assertRoundTrip(g);
    }

    @Test void roundTripsRandomGraphs() {
        Set<Op> seen = EnumSet.noneOf(Op.class);
        for (long seed = 0; seed < 300; seed++) {
            Graph g = TestGraphs.random(seed, 25, seen);
            Verifier.verify(g);
            assertRoundTrip(g);
        }
        assertEquals(TestGraphs.inferredOps(), seen, "ops the random graphs never produced");
    }

    @Test void readsHandWrittenText() {
        Graph g = IrParser.parse("""
                // a comment before the graph
                graph Tiny{
                  %0 = input {name = "x"} : f32[B, 3, H, W]   // trailing comment
                  %1=param{name="w"}:f32[8,3,3,3]
                  %2 = conv2d(%0,%1) {groups=1, stride=[1, 1]} : f32[B,8,H-2,W-2]
                  %3 = constant {value=1} : f32[]
                  %4 = constant {value=-1e-5} : f32[]
                  %5 = constant {value=-inf} : f32[]
                  %6 = constant {value=nan} : f32[]
                  %7 = reshape(%2) {shape=[B, 8 * (H - 2), W-2]} : f32[B,(H-2)*8,W-2]
                  return y = %7, "z z" = %2
                }
                """);
        assertEquals("Tiny", g.name());
        assertEquals(8, g.nodes().size());
        Node conv = g.nodes().get(2);
        assertEquals(List.of(1L, 1L), conv.attrs().get("stride"));
        assertEquals(List.of(0L, 0L, 0L, 0L), conv.attrs().get("padding"), "missing attributes get their defaults");
        assertEquals(List.of("stride", "padding", "dilation", "groups"), List.copyOf(conv.attrs().values().keySet()));
        assertEquals("zeros", g.nodes().get(1).attrs().get("init"));
        assertInstanceOf(Long.class, conv.attrs().get("groups"));
        assertEquals(1.0, g.nodes().get(3).attrs().get("value"));
        assertEquals(-1e-5, g.nodes().get(4).attrs().get("value"));
        assertEquals(Double.NEGATIVE_INFINITY, g.nodes().get(5).attrs().get("value"));
        assertEquals(Double.NaN, g.nodes().get(6).attrs().get("value"));
        Dim h = Dim.sym("H");
        assertEquals(List.of(Dim.sym("B"), h.minus(Dim.of(2)).times(Dim.of(8)), Dim.sym("W").minus(Dim.of(2))),
                g.nodes().get(7).attrs().get("shape"));
        assertEquals(g.nodes().get(7).type().shape().dims(), g.nodes().get(7).attrs().get("shape"));
        assertEquals(conv.result(), g.outputs().get(1).value());
        assertEquals("z z", g.outputs().get(1).name());
        assertEquals(conv.operand(0).type(), g.nodes().get(0).type(), "operands carry their definitions' types");
        Verifier.verify(g);
    }

    @Test void doesNotReinferTypes() {
        Graph g = IrParser.parse("""
                graph G {
                  %0 = input {name="x"} : f32[2]
                  %1 = relu(%0) : i64[7]
                  return y=%1
                }
                """);
        assertEquals("i64[7]", g.nodes().get(1).type().toString());
        assertThrows(VerifyException.class, () -> Verifier.verify(g));
    }

    @Test void parsesTypesAndDims() {
        assertEquals(new TensorType(DType.BOOL, Shape.SCALAR), IrParser.parseType("bool[]"));
        assertEquals(Dim.sym("S").plus(Dim.of(1)).times(Dim.of(2)), IrParser.parseDim("(S+1)*2"));
        assertEquals(Dim.of(7), IrParser.parseDim("1+2*3"));
        assertEquals(Dim.of(2), IrParser.parseDim("(4-2)*3/3"));
        assertEquals(Dim.sym("B").times(Dim.of(6)), IrParser.parseDim("2*(B*3)"));
    }

    static IrParseException error(String text) {
        return assertThrows(IrParseException.class, () -> IrParser.parse(text));
    }

    static final String HEAD = "graph G {\n  %0 = input {name=\"x\"} : f32[B,4]\n";

    @Test void syntaxErrorsCarryLineAndColumn() {
        IrParseException e = error(HEAD + "  %1 = abs(%0{ : f32[B,4]\n  return y=%1\n}\n");
        assertEquals("3:14: expected ')' but found '{'", e.getMessage());
        assertEquals(3, e.line());
        assertEquals(14, e.column());
        assertEquals("expected ')' but found '{'", e.detail());
        assertEquals("1:1: expected 'graph' but found 'grph'", error("grph G {}").getMessage());
        assertEquals("3:1: expected a node or 'return' but found '}'", error(HEAD + "}").getMessage());
        assertEquals("4:3: expected end of input but found 'graph'", error(HEAD + "  return\n} graph").getMessage());
        assertEquals("3:3: expected a node or 'return' but found end of input", error(HEAD + "  ").getMessage());
        assertEquals("3:17: expected ':' but found 'f32'", error(HEAD + "  %1 = relu(%0) f32\n  return\n}").getMessage());
        assertEquals("3:13: expected a value such as %0 but found '0'", error(HEAD + "  %1 = relu(0) : f32[B,4]\n").getMessage());
        assertEquals("3:25: expected a dimension but found ']'", error(HEAD + "  %1 = relu(%0) : f32[B,]\n").getMessage());
        assertEquals("5:6: expected '=' but found '%1'",
                error(HEAD + "  // a comment line\n  %1 = relu(%0) : f32[B,4]\n  %2 %1\n").getMessage());
    }

    @Test void lexicalErrors() {
        assertEquals("3:20: unterminated string", error(HEAD + "  %1 = input {name=\"abc\n").getMessage());
        assertEquals("3:23: unknown escape \\q (use \\\" \\\\ \\n \\r \\t or \\uXXXX)",
                error(HEAD + "  %1 = input {name=\"ab\\q\"} : f32[]\n").getMessage());
        assertEquals("3:3: unexpected character '#'", error(HEAD + "  # nope\n").getMessage());
        assertEquals("3:3: expected a value number after '%'", error(HEAD + "  % = relu(%0)\n").getMessage());
    }

    @Test void semanticErrors() {
        assertEquals("3:8: unknown op 'relu6'", error(HEAD + "  %1 = relu6(%0) : f32[B,4]\n").getMessage());
        assertEquals("3:21: softmax has no attribute 'dim' (it has axis)",
                error(HEAD + "  %1 = softmax(%0) {dim=1} : f32[B,4]\n").getMessage());
        assertEquals("3:29: attribute 'axis' is given twice",
                error(HEAD + "  %1 = softmax(%0) {axis=1, axis=0} : f32[B,4]\n").getMessage());
        assertEquals("3:26: expected an integer but found the float 1.5",
                error(HEAD + "  %1 = softmax(%0) {axis=1.5} : f32[B,4]\n").getMessage());
        assertEquals("3:43: expected true or false for 'keepdims' but found '1'",
                error(HEAD + "  %1 = reduce_sum(%0) {axes=[1], keepdims=1} : f32[B]\n").getMessage());
        assertEquals("3:30: expected a string for 'approximate' but found 'tanh'",
                error(HEAD + "  %1 = gelu(%0) {approximate=tanh} : f32[B,4]\n").getMessage());
        assertEquals("3:8: reshape needs attribute 'shape'", error(HEAD + "  %1 = reshape(%0) : f32[B,4]\n").getMessage());
        assertEquals("3:16: %5 is not defined before its use", error(HEAD + "  %1 = add(%0, %5) : f32[B,4]\n").getMessage());
        assertEquals("3:3: %0 is already defined on line 2", error(HEAD + "  %0 = relu(%0) : f32[B,4]\n").getMessage());
        assertEquals("3:19: unknown element type 'f33'", error(HEAD + "  %1 = relu(%0) : f33[B,4]\n").getMessage());
        assertEquals("3:24: unknown element type 'f64'", error(HEAD + "  %1 = cast(%0) {dtype=f64} : f32[B,4]\n").getMessage());
        assertEquals("3:24: invalid dimension 2-5", error(HEAD + "  %1 = relu(%0) : f32[2-5]\n").getMessage());
        assertEquals("3:26: integer 99999999999999999999 is out of range",
                error(HEAD + "  %1 = softmax(%0) {axis=99999999999999999999} : f32[B,4]\n").getMessage());
        assertEquals("4:16: output 'y' is returned twice", error(HEAD + "  %1 = relu(%0) : f32[B,4]\n  return y=%1, y=%0\n}").getMessage());
        assertEquals("3:12: %9 is not defined before its use", error(HEAD + "  return y=%9\n}").getMessage());
    }
}
