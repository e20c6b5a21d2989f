package dev.nnc.codegen.jvm;

import static dev.nnc.codegen.jvm.HandWrittenPrograms.B;
import static dev.nnc.codegen.jvm.HandWrittenPrograms.bin;
import static dev.nnc.codegen.jvm.HandWrittenPrograms.c;
import static dev.nnc.codegen.jvm.HandWrittenPrograms.f32;
import static dev.nnc.codegen.jvm.HandWrittenPrograms.un;
import static dev.nnc.codegen.jvm.HandWrittenPrograms.x;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Expr;
import dev.nnc.ir.kernel.Expr.BinaryFn;
import dev.nnc.ir.kernel.Expr.UnaryFn;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.Kernel.Epilogue;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.kernels.Parallel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Matmul and convolution epilogues: relu runs inside the tuned primitive, anything else as a
 * generated in-place loop over the output right after it. Each fused program must give the
 * results of its unfused twin (the primitive into a scratch slot, then an elementwise kernel).
 * Column counts of 19 are not a multiple of the vector width, so vector loops and tails both run.
 */
class EpilogueTest {
    static final List<Integer> ONE = List.of(1, 1), NONE = List.of(0, 0, 0, 0);
    static final Expr RESIDUAL_RELU = un(UnaryFn.RELU, bin(BinaryFn.ADD, x(0), x(1)));

    /** Arena slots one after another. */
    static final class Arena {
        Dim next = Dim.of(0);
        int count;

        Buf slot(Object... dims) {
            Buf b = Buf.arena("s" + count++, next, f32(dims));
            next = next.plus(b.type().shape().numel());
            return b;
        }
    }

