package dev.nnc.optimizer.kernel;

import static dev.nnc.optimizer.kernel.KernelPassTesting.ABS;
import static dev.nnc.optimizer.kernel.KernelPassTesting.REL;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertClose;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertGolden;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertSameOutputs;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertUnchanged;
import static dev.nnc.optimizer.kernel.KernelPassTesting.lower;
import static dev.nnc.optimizer.kernel.KernelPassTesting.parse;
import static dev.nnc.optimizer.kernel.KernelPassTesting.randomInputs;
import static dev.nnc.optimizer.kernel.KernelPassTesting.randomWeights;
import static dev.nnc.optimizer.kernel.KernelPassTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.ir.Graph;
import dev.nnc.ir.IrParser;
import dev.nnc.ir.interp.Interpreter;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.Kernel.LayerNorm;
import dev.nnc.ir.kernel.Kernel.Softmax;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Lowering;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RowFusionTest {
    private final RowFusion pass = new RowFusion();

    /** Scaled attention scores and a post-norm residual add, the forms the pass exists for. */
    static final String ATTENTION = """
            graph Attention {
              %0 = input {name="q"} : f32[B,4,8]
              %1 = input {name="k"} : f32[B,4,8]
              %2 = transpose(%1) {perm=[0,2,1]} : f32[B,8,4]
              %3 = matmul(%0, %2) : f32[B,4,4]
              %4 = constant {value=0.125} : f32[]
              %5 = mul(%3, %4) : f32[B,4,4]
              %6 = softmax(%5) {axis=-1} : f32[B,4,4]
              %7 = input {name="x"} : f32[B,6,16]
              %8 = input {name="y"} : f32[B,6,16]
              %9 = add(%7, %8) : f32[B,6,16]
              %10 = param {name="ln.weight"} : f32[16]
              %11 = param {name="ln.bias"} : f32[16]
              %12 = layer_norm(%9, %10, %11) {axis=-1, eps=1.0E-5} : f32[B,6,16]
              return attn=%6, norm=%12
            }
            """;

    @Test void golden() {
        KernelProgram[] r = assertGolden(pass, "fuse-rows");
        assertSameOutputs(r[0], r[1], 11, REL, ABS);
    }

    @Test void attentionAndPostNormMatchTheInterpreter() {
        Graph g = IrParser.parse(ATTENTION);
        KernelProgram lowered = Lowering.lower(g);
        KernelProgram fused = new PassManager(List.of(), List.of(pass)).verifyEach(true).run(g);
        assertEquals(lowered.kernels().size() - 2, fused.kernels().size(), () -> KernelPrinter.print(fused));
        assertEquals(0, fused.kernels().stream().filter(k -> k instanceof Kernel.Elementwise).count(),
                () -> KernelPrinter.print(fused));
        Softmax s = only(fused, Softmax.class);
        assertEquals(0.125, s.scale());
        LayerNorm l = only(fused, LayerNorm.class);
        assertEquals(List.of("x", "y"), List.of(l.x().name(), l.residual().name()));

        Random rnd = new Random(21);
        Map<String, Tensor> weights = randomWeights(fused, rnd);
        for (long batch : new long[] {1, 3}) {
            Map<String, Tensor> inputs = randomInputs(fused, rnd, batch);
            Map<String, Tensor> expected = Interpreter.run(g, inputs, weights);
            Map<String, Tensor> actual = run(fused, weights, inputs);
            assertEquals(expected.keySet(), actual.keySet());
            for (String name : expected.keySet()) assertClose(name, expected.get(name), actual.get(name), REL, ABS);
        }
        assertSameOutputs(lowered, fused, 22, REL, ABS);
    }

    /**
     * In the -O2 order (after elementwise fusion, before epilogue fusion and memory planning):
     * a transformer-like block whose scores are scaled, whose values mix through the softmax and
     * whose post-norm adds the block's input, still matches the interpreter.
     */
    @Test void inThePipelineTheBlockMatchesTheInterpreter() {
        Graph g = IrParser.parse("""
                graph Block {
                  %0 = input {name="x"} : f32[B,6,16]
                  %1 = param {name="wq"} : f32[16,16]
                  %2 = param {name="wk"} : f32[16,16]
                  %3 = matmul(%0, %1) : f32[B,6,16]
                  %4 = matmul(%0, %2) : f32[B,6,16]
                  %5 = transpose(%4) {perm=[0,2,1]} : f32[B,16,6]
                  %6 = matmul(%3, %5) : f32[B,6,6]
                  %7 = constant {value=0.25} : f32[]
                  %8 = mul(%6, %7) : f32[B,6,6]
                  %9 = softmax(%8) {axis=-1} : f32[B,6,6]
                  %10 = matmul(%9, %0) : f32[B,6,16]
                  %11 = add(%0, %10) : f32[B,6,16]
                  %12 = param {name="ln.weight"} : f32[16]
                  %13 = param {name="ln.bias"} : f32[16]
                  %14 = layer_norm(%11, %12, %13) {axis=-1} : f32[B,6,16]
                  return y=%14
                }
                """);
        KernelProgram p = new PassManager(List.of(), List.of(new MatMulTransposeFolding(), new LoadTimeHoisting(),
                new ElementwiseFusion(), pass, new EpilogueFusion(), new LayoutAssignment(), new MemoryPlanning()))
                .verifyEach(true).run(g);
        assertEquals(0.25, only(p, Softmax.class).scale(), () -> KernelPrinter.print(p));
        assertEquals("x", only(p, LayerNorm.class).x().name(), () -> KernelPrinter.print(p));
        Random rnd = new Random(8);
        Map<String, Tensor> weights = randomWeights(p, rnd);
        for (long batch : new long[] {1, 4}) {
            Map<String, Tensor> inputs = randomInputs(p, rnd, batch);
            Tensor expected = Interpreter.run(g, inputs, weights).get("y");
            assertClose("y", expected, run(p, weights, inputs).get("y"), REL, ABS);
        }
    }

    /** Two constant factors in a row (either operand order, and a division) fold into one scale. */
    @Test void chainedScalesMultiply() {
        KernelProgram p = lower("""
                graph Chain {
                  %0 = input {name="x"} : f32[B,10]
                  %1 = constant {value=8.0} : f32[]
                  %2 = div(%0, %1) : f32[B,10]
                  %3 = constant {value=3.0} : f32[]
                  %4 = mul(%3, %2) : f32[B,10]
                  %5 = log_softmax(%4) {axis=1} : f32[B,10]
                  return y=%5
                }
                """);
        KernelProgram fused = KernelPassTesting.runAll(p, pass);
        assertEquals(1, fused.kernels().size(), () -> KernelPrinter.print(fused));
        Softmax s = (Softmax) fused.kernels().getFirst();
        assertEquals(3.0 / 8.0, s.scale(), 1e-15);
        assertEquals("x", s.x().name());
        assertSameOutputs(p, fused, 5, REL, ABS);
    }

    @Test void valueReadTwiceIsNotFused() {
        assertUnchanged(pass, lower("""
                graph Twice {
                  %0 = input {name="x"} : f32[B,4]
                  %1 = constant {value=0.5} : f32[]
                  %2 = mul(%0, %1) : f32[B,4]
                  %3 = softmax(%2) {axis=1} : f32[B,4]
                  %4 = exp(%2) : f32[B,4]
                  %5 = input {name="y"} : f32[B,4]
                  %6 = add(%0, %5) : f32[B,4]
                  %7 = param {name="g"} : f32[4]
                  %8 = param {name="b"} : f32[4]
                  %9 = layer_norm(%6, %7, %8) {axis=-1} : f32[B,4]
                  %10 = layer_norm(%6, %7, %8) {axis=-1, eps=0.001} : f32[B,4]
                  return a=%3, b=%4, c=%9, d=%10
                }
                """));
    }

    @Test void programOutputIsNotFusedAway() {
        assertUnchanged(pass, lower("""
                graph Out {
                  %0 = input {name="x"} : f32[B,4]
                  %1 = constant {value=0.5} : f32[]
                  %2 = mul(%0, %1) : f32[B,4]
                  %3 = softmax(%2) {axis=1} : f32[B,4]
                  %4 = input {name="y"} : f32[B,4]
                  %5 = add(%0, %4) : f32[B,4]
                  %6 = param {name="g"} : f32[4]
                  %7 = param {name="b"} : f32[4]
                  %8 = layer_norm(%5, %6, %7) {axis=-1} : f32[B,4]
                  return scaled=%2, a=%3, sum=%5, c=%8
                }
                """));
    }

    /** The residual must have x's shape: an add that broadcasts either operand stays. */
    @Test void broadcastAddIsNotFused() {
        assertUnchanged(pass, lower("""
                graph Bc {
                  %0 = input {name="x"} : f32[B,6,16]
                  %1 = input {name="row"} : f32[16]
                  %2 = add(%0, %1) : f32[B,6,16]
                  %3 = param {name="g"} : f32[16]
                  %4 = param {name="b"} : f32[16]
                  %5 = layer_norm(%2, %3, %4) {axis=-1} : f32[B,6,16]
                  %6 = input {name="col"} : f32[B,1,16]
                  %7 = input {name="z"} : f32[B,6,16]
                  %8 = add(%6, %7) : f32[B,6,16]
                  %9 = layer_norm(%8, %3, %4) {axis=-1} : f32[B,6,16]
                  return y=%5, w=%9
                }
                """));
    }

    /** A softmax reading the product through a reshape, or along another view, is left alone. */
    @Test void reshapedReadIsNotFused() {
        assertUnchanged(pass, lower("""
                graph View {
                  %0 = input {name="x"} : f32[B,4,3]
                  %1 = constant {value=0.5} : f32[]
                  %2 = mul(%0, %1) : f32[B,4,3]
                  %3 = reshape(%2) {shape=[B,12]} : f32[B,12]
                  %4 = softmax(%3) {axis=1} : f32[B,12]
                  return y=%4
                }
                """));
    }

    /** Scales that would not reproduce the multiply for every x (0 * inf, x / 0) and casts stay. */
    @ParameterizedTest
    @ValueSource(strings = {"mul(%0, 0.0)", "div(%0, 0.0)", "mul(%0, inf)", "mul(%0, nan)", "div(%0, 1e-300)", "sub(%0, 1.0)",
            "mul(%0, %0)", "mul(mul(%0, 2.0), 2.0)"})
    void otherExpressionsAreNotFused(String expr) {
        assertUnchanged(pass, parse("""
                kernels E {
                  input x : f32[B,4]
                  output y : f32[B,4]
                  arena B*4
                  elementwise(in:x : f32[B,4]) -> arena:t0@0 : f32[B,4] = %s
                  softmax(arena:t0@0 : f32[B,4]) -> out:y : f32[B,4] {axis=1}
                }
                """.formatted(expr)));
    }

    @Test void castIsNotFused() {
        assertUnchanged(pass, parse("""
                kernels Cast {
                  input x : f16[B,4]
                  input r : f16[B,4]
                  weight g : f32[4]
                  weight b : f32[4]
                  output y : f32[B,4]
                  output z : f32[B,4]
                  arena B*8
                  elementwise(in:x : f16[B,4]) -> arena:t0@0 : f32[B,4] = mul(%0, 0.5)
                  softmax(arena:t0@0 : f32[B,4]) -> out:y : f32[B,4] {axis=1}
                  elementwise(in:x : f16[B,4], in:r : f16[B,4]) -> arena:t1@B*4 : f32[B,4] = add(%0, %1)
                  layer_norm(arena:t1@B*4 : f32[B,4], w:g : f32[4], w:b : f32[4]) -> out:z : f32[B,4] {axis=1, eps=1e-5}
                }
                """));
    }

    /** The add's output read as gamma as well as x is not only the layer norm's x. */
    @Test void addReadAsGammaIsNotFused() {
        assertUnchanged(pass, parse("""
                kernels Gamma {
                  input x : f32[4]
                  input r : f32[4]
                  weight b : f32[4]
                  output y : f32[4]
                  arena 4
                  elementwise(in:x : f32[4], in:r : f32[4]) -> arena:t0@0 : f32[4] = add(%0, %1)
                  layer_norm(arena:t0@0 : f32[4], arena:t0@0 : f32[4], w:b : f32[4]) -> out:y : f32[4] {axis=0, eps=1e-5}
                }
                """));
    }

    /** After memory planning the softmax may write where the product's input lived: it cannot then read it. */
    @Test void inputOverwrittenByTheRowKernelIsNotFused() {
        assertUnchanged(pass, parse("""
                kernels Reuse {
                  input x : f32[B,4]
                  output y : f32[B,4]
                  arena B*8
                  elementwise(in:x : f32[B,4]) -> arena:a@0 : f32[B,4] = exp(%0)
                  elementwise(arena:a@0 : f32[B,4]) -> arena:a@B*4 : f32[B,4] = mul(%0, 0.5)
                  softmax(arena:a@B*4 : f32[B,4]) -> arena:a@0 : f32[B,4] {axis=1}
                  elementwise(arena:a@0 : f32[B,4]) -> out:y : f32[B,4] = %0
                }
                """));
    }

    @Test void nothingToDoReturnsTheSameProgram() {
        assertUnchanged(pass, lower("""
                graph Plain {
                  %0 = input {name="x"} : f32[B,4]
                  %1 = softmax(%0) {axis=1} : f32[B,4]
                  return y=%1
                }
                """));
    }

    private static <K extends Kernel> K only(KernelProgram p, Class<K> kind) {
        List<K> found = p.kernels().stream().filter(kind::isInstance).map(kind::cast).toList();
        assertEquals(1, found.size(), () -> kind.getSimpleName() + " in\n" + KernelPrinter.print(p));
        return found.getFirst();
    }
}
