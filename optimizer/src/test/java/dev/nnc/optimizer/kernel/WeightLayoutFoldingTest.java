package dev.nnc.optimizer.kernel;

import static dev.nnc.optimizer.kernel.KernelPassTesting.ABS;
import static dev.nnc.optimizer.kernel.KernelPassTesting.REL;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertClose;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertGolden;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertSameOutputs;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertUnchanged;
import static dev.nnc.optimizer.kernel.KernelPassTesting.example;
import static dev.nnc.optimizer.kernel.KernelPassTesting.parse;
import static dev.nnc.optimizer.kernel.KernelPassTesting.runAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.ModelLoader;
import dev.nnc.ir.Graph;
import dev.nnc.ir.interp.Interpreter;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.WeightBinder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WeightLayoutFoldingTest {
    private final WeightLayoutFolding pass = new WeightLayoutFolding();

    @Test void goldenDense() {
        KernelProgram[] r = assertGolden(pass, "fold-layout-into-weights-dense");
        assertEquals(r[0].kernels().size() - 1, r[1].kernels().size());
        assertSameOutputs(r[0], r[1], 11, REL, ABS);
    }

    @Test void goldenRowsOfADerivedWeightPermutedOnce() {
        KernelProgram[] r = assertGolden(pass, "fold-layout-into-weights-rows");
        assertEquals(2, r[1].kernels().size(), "both transposes go");
        assertEquals(2, r[1].derived().size(), "one permuted weight for both matmuls");
        assertSameOutputs(r[0], r[1], 12, REL, ABS);
    }

    /**
     * Seeded random transposes before a matmul: rank 3 to 5, operand a keeping 1 to rank-2
     * leading dims (a batched matmul when more than one), either transB, b declared with its
     * K axis split or not, and sometimes batch dims on b. Each folds and computes the same.
     * The matmul then sums in another order; positive terms (a sigmoid, and a weight whose
     * name makes {@code randomWeights} draw positive values) keep that rounding within the
     * tolerance, where cancellation would not.
     */
    @Test void randomTransposesFoldAndAgree() {
        Random rnd = new Random(42);
        for (int n = 0; n < 24; n++) {
            KernelProgram before = parse(randomProgram(rnd));
            KernelProgram after = runAll(before, pass);
            assertTrue(after.kernels().stream().noneMatch(k -> k instanceof Kernel.Transpose), () -> KernelPrinter.print(after));
            assertEquals(1, after.prepare().size());
            assertSameOutputs(before, after, n, REL, ABS);
        }
    }

    private static String randomProgram(Random rnd) {
        int rank = 3 + rnd.nextInt(3), lead = 1 + rnd.nextInt(rank - 2);
        List<Integer> perm = new ArrayList<>();
        for (int d = 0; d < rank; d++) perm.add(d);
        List<Integer> tail = perm.subList(lead, rank);
        do Collections.shuffle(tail, rnd); while (isIdentity(perm));
        // A batched b has every batch dim of a (the JVM backend broadcasts whole batches only), so a static x.
        boolean batchedB = lead >= 2 && rnd.nextInt(3) == 0;
        List<String> x = new ArrayList<>(List.of(batchedB ? "2" : "B"));
        for (int d = 1; d < rank; d++) x.add(Integer.toString(2 + rnd.nextInt(3)));
        List<String> t = perm.stream().map(x::get).toList();
        long k = 1;
        for (int d = lead; d < rank; d++) k *= Long.parseLong(t.get(d));
        List<String> a = new ArrayList<>(t.subList(0, lead));
        a.add(Long.toString(k));
        int n = 1 + rnd.nextInt(6);
        boolean transB = rnd.nextBoolean(), split = rnd.nextBoolean();
        List<String> b = new ArrayList<>(transB ? List.of(n + "", k + "") : List.of(k + "", n + ""));
        List<String> declared = new ArrayList<>(b);
        if (split) {
            int at = transB ? 1 : 0;
            declared.remove(at);
            declared.addAll(at, t.subList(lead, rank));
        }
        if (batchedB) {
            b.addAll(0, t.subList(0, lead - 1));
            declared.addAll(0, t.subList(0, lead - 1));
        }
        List<String> y = new ArrayList<>(a.subList(0, lead));
        y.add(n + "");
        String xs = shape(x), ts = shape(t), as = shape(a), bs = shape(b), ys = shape(y);
        String size = batchedB ? product(x) : "B*" + product(x.subList(1, rank));
        String arena = batchedB ? 2 * Long.parseLong(size) + "" : "B*" + 2 * Long.parseLong(product(x.subList(1, rank)));
        return "kernels R {\n"
                + "  input x : f32" + xs + "\n"
                + "  weight w.var : f32" + shape(declared) + "\n"
                + "  output y : f32" + ys + "\n"
                + "  arena " + arena + "\n"
                + "  elementwise(in:x : f32" + xs + ") -> arena:t0@0 : f32" + xs + " = sigmoid(%0)\n"
                + "  transpose(arena:t0@0 : f32" + xs + ") -> arena:t1@" + size + " : f32" + ts
                + " {perm=" + perm.toString().replace(" ", "") + "}\n"
                + "  matmul(arena:t1@" + size + " : f32" + as + ", w:w.var : f32" + bs + ") -> out:y : f32" + ys
                + " {transA=false, transB=" + transB + "}\n"
                + "}\n";
    }

    private static boolean isIdentity(List<Integer> perm) {
        for (int d = 0; d < perm.size(); d++) if (perm.get(d) != d) return false;
        return true;
    }

    private static String shape(List<String> dims) { return "[" + String.join(",", dims) + "]"; }

    private static String product(List<String> dims) {
        return Long.toString(dims.stream().mapToLong(Long::parseLong).reduce(1, (p, q) -> p * q));
    }

    /** transpose(x) read twice: the transposed elements are needed in memory. */
    @Test void transposeReadTwiceStays() {
        assertUnchanged(pass, parse("""
                kernels T {
                  input x : f32[B,3,2,4]
                  weight w : f32[5,24]
                  output y : f32[B,5]
                  output z : f32[B,4,3,2]
                  arena B*24
                  transpose(in:x : f32[B,3,2,4]) -> arena:t0@0 : f32[B,4,3,2] {perm=[0,3,1,2]}
                  matmul(arena:t0@0 : f32[B,24], w:w : f32[5,24]) -> out:y : f32[B,5] {transA=false, transB=true}
                  elementwise(arena:t0@0 : f32[B,4,3,2]) -> out:z : f32[B,4,3,2] = neg(%0)
                }
                """));
    }

    /** With transA, a's view [2, 12] is [K, M]: its last dim is not the flattened K. */
    @Test void transAStays() {
        assertUnchanged(pass, parse("""
                kernels T {
                  input x : f32[2,4,3]
                  weight w : f32[2,5]
                  output y : f32[12,5]
                  arena 24
                  transpose(in:x : f32[2,4,3]) -> arena:t0@0 : f32[2,3,4] {perm=[0,2,1]}
                  matmul(arena:t0@0 : f32[2,12], w:w : f32[2,5]) -> out:y : f32[12,5] {transA=true, transB=false}
                }
                """));
    }

    /** b computed at run time (here an input) cannot be permuted at load time. */
    @Test void nonWeightBStays() {
        assertUnchanged(pass, parse("""
                kernels T {
                  input x : f32[B,3,2,4]
                  input w : f32[5,24]
                  output y : f32[B,5]
                  arena B*24
                  transpose(in:x : f32[B,3,2,4]) -> arena:t0@0 : f32[B,4,3,2] {perm=[0,3,1,2]}
                  matmul(arena:t0@0 : f32[B,24], in:w : f32[5,24]) -> out:y : f32[B,5] {transA=false, transB=true}
                }
                """));
    }

    /** A transpose written to a program output must stay. */
    @Test void transposeThatIsAnOutputStays() {
        assertUnchanged(pass, parse("""
                kernels T {
                  input x : f32[B,3,2,4]
                  weight w : f32[5,24]
                  output y : f32[B,5]
                  output t : f32[B,4,3,2]
                  arena 0
                  transpose(in:x : f32[B,3,2,4]) -> out:t : f32[B,4,3,2] {perm=[0,3,1,2]}
                  matmul(out:t : f32[B,24], w:w : f32[5,24]) -> out:y : f32[B,5] {transA=false, transB=true}
                }
                """));
    }

    /** x is overwritten (in place) between the transpose and the matmul: the matmul could not read it. */
    @Test void overwrittenInputStays() {
        assertUnchanged(pass, parse("""
                kernels T {
                  input x : f32[B,3,2,4]
                  weight w : f32[5,24]
                  output y : f32[B,5]
                  arena B*48
                  elementwise(in:x : f32[B,3,2,4]) -> arena:t0@0 : f32[B,3,2,4] = tanh(%0)
                  transpose(arena:t0@0 : f32[B,3,2,4]) -> arena:t1@B*24 : f32[B,4,3,2] {perm=[0,3,1,2]}
                  elementwise(arena:t0@0 : f32[B,3,2,4]) -> arena:t0@0 : f32[B,3,2,4] = neg(%0)
                  matmul(arena:t1@B*24 : f32[B,24], w:w : f32[5,24]) -> out:y : f32[B,5] {transA=false, transB=true}
                }
                """));
    }

    /** A view that splits the batch ([B*2, 12]) does not keep the transpose's leading dims. */
    @Test void viewAcrossTheBatchStays() {
        assertUnchanged(pass, parse("""
                kernels T {
                  input x : f32[B,3,2,4]
                  weight w : f32[5,12]
                  output y : f32[B*2,5]
                  arena B*24
                  transpose(in:x : f32[B,3,2,4]) -> arena:t0@0 : f32[B,4,3,2] {perm=[0,3,1,2]}
                  matmul(arena:t0@0 : f32[B*2,12], w:w : f32[5,12]) -> out:y : f32[B*2,5] {transA=false, transB=true}
                }
                """));
    }

    static final String PASS = "fold-layout-into-weights";

    /**
     * Each example CNN through the -O2 pipeline: the pass removes the one transpose back to
     * NCHW (one run-time kernel less, one prepare kernel more), and the model computes the
     * same as without the pass (seeded random weights and inputs) and as the interpreter.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mnist_cnn", "cifar_cnn", "catsdogs_cnn"})
    void examplesLoseTheTransposeBeforeTheDenseLayer(String model) {
        Graph g = example(model);
        PassManager o2 = PassManager.forLevel(OptLevel.O2).verifyEach(true);
        assertTrue(o2.passNames().indexOf(PASS) == o2.passNames().indexOf("pointwise-conv-as-matmul") + 1
                && o2.passNames().indexOf("plan-memory") == o2.passNames().indexOf(PASS) + 1, o2.passNames()::toString);
        KernelProgram before = o2.without(List.of(PASS)).run(g), after = o2.run(g);
        assertEquals(before.kernels().size() - 1, after.kernels().size(), () -> KernelPrinter.print(after));
        assertEquals(before.prepare().size() + 1, after.prepare().size());
        assertTrue(after.kernels().stream().noneMatch(k -> k instanceof Kernel.Transpose t && t.perm().equals(List.of(0, 3, 1, 2))),
                () -> KernelPrinter.print(after));
        assertSameOutputs(before, after, model.hashCode(), REL, ABS);

        Map<String, Tensor> weights = LayoutAssignmentTest.exampleWeights(model, g);
        Tensor x = Npy.read(KernelPassTesting.EXAMPLES.resolve("fixtures").resolve(model).resolve("image.npy"));
        Tensor actual = ModelLoader.instantiate(JvmBackend.compile(after, JvmBackend.className(g.name() + "Folded")), weights)
                .run(Map.of("image", x)).get("output");
        Tensor expected = Interpreter.run(g, Map.of("image", x), WeightBinder.bind(g.paramSpecs(), weights, model))
                .get("output");
        assertClose(model, expected, actual, REL, ABS);
    }

    @Test void namesOfDerivedWeights() {
        KernelProgram after = pass.run(parse(KernelPassTesting.resource("fold-layout-into-weights-rows.before.kir")));
        assertEquals("$0,$1", after.derived().stream().map(Buf::name).collect(Collectors.joining(",")));
    }
}