    static void check(String name, List<Buf> inputs, List<Buf> weights, List<Buf> outputs, Arena arena, List<Kernel> kernels) {
        KernelProgram p = new KernelProgram(name, inputs, weights, outputs, arena.next, kernels);
        KernelProgram plain = HandWrittenPrograms.unfused(p);
        assertTrue(plain.kernels().size() > p.kernels().size());
        int threads = Parallel.threads();
        try {
            for (int t : new int[] {1, 2}) {
                Parallel.setThreads(t);
                for (long seed = 0; seed < 3; seed++) HandWrittenPrograms.assertSameResults(p, plain, seed);
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test void matmulEpilogues() {
        Buf xIn = Buf.input("x", f32(B, 7)), r = Buf.input("r", f32(B, 19)), b = Buf.input("b", f32(7, 19));
        Buf w = Buf.weight("w", f32(7, 19)), wt = Buf.weight("wt", f32(19, 7)), bias = Buf.weight("bias", f32(19));
        Buf col = Buf.weight("col", f32(19)), row = Buf.weight("row", f32(1, 19));
        Arena arena = new Arena();
        Buf res = arena.slot(B, 19);
        List<Buf> outs = new ArrayList<>();
        for (int i = 0; i < 6; i++) outs.add(Buf.output("y" + i, f32(B, 19)));
        check("MatMulEpilogues", List.of(xIn, r, b), List.of(w, wt, bias, col, row), outs, arena, List.of(
                new Kernel.Elementwise(res, List.of(r), un(UnaryFn.TANH, x(0))),
                // A residual (a full-size arena buf) then relu, after the bias.
                new Kernel.MatMul(outs.get(0), xIn, w, bias, false, false, new Epilogue(List.of(res), RESIDUAL_RELU)),
                // A per-column vector, with a transposed packed weight.
                new Kernel.MatMul(outs.get(1), xIn, wt, null, false, true,
                        new Epilogue(List.of(col), bin(BinaryFn.ADD, bin(BinaryFn.MUL, x(0), x(1)), c(0.25)))),
                // Relu in the GEMM itself.
                new Kernel.MatMul(outs.get(2), xIn, w, bias, false, false, Epilogue.RELU),
                // No bufs of its own, but more than relu.
                new Kernel.MatMul(outs.get(3), xIn, w, null, false, false, new Epilogue(List.of(), un(UnaryFn.TANH, x(0)))),
                // B not a weight (not packed), two epilogue bufs.
                new Kernel.MatMul(outs.get(4), xIn, b, bias, false, false,
                        new Epilogue(List.of(res, row), bin(BinaryFn.SUB, bin(BinaryFn.MUL, x(0), x(2)), x(1)))),
                // The residual is a model output written earlier.
                new Kernel.MatMul(outs.get(5), xIn, w, null, false, false, new Epilogue(List.of(outs.get(0)), RESIDUAL_RELU))));
    }

    @Test void convolutionEpilogues() {
        Buf image = Buf.input("image", f32(B, 3, 9, 9)), r = Buf.input("r", f32(B, 6, 7, 7));
        Buf k = Buf.weight("k", f32(6, 3, 3, 3)), kb = Buf.weight("kb", f32(6)), ch = Buf.weight("ch", f32(6, 1, 1));
        Buf kg = Buf.weight("kg", f32(6, 1, 3, 3));
        Arena arena = new Arena();
        Buf res = arena.slot(B, 6, 7, 7);
        Buf grouped = arena.slot(B, 3, 9, 9);
        List<Buf> outs = new ArrayList<>();
        for (int i = 0; i < 4; i++) outs.add(Buf.output("z" + i, f32(B, 6, 7, 7)));
        check("ConvEpilogues", List.of(image, r), List.of(k, kb, ch, kg), outs, arena, List.of(
                new Kernel.Elementwise(res, List.of(r), un(UnaryFn.NEG, x(0))),
                // A residual then relu, after the bias.
                new Kernel.Conv2d(outs.get(0), image, k, kb, ONE, NONE, ONE, 1, Kernel.Layout.NCHW, Kernel.Layout.NCHW, new Epilogue(List.of(res), RESIDUAL_RELU)),
                // A per-channel vector.
                new Kernel.Conv2d(outs.get(1), image, k, null, ONE, NONE, ONE, 1, Kernel.Layout.NCHW, Kernel.Layout.NCHW,
                        new Epilogue(List.of(ch), bin(BinaryFn.MUL, un(UnaryFn.SIGMOID, x(0)), x(1)))),
                new Kernel.Conv2d(outs.get(2), image, k, kb, ONE, NONE, ONE, 1, Kernel.Layout.NCHW, Kernel.Layout.NCHW, Epilogue.RELU),
                // Depthwise-style groups, the weight not packed (an arena input), a residual and a vector.
                new Kernel.Elementwise(grouped, List.of(image), bin(BinaryFn.MUL, x(0), c(0.5))),
                new Kernel.Conv2d(outs.get(3), grouped, kg, kb, ONE, NONE, ONE, 3, Kernel.Layout.NCHW, Kernel.Layout.NCHW,
                        new Epilogue(List.of(res, ch), bin(BinaryFn.MAX, bin(BinaryFn.ADD, x(0), x(1)), x(2))))));
    }

    /** What the backend does with a general epilogue, written as kernels: an elementwise kernel over its own input 0. */
    @Test void inPlaceElementwiseKernels() {
        Buf xIn = Buf.input("x", f32(B, 3, 37)), col = Buf.weight("col", f32(37)), y = Buf.output("y", f32(B, 3, 37));
        Arena arena = new Arena();
        Buf t = arena.slot(B, 3, 37), u = arena.slot(B, 3, 37);
        Expr body = un(UnaryFn.RELU, bin(BinaryFn.ADD, x(0), x(1)));
        KernelProgram inPlace = new KernelProgram("InPlace", List.of(xIn), List.of(col), List.of(y), arena.next, List.of(
                new Kernel.Elementwise(t, List.of(xIn), bin(BinaryFn.MUL, x(0), c(3))),
                new Kernel.Elementwise(t, List.of(t, col), body),
                new Kernel.Elementwise(t.view(f32(B, 111)), List.of(t.view(f32(B, 111))), un(UnaryFn.TANH, x(0))),
                new Kernel.Elementwise(y, List.of(t), x(0))));
        assertTrue(inPlace.kernels().get(1).inPlace() && inPlace.kernels().get(2).inPlace());
        KernelProgram copying = new KernelProgram("Copying", List.of(xIn), List.of(col), List.of(y), arena.next, List.of(
                new Kernel.Elementwise(t, List.of(xIn), bin(BinaryFn.MUL, x(0), c(3))),
                new Kernel.Elementwise(u, List.of(t, col), body),
                new Kernel.Elementwise(t.view(f32(B, 111)), List.of(u.view(f32(B, 111))), un(UnaryFn.TANH, x(0))),
                new Kernel.Elementwise(y, List.of(t), x(0))));
        for (long seed = 0; seed < 3; seed++) HandWrittenPrograms.assertSameResults(inPlace, copying, seed);
    }

    @Test void batchedMatmulEpilogues() {
        Buf a = Buf.input("a", f32(B, 4, 5)), at = Buf.input("at", f32(B, 5, 4)), bb = Buf.input("bb", f32(B, 5, 19));
        Buf r = Buf.input("r", f32(B, 4, 19));
        Buf w = Buf.weight("w", f32(5, 19)), a0 = Buf.weight("a0", f32(4, 5)), bias = Buf.weight("bias", f32(19));
        Buf col = Buf.weight("col", f32(19)), row = Buf.weight("row", f32(4, 1));
        Arena arena = new Arena();
        Buf res = arena.slot(B, 4, 19);
        List<Buf> outs = new ArrayList<>();
        for (int i = 0; i < 5; i++) outs.add(Buf.output("q" + i, f32(B, 4, 19)));
        check("BatchedEpilogues", List.of(a, at, bb, r), List.of(w, a0, bias, col, row), outs, arena, List.of(
                new Kernel.Elementwise(res, List.of(r), bin(BinaryFn.MUL, x(0), c(0.5))),
                // The batch folds into the rows of one GEMM with a packed weight; a residual and a per-row vector.
                new Kernel.MatMul(outs.get(0), a, w, bias, false, false,
                        new Epilogue(List.of(res, row), bin(BinaryFn.ADD, bin(BinaryFn.MUL, x(0), x(2)), x(1)))),
                // One GEMM per batch element (both operands batched), a per-column vector.
                new Kernel.MatMul(outs.get(1), a, bb, null, false, false,
                        new Epilogue(List.of(col), un(UnaryFn.RELU, bin(BinaryFn.ADD, x(0), x(1))))),
                // A transposed batched A against a weight: also one GEMM per batch element.
                new Kernel.MatMul(outs.get(2), at, w, null, true, false, new Epilogue(List.of(res), bin(BinaryFn.SUB, x(0), x(1)))),
                // A shared A against a batched B.
                new Kernel.MatMul(outs.get(3), a0, bb, bias, false, false, new Epilogue(List.of(res), RESIDUAL_RELU)),
                new Kernel.MatMul(outs.get(4), a, bb, bias, false, false, Epilogue.RELU)));
    }
}
