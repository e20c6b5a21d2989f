package dev.nnc.ir.kernel;

import static dev.nnc.ir.kernel.TestKernels.B;
import static dev.nnc.ir.kernel.TestKernels.S;
import static dev.nnc.ir.kernel.TestKernels.arena;
import static dev.nnc.ir.kernel.TestKernels.bin;
import static dev.nnc.ir.kernel.TestKernels.c;
import static dev.nnc.ir.kernel.TestKernels.declaring;
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
import dev.nnc.ir.Shape;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class KernelVerifierTest {

    static final Dim H = Dim.sym("H"), W = Dim.sym("W");

    static List<String> problems(KernelProgram p) { return KernelVerifier.problems(p); }

    /** The program has exactly one problem, about kernel {@code index}, containing {@code fragment}. */
    static void assertOneProblem(KernelProgram p, int index, String fragment) {
        List<String> problems = problems(p);
        assertEquals(1, problems.size(), () -> "expected one problem about '" + fragment + "' but got " + problems);
        String prefix = "kernel " + index + ": " + KernelPrinter.print(p.kernels().get(index)) + ": ";
        assertTrue(problems.get(0).startsWith(prefix), problems.get(0));
        assertTrue(problems.get(0).contains(fragment), () -> "'" + fragment + "' is not in " + problems.get(0));
    }

    /** A program of one kernel, declaring what it reads and writes; its arena is large enough. */
    static KernelProgram single(Kernel k) { return declaring("P", Dim.of(1000), k); }

    static void assertValid(Kernel k) { assertEquals(List.of(), problems(single(k))); }

    static void assertInvalid(Kernel k, String fragment) { assertOneProblem(single(k), 0, fragment); }

    // ---------------------------------------------------------------------------------
    // Accepting

    @Test void acceptsHandBuiltPrograms() {
        KernelVerifier.verify(TestKernels.tiny());
        KernelVerifier.verify(TestKernels.everyKind());
    }

    @Test void acceptsRandomPrograms() {
        for (long seed = 0; seed < 300; seed++) {
            KernelProgram p = RandomKernels.generate(seed, 15);
            assertEquals(List.of(), problems(p), "seed " + seed + ":\n" + KernelPrinter.print(p));
        }
    }

    @Test void reportsEveryProblemInTheExceptionOnePerLine() {
        KernelProgram p = declaring("Bad", Dim.of(0),
                new Elementwise(out("y", f32(4)), List.of(in("x", f32(3))), x(1)));
        KernelVerifyException e = assertThrows(KernelVerifyException.class, () -> KernelVerifier.verify(p));
        String where = "kernel 0: elementwise(in:x : f32[3]) -> out:y : f32[4] = %1: ";
        assertEquals(List.of(where + "input 0 f32[3] does not broadcast to the output's shape [4]",
                where + "%1 is not an input: the kernel reads 1"), e.problems());
        assertEquals("kernel program Bad is not valid kernel IR (2 problems):\n" + String.join("\n", e.problems()), e.getMessage());
    }

    // ---------------------------------------------------------------------------------
    // Dataflow

    @Nested class Dataflow {
        final Buf x = in("x", f32(B, 4));
        final Buf t = arena("t", Dim.of(0), f32(B, 4));
        final Dim arenaSize = B.times(Dim.of(12));

        Kernel copy(Buf from, Buf to) { return new Elementwise(to, List.of(from), x(0)); }

        KernelProgram program(List<Buf> inputs, List<Buf> weights, List<Buf> outputs, Kernel... ks) {
            return new KernelProgram("P", inputs, weights, outputs, arenaSize, List.of(ks));
        }

        @Test void readsOfUndeclaredInputsAndWeights() {
            KernelProgram p = program(List.of(), List.of(), List.of(out("y", f32(B, 4))), copy(x, out("y", f32(B, 4))));
            assertOneProblem(p, 0, "reads in:x : f32[B,4], but no input 'x' is declared");
            Buf wt = w("fc.w", f32(4));
            p = program(List.of(), List.of(), List.of(), copy(wt, t));
            assertOneProblem(p, 0, "reads w:fc.w : f32[4], but no weight 'fc.w' is declared");
            // Declared as an input, read as a weight.
            p = program(List.of(in("fc.w", f32(4))), List.of(), List.of(), copy(wt, t));
            assertOneProblem(p, 0, "no weight 'fc.w' is declared");
        }

        @Test void readsMayViewElementsButMustKeepTheirCountAndType() {
            Buf v = arena("v", B.times(Dim.of(8)), f32(4, B));
            assertEquals(List.of(), problems(program(List.of(x), List.of(), List.of(), copy(x.view(f32(4, B)), v))));
            assertOneProblem(program(List.of(x), List.of(), List.of(), copy(x.view(f32(B, 5)), arena("v", Dim.of(0), f32(B, 5)))), 0,
                    "reads in:x : f32[B,5], but declared as f32[B,4] (a view keeps the element type and count)");
            assertOneProblem(program(List.of(x), List.of(), List.of(), copy(x.view(type(DType.F16, B, 4)), t)), 0,
                    "reads in:x : f16[B,4], but declared as f32[B,4]");
            Buf u = arena("u", B.times(Dim.of(4)), f32(2, B, 1));
            assertEquals(List.of(), problems(program(List.of(x), List.of(), List.of(), copy(x, t), copy(t.view(f32(4, B)), v))));
            assertOneProblem(program(List.of(x), List.of(), List.of(), copy(x, t), copy(t.view(f32(2, B, 1)), u)),
                    1, "reads arena:t@0 : f32[2,B,1], but kernel 0 wrote it as f32[B,4]");
        }

        @Test void readsOfArenaBufsNotWrittenBefore() {
            Buf u = arena("u", B.times(Dim.of(4)), f32(B, 4));
            assertOneProblem(program(List.of(x), List.of(), List.of(), copy(t, u)), 0, "reads arena:t@0 : f32[B,4], which no kernel writes");
            assertOneProblem(program(List.of(x), List.of(), List.of(), copy(t, u), copy(x, t)), 0,
                    "which is not written before it (kernel 1 writes it first)");
            // Same name, other offset: other storage.
            assertOneProblem(program(List.of(x), List.of(), List.of(), copy(x, t), copy(arena("t", B.times(Dim.of(8)), f32(B, 4)), u)), 1,
                    "which no kernel writes");
        }

        @Test void readsOfArenaBufsOverwrittenSince() {
            Buf u = arena("u", B.times(Dim.of(2)), f32(B, 4)); // overlaps the second half of t
            Buf v = arena("v", B.times(Dim.of(4)), f32(B, 4));
            KernelProgram p = program(List.of(x), List.of(), List.of(), copy(x, t), copy(x, u), copy(t, v));
            assertOneProblem(p, 2, "reads arena:t@0 : f32[B,4], which kernel 1 has overwritten since it was written");
            // Rewriting t makes it readable again.
            assertEquals(List.of(), problems(program(List.of(x), List.of(), List.of(), copy(x, t), copy(x, u), copy(x, t), copy(t, v))));
            // Symbolic offsets that never overlap: [0, 4B) and [4B, 8B).
            Buf z = arena("z", B.times(Dim.of(8)), f32(B, 4));
            assertEquals(List.of(), problems(program(List.of(x), List.of(), List.of(), copy(x, t), copy(x, v), copy(t, z))));
        }

        @Test void sizesThatMakeADimNegativeAreNotChecked() {
            // With B = 1 or 2, [B-3,4] has a negative size and t2's offset B*4+(B-3)*4 falls inside t0.
            Buf y = in("y", f32(B.minus(Dim.of(3)), 4));
            Buf t1 = arena("t1", B.times(Dim.of(4)), y.type());
            Buf t2 = arena("t2", B.times(Dim.of(4)).plus(B.minus(Dim.of(3)).times(Dim.of(4))), f32(B, 4));
            Buf z = arena("z", B.times(Dim.of(12)), f32(B, 4));
            KernelProgram p = new KernelProgram("P", List.of(x, y), List.of(), List.of(), B.times(Dim.of(16)),
                    List.of(copy(x, t), copy(y, t1), copy(x, t2), copy(t, z)));
            assertEquals(List.of(), problems(p));
        }

        @Test void kernelsDoNotWriteOverTheirOwnInputs() {
            Buf u = arena("u", B, f32(B, 4)); // overlaps t for every B
            assertOneProblem(program(List.of(x), List.of(), List.of(), copy(x, t), copy(t, u)), 1,
                    "writes over its own input 0 arena:t@0 : f32[B,4]");
            // In place: input 0 is the output's storage with its shape, read element by element before the write.
            assertEquals(List.of(), problems(program(List.of(x), List.of(), List.of(), copy(x, t), copy(t, t))));
            assertEquals(List.of(), problems(program(List.of(x), List.of(), List.of(), copy(x, t),
                    new Elementwise(t, List.of(t, x), bin(BinaryFn.ADD, x(0), x(1))))));
            // Not in place: another shape of the same storage, or the output's storage as a later input.
            assertOneProblem(program(List.of(x), List.of(), List.of(), copy(x, t), copy(t, t.view(f32(1, B, 4)))), 1,
                    "writes over its own input 0 arena:t@0 : f32[B,4]");
            assertOneProblem(program(List.of(x), List.of(), List.of(), copy(x, t),
                    new Elementwise(t, List.of(x, t), bin(BinaryFn.ADD, x(0), x(1)))), 1, "writes over its own input 1 arena:t@0 : f32[B,4]");
        }

        @Test void inputsAndWeightsAreReadOnly() {
            Buf wt = w("w", f32(B, 4));
            KernelProgram p = program(List.of(x), List.of(wt), List.of(), copy(wt, x), copy(x, wt));
            List<String> problems = problems(p);
            assertEquals(2, problems.size(), problems.toString());
            assertTrue(problems.get(0).endsWith("writes in:x : f32[B,4], but inputs and weights are read-only"), problems.get(0));
            assertTrue(problems.get(1).endsWith("writes w:w : f32[B,4], but inputs and weights are read-only"), problems.get(1));
        }

        @Test void outputsAreWrittenExactlyOnceBeforeTheyAreRead() {
            Buf y = out("y", f32(B, 4));
            assertOneProblem(program(List.of(x), List.of(), List.of(y), copy(x, y), copy(x, y)), 1,
                    "writes out:y : f32[B,4], which kernel 0 already wrote (outputs are written once)");
            assertEquals(List.of("output y: no kernel writes it"), problems(program(List.of(x), List.of(), List.of(y), copy(x, t))));
            assertOneProblem(program(List.of(x), List.of(), List.of(y), copy(y, t), copy(x, y)), 0,
                    "reads out:y : f32[B,4], which is not written before it (kernel 1 writes it first)");
            assertEquals(List.of(), problems(program(List.of(x), List.of(), List.of(y), copy(x, y),
                    copy(y.view(f32(4, B)), arena("v", Dim.of(0), f32(4, B))))));
            assertOneProblem(program(List.of(x), List.of(), List.of(y), copy(x, y), copy(x, out("z", f32(B, 4)))), 1,
                    "writes out:z : f32[B,4], but no output 'z' is declared");
            assertOneProblem(program(List.of(x), List.of(), List.of(y), copy(x, out("y", f32(2, B, 4)))), 0,
                    "writes out:y : f32[2,B,4], but it is declared as f32[B,4]");
        }

        @Test void arenaBufsLieInTheArena() {
            Buf x2 = in("x2", f32(2, 4));
            KernelProgram known = new KernelProgram("P", List.of(x2), List.of(), List.of(), Dim.of(12), List.of(
                    copy(x2, arena("a", Dim.of(4), f32(2, 4))), copy(x2, arena("b", Dim.of(5), f32(2, 4)))));
            assertOneProblem(known, 1, "writes arena:b@5 : f32[2,4], which ends past the arena's 12 elements");
            // Symbolic: [B+1, 5B+1) does not fit in 5B elements, whatever B is.
            KernelProgram symbolic = new KernelProgram("P", List.of(x), List.of(), List.of(), B.times(Dim.of(5)),
                    List.of(copy(x, arena("a", B.plus(Dim.of(1)), f32(B, 4)))));
            assertOneProblem(symbolic, 0, "which ends past the arena's B*5 elements");
            KernelProgram fits = new KernelProgram("P", List.of(x), List.of(), List.of(), B.times(Dim.of(5)),
                    List.of(copy(x, arena("a", B, f32(B, 4)))));
            assertEquals(List.of(), problems(fits));
        }

        @Test void declarationsAreInTheirSpaceAtOffsetZeroAndUnique() {
            KernelProgram p = new KernelProgram("P",
                    List.of(x, new Buf(Space.WEIGHT, "v", Dim.of(0), f32(2)), new Buf(Space.INPUT, "o", Dim.of(3), f32(2)), x),
                    List.of(), List.of(), null, List.of());
            assertEquals(List.of("input v: is declared as input but its space is w",
                    "input o: has offset 3; only arena bufs have offsets",
                    "input x: is declared twice",
                    "arena: the program has no arena size"), problems(p));
        }

        @Test void missingPartsAreReportedNotThrown() {
            KernelProgram p = program(List.of(x), List.of(), List.of(),
                    new LayerNorm(t, x, null, null, null, 1, 1e-5),
                    new Softmax(new Buf(Space.ARENA, "s", Dim.of(0), null), x, 1, 1.0, false),
                    new Transpose(t, x, null),
                    new Reduce(t, x, null, ints(1)),
                    new MatMul(t, null, x, null, false, false, Epilogue.NONE));
            assertEquals(List.of(
                    "kernel 0: layer_norm(in:x : f32[B,4], ?, ?) -> arena:t@0 : f32[B,4] {axis=1, eps=1.0E-5}: input 1 is missing",
                    "kernel 1: softmax(in:x : f32[B,4]) -> arena:s@0 : ? {axis=1}: output: the buf's type is missing or incomplete",
                    "kernel 2: transpose(in:x : f32[B,4]) -> arena:t@0 : f32[B,4] {perm=?}: attribute perm is missing or has a missing element",
                    "kernel 3: reduce_sum(in:x : f32[B,4]) -> arena:t@0 : f32[B,4] {axes=[1]}: the reduction kind is missing",
                    "kernel 4: matmul(?, in:x : f32[B,4]) -> arena:t@0 : f32[B,4] {transA=false, transB=false}: input 0 is missing"),
                    problems(p));
        }
    }

    // ---------------------------------------------------------------------------------
    // Load time: derived weights and prepare kernels

    @Nested class LoadTime {
        final Buf x = in("x", f32(B, 4)), fc = w("fc", f32(4, 4)), d = w("d", f32(4, 4));
        final Buf t = arena("t", Dim.of(0), f32(B, 4));

        Kernel copy(Buf from, Buf to) { return new Elementwise(to, List.of(from), x(0)); }

        /** x @ d -> t: a run-time kernel reading the derived weight. */
        Kernel use() { return new MatMul(t, x, d, null, false, false, Epilogue.NONE); }

        KernelProgram program(List<Buf> derived, List<Kernel> prepare, Kernel... kernels) {
            return new KernelProgram("P", List.of(x), List.of(fc), derived, List.of(), B.times(Dim.of(8)).plus(Dim.of(16)), prepare,
                    List.of(kernels));
        }

        /** Exactly one problem, starting with {@code prefix} and containing {@code fragment}. */
        void assertOne(KernelProgram p, String prefix, String fragment) {
            List<String> problems = problems(p);
            assertEquals(1, problems.size(), () -> "expected one problem about '" + fragment + "' but got " + problems);
            assertTrue(problems.get(0).startsWith(prefix), problems.get(0));
            assertTrue(problems.get(0).contains(fragment), () -> "'" + fragment + "' is not in " + problems.get(0));
        }

        @Test void acceptsDerivedWeightsComputedFromWeightsAndEachOther() {
            KernelVerifier.verify(TestKernels.prepared());
            Buf d2 = w("d2", f32(16));
            assertEquals(List.of(), problems(program(List.of(d, d2),
                    List.of(new Elementwise(d, List.of(fc), bin(BinaryFn.MUL, x(0), c(2))), copy(d.view(f32(16)), d2)),
                    use(), copy(d2.view(f32(4, 4)), arena("u", B.times(Dim.of(8)), f32(4, 4))))));
        }

        @Test void prepareKernelsReadOnlyWeightsAndDerivedWeights() {
            assertOne(program(List.of(d), List.of(copy(x.view(f32(4, 4)), d)), use()),
                    "prepare kernel 0: elementwise(in:x : f32[4,4]) -> w:d : f32[4,4] = %0: ",
                    "reads in:x : f32[4,4], but load-time kernels read only weights and derived weights");
            assertOne(program(List.of(d), List.of(copy(t.view(f32(4, 4)), d)), use()), "prepare kernel 0: ",
                    "reads arena:t@0 : f32[4,4], but load-time kernels read only weights and derived weights");
        }

        @Test void prepareKernelsWriteEachDeclaredDerivedWeightOnce() {
            assertOne(program(List.of(d), List.of(copy(fc, d), copy(d, w("fc", f32(4, 4)))), use()), "prepare kernel 1: ",
                    "writes w:fc : f32[4,4], but load-time kernels write only declared derived weights");
            assertOne(program(List.of(d), List.of(copy(fc, d), copy(fc, t.view(f32(4, 4)))), use()), "prepare kernel 1: ",
                    "load-time kernels write only declared derived weights");
            assertOne(program(List.of(d), List.of(copy(fc, d), copy(fc, d)), use()), "prepare kernel 1: ",
                    "writes w:d : f32[4,4], which an earlier prepare kernel already computed");
            assertOne(program(List.of(d), List.of(new Elementwise(d.view(f32(2, 4)), List.of(), c(1))), use()), "prepare kernel 0: ",
                    "writes w:d : f32[2,4], but it is declared as f32[4,4]");
        }

        @Test void everyDerivedWeightIsComputedBeforeItIsRead() {
            // Never computed: reported at its declaration and where it is read.
            assertEquals(List.of("derived d: no prepare kernel computes it",
                            "kernel 0: matmul(in:x : f32[B,4], w:d : f32[4,4]) -> arena:t@0 : f32[B,4] {transA=false, transB=false}: "
                                    + "reads w:d : f32[4,4], which no earlier prepare kernel computes"),
                    problems(program(List.of(d), List.of(), use())));
            Buf d2 = w("d2", f32(4, 4));
            assertOne(program(List.of(d, d2), List.of(copy(d2, d), copy(fc, d2)), use()), "prepare kernel 0: ",
                    "reads w:d2 : f32[4,4], which no earlier prepare kernel computes");
        }

        @Test void derivedWeightsHaveStaticShapesAndTheirOwnNames() {
            Buf sym = w("d", f32(B, 4));
            assertEquals(List.of("derived d: has symbolic size f32[B,4] (weights are fixed)"),
                    problems(program(List.of(sym), List.of(new Elementwise(sym, List.of(), c(1))))));
            assertTrue(problems(program(List.of(w("fc", f32(4, 4))), List.of(copy(fc, fc)))).contains("derived fc: has a weight's name"));
            assertOne(program(List.of(d, d), List.of(copy(fc, d)), use()), "derived d: ", "is declared twice");
        }

        @Test void runTimeKernelsDoNotWriteDerivedWeights() {
            assertOne(program(List.of(d), List.of(copy(fc, d)), copy(x.view(f32(4, B)), d.view(f32(4, B)))), "kernel 0: ",
                    "writes w:d : f32[4,B], but derived weights are written only by prepare kernels");
        }
    }

    // ---------------------------------------------------------------------------------
    // Epilogues and layouts

    @Test void epilogues() {
        Buf a = in("a", f32(B, 3, 4)), bt = w("b", f32(5, 4));
        Buf res = in("res", f32(B, 3, 5)), col = w("col", f32(5)), y = out("y", f32(B, 3, 5));
        Expr residual = un(UnaryFn.RELU, bin(BinaryFn.ADD, x(0), x(1)));
        assertValid(new MatMul(y, a, bt, null, false, true, new Epilogue(List.of(res), residual)));
        assertValid(new MatMul(y, a, bt, null, false, true, new Epilogue(List.of(col, w("row", f32(3, 1))),
                bin(BinaryFn.MUL, bin(BinaryFn.ADD, x(0), x(1)), x(2)))));
        assertInvalid(new MatMul(y, a, bt, null, false, true, new Epilogue(List.of(w("col", f32(3))), residual)),
                "epilogue input 1 f32[3] does not broadcast to the output's shape [B,3,5]");
        assertInvalid(new MatMul(y, a, bt, null, false, true, new Epilogue(List.of(in("res", f32(2, B, 3, 5))), residual)),
                "epilogue input 1 f32[2,B,3,5] does not broadcast");
        assertInvalid(new MatMul(y, a, bt, null, false, true, new Epilogue(List.of(col), bin(BinaryFn.ADD, x(0), x(2)))),
                "%2 is not an input: the epilogue reads the result as %0 and 1 buffer after it");
        assertInvalid(new MatMul(y, a, bt, null, false, true, new Epilogue(List.of(), x(1))),
                "%1 is not an input: the epilogue reads the result as %0 and 0 buffers after it");
        assertInvalid(new MatMul(out("y", type(DType.I32, 3, 5)), in("a", type(DType.I32, 3, 4)), w("b", type(DType.I32, 4, 5)),
                null, false, false, new Epilogue(List.of(), un(UnaryFn.EXP, x(0)))), "exp is defined on real numbers only, but the output is i32");
        Buf t = arena("t", Dim.of(0), y.type());
        assertInvalid(new MatMul(t, a, bt, null, false, true, null), "the epilogue is missing");
        assertInvalid(new MatMul(t, a, bt, null, false, true, new Epilogue(List.of(), null)), "the epilogue is missing");
        Buf x = in("x", f32(B, 4, 8, 8)), k = w("k", f32(6, 4, 3, 3));
        assertValid(new Conv2d(out("y", f32(B, 6, 6, 6)), x, k, null, ints(1, 1), ints(0, 0, 0, 0), ints(1, 1), 1, Layout.NCHW, Layout.NCHW,
                new Epilogue(List.of(w("scale", f32(6, 1, 1))), bin(BinaryFn.MUL, x(0), x(1)))));
        assertInvalid(new Conv2d(out("y", f32(B, 6, 6, 6)), x, k, null, ints(1, 1), ints(0, 0, 0, 0), ints(1, 1), 1, Layout.NCHW, Layout.NCHW,
                new Epilogue(List.of(w("scale", f32(5, 1, 1))), bin(BinaryFn.MUL, x(0), x(1)))),
                "epilogue input 1 f32[5,1,1] does not broadcast to the output's shape [B,6,6,6]");
    }

    @Test void epilogueInputsAreReadLikeAnyInput() {
        Buf a = in("a", f32(B, 4)), b = w("b", f32(4, 4));
        Buf t = arena("t", Dim.of(0), f32(B, 4)), u = arena("u", B.times(Dim.of(4)), f32(B, 4));
        Expr add = bin(BinaryFn.ADD, x(0), x(1));
        KernelProgram unwritten = new KernelProgram("P", List.of(a), List.of(b), List.of(), B.times(Dim.of(8)),
                List.of(new MatMul(u, a, b, null, false, false, new Epilogue(List.of(t), add))));
        assertOneProblem(unwritten, 0, "reads arena:t@0 : f32[B,4], which no kernel writes");
        // The primitive writes the output before the epilogue reads its bufs: they may not overlap it.
        KernelProgram overlapping = new KernelProgram("P", List.of(a), List.of(b), List.of(), B.times(Dim.of(8)),
                List.of(new Elementwise(t, List.of(a), x(0)), new MatMul(t, a, b, null, false, false, new Epilogue(List.of(t), add))));
        assertOneProblem(overlapping, 1, "writes over its own input 2 arena:t@0 : f32[B,4]");
        KernelProgram residual = new KernelProgram("P", List.of(a), List.of(b), List.of(), B.times(Dim.of(8)),
                List.of(new Elementwise(t, List.of(a), x(0)), new MatMul(u, a, b, null, false, false, new Epilogue(List.of(t), add))));
        assertEquals(List.of(), problems(residual));
    }

    @Test void channelsLastConvolutionAndPooling() {
        Buf x = in("x", f32(B, 8, 8, 4)), k = w("k", f32(6, 2, 3, 3));
        List<Integer> one = ints(1, 1), none = ints(0, 0, 0, 0);
        assertValid(new Conv2d(out("y", f32(B, 6, 6, 6)), x, k, w("bias", f32(6)), one, none, one, 2, Layout.NHWC, Layout.NHWC, Epilogue.RELU));
        assertValid(new Conv2d(out("y", f32(B, 3, 4, 6)), x, k, null, ints(2, 2), ints(0, 1, 0, 0), one, 2, Layout.NHWC, Layout.NHWC,
                new Epilogue(List.of(w("scale", f32(6))), bin(BinaryFn.MUL, x(0), x(1)))));
        // An NCHW-shaped output of an NHWC convolution: its channels and height disagree.
        List<String> p = problems(single(new Conv2d(out("y", f32(B, 6, 3, 3)), x, k, null, ints(2, 2), none, one, 2,
                Layout.NHWC, Layout.NHWC, Epilogue.NONE)));
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).endsWith("the output has 3 channels but the weight makes 6"), p.toString());
        assertTrue(p.get(1).endsWith("the output height 6 is not floor((8+0+0-1*(3-1)-1)/2)+1 = 3"), p.toString());
        // An NCHW input read as NHWC: its last dim is taken for the channels.
        p = problems(single(new Conv2d(out("y", f32(B, 6, 6, 6)), in("x", f32(B, 4, 8, 8)), w("k", f32(6, 4, 3, 3)), null, one, none, one, 1,
                Layout.NHWC, Layout.NHWC, Epilogue.NONE)));
        assertTrue(p.stream().anyMatch(s -> s.endsWith("x has 8 channels but the weight takes 4 per group in 1 groups")), p.toString());
        assertInvalid(new Conv2d(out("y", f32(B, 6, 6, 5)), x, k, null, one, none, one, 2, Layout.NHWC, Layout.NHWC, Epilogue.NONE),
                "the output has 5 channels but the weight makes 6");
        assertInvalid(new Conv2d(out("y", f32(B, 6, 5, 6)), x, k, null, one, none, one, 2, Layout.NHWC, Layout.NHWC, Epilogue.NONE),
                "the output width 5 is not floor((8+0+0-1*(3-1)-1)/1)+1 = 6");
        assertInvalid(new Conv2d(out("y", f32(B, 6, 6)), x, k, null, one, none, one, 2, Layout.NHWC, Layout.NHWC, Epilogue.NONE),
                "need rank 4 (NHWC, OIHW), but have ranks 4, 4, 3");
        assertInvalid(new Conv2d(arena("y", Dim.of(0), f32(B, 6, 6, 6)), x, k, null, one, none, one, 2, null, null, Epilogue.NONE),
                "attribute layout is missing");
        assertValid(new Pool2d(out("y", f32(B, 4, 4, 4)), x, PoolKind.MAX, ints(2, 2), ints(2, 2), none, false, Layout.NHWC));
        // An NHWC convolution reading an NCHW x: x's dims are [N,C,H,W], the output's [N,OH,OW,O].
        Buf xNchw = in("x", f32(B, 4, 8, 7)), k1 = w("k", f32(6, 4, 3, 3));
        assertValid(new Conv2d(out("y", f32(B, 6, 5, 6)), xNchw, k1, w("bias", f32(6)), one, none, one, 1, Layout.NHWC,
                Layout.NCHW, Epilogue.RELU));
        assertValid(new Conv2d(out("y", f32(B, 4, 3, 6)), xNchw, k1, null, ints(2, 2), ints(1, 1, 0, 0), one, 1, Layout.NHWC,
                Layout.NCHW, Epilogue.NONE));
        // An NHWC x read as NCHW: its second dim is taken for the channels.
        p = problems(single(new Conv2d(out("y", f32(B, 6, 5, 6)), in("x", f32(B, 8, 7, 4)), k1, null, one, none, one, 1,
                Layout.NHWC, Layout.NCHW, Epilogue.NONE)));
        assertTrue(p.stream().anyMatch(s -> s.endsWith("x has 8 channels but the weight takes 4 per group in 1 groups")), p.toString());
        assertInvalid(new Conv2d(out("y", f32(B, 6, 5, 5)), xNchw, k1, null, one, none, one, 1, Layout.NHWC,
                Layout.NCHW, Epilogue.NONE), "the output has 5 channels but the weight makes 6");
        assertInvalid(new Conv2d(out("y", f32(B, 6, 5)), xNchw, k1, null, one, none, one, 1, Layout.NHWC,
                Layout.NCHW, Epilogue.NONE), "need rank 4 (NCHW input, NHWC output, OIHW), but have ranks 4, 4, 3");
        // The reverse (NHWC x, NCHW output) has no kernel.
        assertInvalid(new Conv2d(out("y", f32(B, 6, 6, 6)), x, w("k", f32(6, 4, 3, 3)), null, one, none, one, 1, Layout.NCHW,
                Layout.NHWC, Epilogue.NONE), "input_layout nhwc with layout nchw is not supported");
        assertInvalid(new Conv2d(arena("y", Dim.of(0), f32(B, 6, 6, 6)), x, k, null, one, none, one, 2, Layout.NHWC, null,
                Epilogue.NONE), "attribute input_layout is missing");
        assertInvalid(new Pool2d(out("y", f32(B, 4, 4, 5)), x, PoolKind.MAX, ints(2, 2), ints(2, 2), none, false, Layout.NHWC),
                "the output's batch and channels [B,5] differ from x's [B,4]");
        assertInvalid(new Pool2d(out("y", f32(B, 4, 3, 4)), x, PoolKind.AVG, ints(2, 2), ints(2, 2), none, true, Layout.NHWC),
                "the output width 3 is not floor((8+0+0-1*(2-1)-1)/2)+1 = 4");
    }

    @Test void convolutionWithAFusedMaxPooling() {
        Buf x = in("x", f32(B, 13, 13, 4)), k = w("k", f32(6, 4, 3, 3));
        List<Integer> one = ints(1, 1), none = ints(0, 0, 0, 0);
        // An 11x11 convolution output pooled by 2 in floor mode: 5x5.
        Conv2d pooled = new Conv2d(out("y", f32(B, 5, 5, 6)), x, k, null, one, none, one, 1, Layout.NHWC, Layout.NHWC, Epilogue.RELU,
                ints(2, 2));
        assertValid(pooled);
        assertEquals(11, pooled.convHeight());
        assertEquals(11, pooled.convWidth());
        assertValid(new Conv2d(out("y", f32(B, 3, 11, 6)), x, k, null, one, none, one, 1, Layout.NHWC, Layout.NHWC, Epilogue.NONE,
                ints(3, 1)));
        // An NCHW image: the convolution's size comes from x's last two dims.
        assertValid(new Conv2d(out("y", f32(B, 3, 2, 6)), in("x", f32(B, 4, 8, 7)), k, null, one, none, one, 1, Layout.NHWC,
                Layout.NCHW, Epilogue.RELU, ints(2, 2)));
        assertInvalid(new Conv2d(out("y", f32(B, 6, 5, 6)), x, k, null, one, none, one, 1, Layout.NHWC, Layout.NHWC, Epilogue.NONE,
                ints(2, 2)), "the output height 6 is not the convolution's 11 pooled by 2 = 5");
        assertInvalid(new Conv2d(out("y", f32(B, 5, 5, 6)), x, k, null, one, none, one, 1, Layout.NHWC, Layout.NHWC, Epilogue.NONE,
                ints(2, 0)), "pool [2,0] is not two sizes of 1 or more");
        assertInvalid(new Conv2d(out("y", f32(B, 6, 5, 5)), in("x", f32(B, 4, 13, 13)), k, null, one, none, one, 1, Layout.NCHW,
                Layout.NCHW, Epilogue.NONE, ints(2, 2)), "a pooled convolution must be nhwc with groups=1, but is nchw with groups=1");
        assertInvalid(new Conv2d(out("y", f32(B, 5, 5, 6)), x, k, null, one, none, one, 1, Layout.NHWC, Layout.NHWC,
                new Epilogue(List.of(), new Expr.Unary(Expr.UnaryFn.TANH, new Expr.In(0))), ints(2, 2)),
                "a pooled convolution's epilogue may only be relu(%0), but is tanh(%0)");
        assertInvalid(new Conv2d(out("y", f32(B, 0, 0, 6)), x, k, null, one, none, one, 1, Layout.NHWC, Layout.NHWC, Epilogue.NONE,
                ints(12, 12)), "pool [12,12] is larger than the convolution's 11x11 output");
        assertInvalid(new Conv2d(out("y", f32(B, 5, 5, 6)), in("x", f32(B, "H", 13, 4)), k, null, one, none, one, 1,
                Layout.NHWC, Layout.NHWC, Epilogue.NONE, ints(2, 2)), "a pooled convolution needs x's height and width");
    }

    @Test void aRandomProgramWithoutAKernelThatOthersReadIsRejected() {
        Random r = new Random(1);
        for (long seed = 0; seed < 100; seed++) {
            KernelProgram p = RandomKernels.generate(seed, 12);
            List<Integer> read = new ArrayList<>();
            for (int i = 0; i < p.kernels().size(); i++) {
                Buf o = p.kernels().get(i).out();
                boolean used = o.space() == Space.OUTPUT || p.kernels().stream().anyMatch(k -> k.ins().stream().anyMatch(o::sameStorage));
                if (used) read.add(i);
            }
            int drop = read.get(r.nextInt(read.size()));
            List<Kernel> ks = new ArrayList<>(p.kernels());
            ks.remove(drop);
            KernelProgram broken = new KernelProgram(p.name(), p.inputs(), p.weights(), p.outputs(), p.arenaSize(), ks);
            List<String> problems = problems(broken);
            assertTrue(problems.stream().anyMatch(s -> s.contains("no kernel writes")), "seed " + seed + " dropping " + drop + ": " + problems);
        }
    }

    @Test void aRandomProgramWithAWrongOutputShapeIsRejectedAtThatKernel() {
        Random r = new Random(2);
        int checked = 0;
        for (long seed = 0; seed < 100; seed++) {
            KernelProgram p = RandomKernels.generate(seed, 12);
            List<Integer> candidates = new ArrayList<>();
            for (int i = 0; i < p.kernels().size(); i++) {
                Kernel k = p.kernels().get(i);
                if (!(k instanceof Elementwise || k instanceof Iota) && k.out().type().rank() > 0) candidates.add(i);
            }
            if (candidates.isEmpty()) continue;
            int i = candidates.get(r.nextInt(candidates.size()));
            Kernel k = p.kernels().get(i);
            List<Dim> dims = new ArrayList<>(k.out().type().shape().dims());
            int axis = r.nextInt(dims.size());
            dims.set(axis, dims.get(axis).plus(Dim.of(1)));
            Kernel mutated = withOut(k, k.out().view(k.out().type().withShape(new Shape(dims))));
            List<Kernel> ks = new ArrayList<>(p.kernels());
            ks.set(i, mutated);
            KernelProgram broken = new KernelProgram(p.name(), p.inputs(), p.weights(), p.outputs(), p.arenaSize(), ks);
            String prefix = "kernel " + i + ": ";
            assertTrue(problems(broken).stream().anyMatch(s -> s.startsWith(prefix)),
                    "seed " + seed + ", " + KernelPrinter.print(mutated) + ": " + problems(broken));
            checked++;
        }
        assertTrue(checked > 80, "only " + checked + " programs had a kernel to mutate");
    }

    /** The same kernel writing {@code out}. */
    static Kernel withOut(Kernel k, Buf out) {
        KernelOp op = KernelOp.of(k);
        return op.build(out, KernelOp.mainOperands(k), KernelOp.attrValues(k), k instanceof Elementwise e ? e.expr() : null,
                KernelOp.epilogue(k));
    }

    // ---------------------------------------------------------------------------------
    // Shape rules

    @Test void elementwise() {
        Buf y = out("y", f32(B, 3, 4));
        assertValid(new Elementwise(y, List.of(in("a", f32(B, 3, 4)), w("b", f32(3, 1)), w("s", f32()),
                in("i", type(DType.I32, 1, 4))), bin(BinaryFn.ADD, x(3), x(2))));
        assertInvalid(new Elementwise(y, List.of(w("b", f32(2, 1))), x(0)), "input 0 f32[2,1] does not broadcast to the output's shape [B,3,4]");
        assertInvalid(new Elementwise(y, List.of(w("b", f32(2, B, 3, 4))), x(0)), "does not broadcast");
        // B is not 1, even though B may be bound to 1.
        assertInvalid(new Elementwise(out("y", f32(1, 4)), List.of(in("a", f32(B, 4))), x(0)), "does not broadcast");
        assertInvalid(new Elementwise(y, List.of(in("a", f32(B, 3, 4))), bin(BinaryFn.MUL, x(0), x(1))), "%1 is not an input: the kernel reads 1");
        assertInvalid(new Elementwise(y, List.of(), x(-1)), "%-1 is not an input");
        // Integer arithmetic and casts are fine; functions of real numbers need a float output.
        assertValid(new Elementwise(out("y", type(DType.I32, B, 4)), List.of(in("a", f32(B, 4)), in("b", type(DType.I64, 4))),
                bin(BinaryFn.ADD, un(UnaryFn.ABS, x(0)), x(1))));
        assertInvalid(new Elementwise(out("y", type(DType.I32, 4)), List.of(in("a", f32(4))), un(UnaryFn.NEG, un(UnaryFn.SIGMOID, x(0)))),
                "sigmoid is defined on real numbers only, but the output is i32");
        assertInvalid(new Elementwise(y, List.of(), null), "the kernel has no expression");
        assertInvalid(new Elementwise(y, List.of(), new Expr.Unary(null, c(1))), "a unary expression has no function or argument");
    }

    @Test void matmul() {
        Buf a = in("a", f32(B, 3, 4)), bt = w("b", f32(5, 4)), bias = w("bias", f32(5));
        assertValid(new MatMul(out("y", f32(B, 3, 5)), a, bt, bias, false, true, Epilogue.RELU));
        assertValid(new MatMul(out("y", f32(B, 4, 5)), a, w("b", f32(3, 5)), null, true, false, Epilogue.NONE));
        assertValid(new MatMul(out("y", f32(2, B, 3, 5)), a, w("b", f32(2, 1, 4, 5)), null, false, false, Epilogue.NONE));
        assertInvalid(new MatMul(out("y", f32(B, 3, 5)), a, w("b", f32(5, 6)), bias, false, true, Epilogue.NONE), "a's K 4 differs from b's K 6");
        assertInvalid(new MatMul(out("y", f32(B, 4, 5)), a, bt, bias, true, true, Epilogue.NONE), "a's K 3 differs from b's K 4");
        assertInvalid(new MatMul(out("y", f32(B, 3, 4)), a, bt, null, false, true, Epilogue.NONE), "the output f32[B,3,4] does not end in [3,5]");
        assertInvalid(new MatMul(out("y", f32(B, 3, 5)), a, bt, w("bias", f32(3)), false, true, Epilogue.NONE), "the bias f32[3] is not [5]");
        assertInvalid(new MatMul(out("y", f32(3, 5)), a, bt, null, false, true, Epilogue.NONE),
                "the output's batch dims [] are not the broadcast of a's [B] and b's []");
        assertInvalid(new MatMul(out("y", f32(S, 3, 5)), a, bt, null, false, true, Epilogue.NONE), "are not the broadcast");
        assertInvalid(new MatMul(out("y", f32(2, B, 3, 5)), a, w("b", f32(3, 1, 4, 5)), null, false, false, Epilogue.NONE), "are not the broadcast");
        assertInvalid(new MatMul(out("y", f32(5)), in("a", f32(4)), bt, null, false, true, Epilogue.NONE),
                "a, b and the output need rank 2 or more, but have ranks 1, 2, 1");
        assertValid(new MatMul(out("y", type(DType.I32, 3, 5)), in("a", type(DType.I32, 3, 4)), w("b", type(DType.I32, 4, 5)),
                null, false, false, Epilogue.NONE));
        assertInvalid(new MatMul(out("y", f32(B, 3, 5)), a, w("b", type(DType.F16, 5, 4)), null, false, true, Epilogue.NONE),
                "input w:b : f16[5,4] does not have the output's element type f32");
    }

    @Test void conv2d() {
        Buf x = in("x", f32(B, 4, 8, 8)), k = w("k", f32(6, 2, 3, 3));
        assertValid(new Conv2d(out("y", f32(B, 6, 4, 4)), x, k, w("b", f32(6)), ints(2, 2), ints(1, 1, 0, 0), ints(1, 1), 2, Layout.NCHW, Layout.NCHW, Epilogue.NONE));
        assertValid(new Conv2d(out("y", f32(B, 6, 4, 3)), x, k, null, ints(1, 2), ints(0, 0, 0, 0), ints(2, 1), 2, Layout.NCHW, Layout.NCHW, Epilogue.RELU));
        assertInvalid(new Conv2d(out("y", f32(B, 6, 4, 5)), x, k, null, ints(2, 2), ints(1, 1, 0, 0), ints(1, 1), 2, Layout.NCHW, Layout.NCHW, Epilogue.NONE),
                "the output width 5 is not floor((8+1+0-1*(3-1)-1)/2)+1 = 4");
        assertInvalid(new Conv2d(out("y", f32(B, 6, 6, 6)), x, k, null, ints(1, 1), ints(0, 0, 0, 0), ints(1, 1), 1, Layout.NCHW, Layout.NCHW, Epilogue.NONE),
                "x has 4 channels but the weight takes 2 per group in 1 groups");
        assertInvalid(new Conv2d(out("y", f32(B, 6, 6, 6)), x, w("k", f32(6, 1, 3, 3)), null, ints(1, 1), ints(0, 0, 0, 0), ints(1, 1), 4, Layout.NCHW, Layout.NCHW, Epilogue.NONE),
                "the weight's 6 filters do not split into 4 groups");
        assertInvalid(new Conv2d(out("y", f32(B, 5, 6, 6)), x, k, null, ints(1, 1), ints(0, 0, 0, 0), ints(1, 1), 2, Layout.NCHW, Layout.NCHW, Epilogue.NONE),
                "the output has 5 channels but the weight makes 6");
        assertInvalid(new Conv2d(out("y", f32(B, 6, 6, 6)), x, k, w("b", f32(4)), ints(1, 1), ints(0, 0, 0, 0), ints(1, 1), 2, Layout.NCHW, Layout.NCHW, Epilogue.NONE),
                "the bias f32[4] is not [6]");
        assertInvalid(new Conv2d(out("y", f32(B, 6, 6, 6)), x, k, null, ints(1), ints(0, 0, 0, 0), ints(1, 1), 2, Layout.NCHW, Layout.NCHW, Epilogue.NONE),
                "stride [1] is not two sizes of 1 or more");
        assertInvalid(new Conv2d(out("y", f32(B, 6, 6, 6)), x, k, null, ints(1, 1), ints(0, -1, 0, 0), ints(1, 1), 2, Layout.NCHW, Layout.NCHW, Epilogue.NONE),
                "padding [0,-1,0,0] is not four sizes");
        assertInvalid(new Conv2d(out("y", f32(B, 6, 6, 6)), x, k, null, ints(1, 1), ints(0, 0, 0, 0), ints(0, 1), 2, Layout.NCHW, Layout.NCHW, Epilogue.NONE),
                "dilation [0,1] is not two sizes");
        assertInvalid(new Conv2d(out("y", type(DType.I32, B, 6, 6, 6)), in("x", type(DType.I32, B, 4, 8, 8)), w("k", type(DType.I32, 6, 2, 3, 3)),
                null, ints(1, 1), ints(0, 0, 0, 0), ints(1, 1), 2, Layout.NCHW, Layout.NCHW, Epilogue.NONE), "the output i32[B,6,6,6] is not a float type");
        assertInvalid(new Conv2d(out("y", f32(B, 6, 6, 6)), x, k, null, ints(1, 1), ints(0, 0, 0, 0), ints(1, 1), 0, Layout.NCHW, Layout.NCHW, Epilogue.NONE),
                "groups 0 is less than 1");
        assertInvalid(new Conv2d(out("y", f32(B, 6, 6)), x, k, null, ints(1, 1), ints(0, 0, 0, 0), ints(1, 1), 2, Layout.NCHW, Layout.NCHW, Epilogue.NONE),
                "need rank 4 (NCHW, OIHW), but have ranks 4, 4, 3");
        // A kernel larger than the padded input.
        assertInvalid(new Conv2d(out("y", f32(B, 6, 1, 6)), in("x", f32(B, 4, 2, 8)), k, null, ints(1, 1), ints(0, 0, 0, 0), ints(1, 1), 2, Layout.NCHW, Layout.NCHW, Epilogue.NONE),
                "the output height 1 is not floor((2+0+0-1*(3-1)-1)/1)+1 = 0");
        // Symbolic spatial sizes are checked by evaluation.
        Buf xs = in("x", f32(B, 4, H, W));
        assertValid(new Conv2d(out("y", f32(B, 6, H.minus(Dim.of(2)), W)), xs, k, null, ints(1, 1), ints(0, 1, 0, 1), ints(1, 1), 2, Layout.NCHW, Layout.NCHW, Epilogue.NONE));
        assertInvalid(new Conv2d(out("y", f32(B, 6, H.minus(Dim.of(1)), W)), xs, k, null, ints(1, 1), ints(0, 1, 0, 1), ints(1, 1), 2, Layout.NCHW, Layout.NCHW, Epilogue.NONE),
                "the output height H-1 is not floor((H+0+0-1*(3-1)-1)/1)+1");
        assertInvalid(new Conv2d(out("y", f32(S, 6, H.minus(Dim.of(2)), W)), xs, k, null, ints(1, 1), ints(0, 1, 0, 1), ints(1, 1), 2, Layout.NCHW, Layout.NCHW, Epilogue.NONE),
                "the output batch S differs from x's B");
    }

    @Test void pool2d() {
        Buf x = in("x", f32(B, 4, 7, 7));
        assertValid(new Pool2d(out("y", f32(B, 4, 3, 4)), x, PoolKind.MAX, ints(3, 2), ints(2, 2), ints(0, 1, 0, 0), false, Layout.NCHW));
        assertValid(new Pool2d(out("y", f32(B, 4, 7, 7)), x, PoolKind.AVG, ints(3, 3), ints(1, 1), ints(1, 1, 1, 1), true, Layout.NCHW));
        assertInvalid(new Pool2d(out("y", f32(B, 4, 3, 3)), x, PoolKind.MAX, ints(3, 2), ints(2, 2), ints(0, 1, 0, 0), false, Layout.NCHW),
                "the output width 3 is not floor((7+1+0-1*(2-1)-1)/2)+1 = 4");
        assertInvalid(new Pool2d(out("y", f32(B, 4, 8, 7)), x, PoolKind.MAX, ints(2, 3), ints(1, 1), ints(2, 1, 0, 1), false, Layout.NCHW),
                "padding 2 is more than half the kernel 2");
        assertInvalid(new Pool2d(out("y", f32(B, 5, 5, 5)), x, PoolKind.MAX, ints(3, 3), ints(1, 1), ints(0, 0, 0, 0), false, Layout.NCHW),
                "the output's batch and channels [B,5] differ from x's [B,4]");
        assertInvalid(new Pool2d(out("y", f32(B, 4, 5, 5)), x, PoolKind.MAX, ints(3, 0), ints(1, 1), ints(0, 0, 0, 0), false, Layout.NCHW),
                "kernel [3,0] is not two sizes of 1 or more");
        // As in the graph IR, pooling takes any element type.
        assertValid(new Pool2d(out("y", type(DType.I32, B, 4, 5, 5)), in("x", type(DType.I32, B, 4, 7, 7)), PoolKind.AVG,
                ints(3, 3), ints(1, 1), ints(0, 0, 0, 0), false, Layout.NCHW));
        assertInvalid(new Pool2d(out("y", type(DType.F16, B, 4, 5, 5)), x, PoolKind.MAX, ints(3, 3), ints(1, 1), ints(0, 0, 0, 0), false, Layout.NCHW),
                "does not have x's element type f32");
    }

    @Test void reduce() {
        Buf x = in("x", f32(B, 3, 4, 5));
        assertValid(new Reduce(out("y", f32(B, 5)), x, ReduceKind.SUM, ints(1, 2)));
        assertValid(new Reduce(out("y", f32(B, 1, 1, 5)), x, ReduceKind.MEAN, ints(1, 2)));
        assertValid(new Reduce(out("y", f32()), x, ReduceKind.MAX, ints(0, 1, 2, 3)));
        assertInvalid(new Reduce(out("y", f32(B, 4)), x, ReduceKind.SUM, ints(1, 2)),
                "the output shape [B,4] is neither [B,5] nor [B,1,1,5]");
        assertInvalid(new Reduce(out("y", f32(B, 4)), x, ReduceKind.SUM, ints(1, 3)), "axes [1,3] are not sorted and contiguous");
        assertInvalid(new Reduce(out("y", f32(B, 4)), x, ReduceKind.SUM, ints(2, 1)), "axes [2,1] are not sorted and contiguous");
        assertInvalid(new Reduce(out("y", f32(B, 3, 4)), x, ReduceKind.SUM, ints(4)), "axis 4 is not a dim of x f32[B,3,4,5]");
        assertInvalid(new Reduce(out("y", type(DType.I32, B)), in("x", type(DType.I32, B, 3)), ReduceKind.MEAN, ints(1)),
                "the output i32[B] is not a float type");
    }

    @Test void softmax() {
        Buf x = in("x", f32(B, 10));
        assertValid(new Softmax(out("y", f32(B, 10)), x, 1, 1.0, true));
        assertInvalid(new Softmax(out("y", f32(B, 11)), x, 1, 1.0, false), "the output shape [B,11] is not x's [B,10]");
        assertInvalid(new Softmax(out("y", f32(10, B)), x, 1, 1.0, false), "the output shape [10,B] is not x's [B,10]");
        assertInvalid(new Softmax(out("y", f32(B, 10)), x, 2, 1.0, false), "softmax axis 2 is not a dim of x f32[B,10]");
        assertInvalid(new Softmax(out("y", f32(B, 10)), x, -1, 1.0, false), "softmax axis -1 is not a dim");
        assertInvalid(new Softmax(out("y", type(DType.BF16, B, 10)), x, 0, 1.0, false), "does not have x's element type f32");
        assertValid(new Softmax(out("y", type(DType.I32, B, 10)), in("x", type(DType.I32, B, 10)), 1, 1.0, false));
        assertValid(new Softmax(out("y", f32(B, 10)), x, 1, 0.125, false));
        assertValid(new Softmax(out("y", f32(B, 10)), x, 1, -3, true));
        assertInvalid(new Softmax(out("y", f32(B, 10)), x, 1, Double.POSITIVE_INFINITY, false), "scale Infinity is not a finite number");
        assertInvalid(new Softmax(out("y", f32(B, 10)), x, 1, Double.NaN, false), "scale NaN is not a finite number");
    }

    @Test void layerNorm() {
        Buf x = in("x", f32(B, S, 8)), g = w("g", f32(8)), b = w("b", f32(8));
        assertValid(new LayerNorm(out("y", f32(B, S, 8)), x, g, b, null, 2, 1e-5));
        assertValid(new LayerNorm(out("y", f32(B, S, 8)), x, w("g", f32(S, 8)), w("b", f32(S, 8)), null, 1, 0));
        assertInvalid(new LayerNorm(out("y", f32(B, S, 8)), x, w("g", f32(4)), b, null, 2, 1e-5), "gamma f32[4] is not f32[8]");
        assertInvalid(new LayerNorm(out("y", f32(B, S, 8)), x, g, w("b", f32(S, 8)), null, 2, 1e-5), "beta f32[S,8] is not f32[8]");
        assertInvalid(new LayerNorm(out("y", f32(B, S, 8)), x, g, b, null, 2, -1e-5), "eps -1.0E-5 is not a finite number of 0 or more");
        assertInvalid(new LayerNorm(out("y", f32(B, S, 8)), x, g, b, null, 2, Double.NaN), "eps NaN is not a finite number");
        assertInvalid(new LayerNorm(out("y", f32(B, 8, S)), x, g, b, null, 2, 1e-5), "the output shape [B,8,S] is not x's [B,S,8]");
        assertInvalid(new LayerNorm(out("y", f32(B, S, 8)), x, g, b, null, 3, 1e-5), "layer_norm axis 3 is not a dim of x");
        assertInvalid(new LayerNorm(out("y", type(DType.I32, 8)), in("x", type(DType.I32, 8)), w("g", type(DType.I32, 8)),
                w("b", type(DType.I32, 8)), null, 0, 1e-5), "the output i32[8] is not a float type");
    }

    @Test void transpose() {
        Buf x = in("x", f32(B, S, 8));
        assertValid(new Transpose(out("y", f32(8, B, S)), x, ints(2, 0, 1)));
        assertInvalid(new Transpose(out("y", f32(B, 8, S)), x, ints(2, 0, 1)), "the output shape [B,8,S] is not the permuted [8,B,S]");
        assertInvalid(new Transpose(out("y", f32(8, B, S)), x, ints(2, 0, 0)), "perm [2,0,0] is not a permutation of x's 3 dims");
        assertInvalid(new Transpose(out("y", f32(8, B, S)), x, ints(2, 0)), "is not a permutation");
        assertInvalid(new Transpose(out("y", f32(8, B, S)), x, ints(3, 0, 1)), "is not a permutation");
    }

    @Test void slice() {
        Buf x = in("x", f32(B, 10));
        assertValid(new Slice(out("y", f32(B, 3)), x, ints(0, 1), ints(1, 3)));
        assertValid(new Slice(out("y", f32(B, 1)), x, ints(0, 9), ints(1, 5)));
        assertInvalid(new Slice(out("y", f32(B, 4)), x, ints(0, 1), ints(1, 3)), "dim 1: 4 elements from 1 in steps of 3 run past x's 10");
        assertInvalid(new Slice(out("y", f32(B.plus(Dim.of(1)), 10)), x, ints(0, 0), ints(1, 1)), "dim 0: B+1 elements from 0");
        assertInvalid(new Slice(out("y", f32(B, 1)), x, ints(0, 0), ints(1, 0)), "dim 1 has start 0 and step 0");
        assertInvalid(new Slice(out("y", f32(B, 1)), x, ints(0, -1), ints(1, 1)), "dim 1 has start -1 and step 1");
        assertInvalid(new Slice(out("y", f32(B, 1)), x, ints(0), ints(1, 1)), "x has rank 2 but there are 1 starts, 2 steps");
    }

    @Test void concat() {
        Buf a = in("a", f32(B, 3)), b = w("b", f32(B, 5));
        assertValid(new Concat(out("y", f32(B, 8)), List.of(a, b), 1));
        assertValid(new Concat(out("y", f32(B.times(Dim.of(2)), 3)), List.of(a, a), 0)); // B*2 == B+B by evaluation
        assertInvalid(new Concat(out("y", f32(B, 9)), List.of(a, b), 1), "the output's axis 1 has 9 elements, but the inputs' add up to 8");
        assertInvalid(new Concat(out("y", f32(B, 8)), List.of(a, w("b", f32(S, 5))), 1),
                "input 1 f32[S,5] differs from the output f32[B,8] outside axis 1");
        assertInvalid(new Concat(out("y", f32(B, 8)), List.of(), 1), "the kernel joins no inputs");
        assertInvalid(new Concat(out("y", f32(B, 8)), List.of(a, b), 2), "axis 2 is not a dim of the output f32[B,8]");
    }

    @Test void gather() {
        Buf data = w("emb", f32(100, 16)), ids = in("ids", type(DType.I32, B, S));
        assertValid(new Gather(out("y", f32(B, S, 16)), data, ids, 0));
        assertValid(new Gather(out("y", f32(100, B, S)), data, in("ids", type(DType.I8, B, S)), 1));
        assertInvalid(new Gather(out("y", f32(B, S, 16)), data, in("ids", f32(B, S)), 0), "the indices f32[B,S] are not integers");
        assertInvalid(new Gather(out("y", f32(B, 16)), data, ids, 0),
                "the output shape [B,16] is not data[:axis] + indices + data[axis+1:] = [B,S,16]");
        assertInvalid(new Gather(out("y", f32(B, S, 16)), data, ids, 2), "axis 2 is not a dim of the data f32[100,16]");
    }

    @Test void iota() {
        assertValid(new Iota(out("y", type(DType.BOOL, B, 4)), 1));
        assertValid(new Iota(out("y", type(DType.I64, S)), 0));
        assertInvalid(new Iota(out("y", f32(B, 4)), 2), "axis 2 is not a dim of the output f32[B,4]");
        assertInvalid(new Iota(out("y", f32()), 0), "axis 0 is not a dim of the output f32[]");
    }

    @Test void symbolsAreBoundToDistinctSizes() {
        // [B,S] vs [S,B] would pass if every symbol were bound to the same size.
        assertInvalid(new Softmax(out("y", f32(S, B)), in("x", f32(B, S)), 0, 1.0, false), "the output shape [S,B] is not x's [B,S]");
        // An inexact division makes a binding unusable, not a problem; one binding divides by small numbers.
        Dim d = Dim.sym("D"), d4 = d.div(Dim.of(4));
        assertValid(new Elementwise(out("y", f32(d4.times(Dim.of(4)))), List.of(in("x", f32(d))), x(0)));
        assertInvalid(new Elementwise(out("y", f32(d4.times(Dim.of(3)))), List.of(in("x", f32(d))), x(0)), "does not broadcast");
        assertValid(new Concat(out("y", f32(d)), List.of(in("a", f32(d4)), in("b", f32(d4.times(Dim.of(3))))), 0));
    }
}
