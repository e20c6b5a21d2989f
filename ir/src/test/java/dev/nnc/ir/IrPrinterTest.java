package dev.nnc.ir;

import static dev.nnc.ir.TestGraphs.B;
import static dev.nnc.ir.TestGraphs.S;
import static dev.nnc.ir.TestGraphs.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.runtime.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

class IrPrinterTest {

    @Test void mnistGolden() {
        assertEquals("""
                graph MnistCnn {
                  %0 = input {name="image"} : f32[B,1,28,28]
                  %1 = param {name="conv1.weight", init="glorot_uniform"} : f32[32,1,3,3]
                  %2 = param {name="conv1.bias", init="zeros"} : f32[32]
                  %3 = conv2d(%0, %1, %2) {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1} : f32[B,32,26,26]
                  %4 = relu(%3) : f32[B,32,26,26]
                  %5 = constant {value=0.5} : f32[]
                  %6 = reshape(%4) {shape=[B,21632]} : f32[B,21632]
                  return output=%6
                }
                """, IrPrinter.print(TestGraphs.mnist()));
    }

    @Test void attributeFormsGolden() {
        Dim d8 = Dim.sym("D").div(Dim.of(8)), s1 = S.plus(Dim.of(1));
        GraphBuilder g = new GraphBuilder("my model");
        Value x = g.input("say \"hi\"\\\n", new TensorType(DType.F32, Shape.of(B, s1, d8)));
        g.constant(Double.NEGATIVE_INFINITY, DType.F32);
        g.declare(Op.CONSTANT, new TensorType(DType.F16, Shape.of(Dim.of(2), s1.times(Dim.of(2)))), Attrs.of("value", 1e-5));
        g.constant(Double.NaN, DType.F32);
        Value c = g.add(Op.CAST, List.of(x), Attrs.of("dtype", DType.BF16));
        Value m = g.add(Op.REDUCE_MAX, List.of(c), Attrs.of("axes", ints(-1), "keepdims", true));
        Value ge = g.add(Op.GELU, c);
        Value p = g.add(Op.AVG_POOL2D, List.of(g.add(Op.RESHAPE, List.of(ge), Attrs.of("shape", List.of(B, s1, d8, Dim.of(1))))),
                Attrs.of("kernel", ints(1, 1), "stride", ints(1, 1)));
        g.output("the out", m);
        g.output("y", p);
        assertEquals("""
                graph "my model" {
                  %0 = input {name="say \\"hi\\"\\\\\\n"} : f32[B,S+1,D/8]
                  %1 = constant {value=-inf} : f32[]
                  %2 = constant {value=1.0E-5} : f16[2,(S+1)*2]
                  %3 = constant {value=nan} : f32[]
                  %4 = cast(%0) {dtype=bf16} : bf16[B,S+1,D/8]
                  %5 = reduce_max(%4) {axes=[-1], keepdims=true} : bf16[B,S+1,1]
                  %6 = gelu(%4) {approximate="none"} : bf16[B,S+1,D/8]
                  %7 = reshape(%6) {shape=[B,S+1,D/8,1]} : bf16[B,S+1,D/8,1]
                  %8 = avg_pool2d(%7) {kernel=[1,1], stride=[1,1], padding=[0,0,0,0], count_include_pad=true} : bf16[B,S+1,D/8,1]
                  return "the out"=%5, y=%8
                }
                """, IrPrinter.print(g.build()));
    }

    @Test void attributesPrintInDeclaredOrderWhateverTheMapOrder() {
        Node n = new Node(new Value(3, TestGraphs.f32(2, 2)), Op.SLICE, List.of(new Value(1, TestGraphs.f32(4, 4))),
                Attrs.of("steps", ints(1), "ends", ints(2), "axes", ints(0), "starts", ints(0)));
        assertEquals("%3 = slice(%1) {axes=[0], starts=[0], ends=[2], steps=[1]} : f32[2,2]", IrPrinter.print(n));
        assertEquals("%3 = slice(%1)", IrPrinter.head(n));
    }

    @Test void brokenNodesStillPrint() {
        Node n = new Node(new Value(2, TestGraphs.f32(2)), Op.RELU, List.of(), Attrs.of("bogus", 1L));
        assertEquals("%2 = relu {bogus=1} : f32[2]", IrPrinter.print(n));
        assertEquals("%? = <no op> : ?", IrPrinter.print(new Node(null, null, List.of(), null)));
    }

    @Test void valuesAndNames() {
        assertEquals("-0.0", IrPrinter.value(-0.0));
        assertEquals("1.0E20", IrPrinter.value(1e20));
        assertEquals("inf", IrPrinter.value(Double.POSITIVE_INFINITY));
        assertEquals("[]", IrPrinter.value(List.of()));
        assertEquals("\"tab\\there\\u0001\"", IrPrinter.value("tab\there\u0001"));
        assertEquals("x_1", IrPrinter.name("x_1"));
        assertEquals("\"1x\"", IrPrinter.name("1x"));
        assertEquals("\"a.b\"", IrPrinter.name("a.b"));
    }
}
