package dev.nnc.codegen.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Expr;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.KernelVerifier;
import dev.nnc.ir.kernel.Space;
import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Kernel programs written by hand for the backend tests, and the rewrites that turn an
 * optimized program into its plain equivalent: epilogues applied by separate elementwise
 * kernels, derived weights computed at run time into arena slots. Both forms are compiled
 * and run on the same seeded random data, and must agree to 1e-5 |x| + 1e-6 per element.
 */
final class HandWrittenPrograms {
    private HandWrittenPrograms() {}

    static final Dim B = Dim.sym("B");

    /** f32 of Integer dims and Dim dims. */
    static TensorType f32(Object... dims) {
        List<Dim> list = new ArrayList<>();
        for (Object o : dims) list.add(o instanceof Dim d ? d : Dim.of(((Number) o).longValue()));
        return new TensorType(DType.F32, new Shape(list));
    }

    static Expr x(int i) { return new Expr.In(i); }

    static Expr c(double v) { return new Expr.Const(v); }

    static Expr un(Expr.UnaryFn fn, Expr a) { return new Expr.Unary(fn, a); }

    static Expr bin(Expr.BinaryFn fn, Expr a, Expr b) { return new Expr.Binary(fn, a, b); }

    // ---------------------------------------------------------------------------------
    // Running

    /** Gaussian tensors for the declared bufs, symbols bound to {@code batch}. */
    static Map<String, Tensor> random(List<Buf> decls, int batch, Random rng) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Buf b : decls) {
            int[] shape = b.type().shape().eval(Map.of("B", (long) batch));
            int n = 1;
            for (int d : shape) n *= d;
            float[] data = new float[n];
            for (int i = 0; i < n; i++) data[i] = (float) rng.nextGaussian();
            out.put(b.name(), Tensor.ofFloats(DType.F32, shape, data));
        }
        return out;
    }

    /** Verifies, compiles and instantiates the program. */
    static CompiledModel compile(KernelProgram p, Map<String, Tensor> weights) {
        KernelVerifier.verify(p);
        return ModelLoader.instantiate(JvmBackend.compile(p, JvmBackend.className(p.name())), weights);
    }

    /**
     * Runs {@code optimized} and {@code plain} on the same random weights and inputs at a few
     * batch sizes; every output must agree.
     */
    static void assertSameResults(KernelProgram optimized, KernelProgram plain, long seed) {
        assertEquals(optimized.inputs(), plain.inputs());
        assertEquals(optimized.outputs(), plain.outputs());
        Map<String, Tensor> weights = random(optimized.weights(), 1, new Random(seed));
        CompiledModel fast = compile(optimized, weights), slow = compile(plain, weights);
        for (int batch : new int[] {1, 3}) {
            Map<String, Tensor> inputs = random(optimized.inputs(), batch, new Random(seed * 31 + batch));
            Map<String, Tensor> expected = slow.run(inputs), actual = fast.run(inputs);
            for (Buf o : optimized.outputs()) {
                assertClose(expected.get(o.name()), actual.get(o.name()), "output " + o.name() + " at batch " + batch
                        + " of\n" + KernelPrinter.print(optimized));
            }
        }
    }

    static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i), a = actual.getDouble(i);
            int index = i;
            assertTrue(Math.abs(e - a) <= 1e-5 * Math.abs(e) + 1e-6, () -> what + ": element " + index + ": expected " + e + " got " + a);
        }
    }

    // ---------------------------------------------------------------------------------
    // Rewrites to the plain form

    /**
     * The same program with every epilogue other than none applied by an elementwise kernel:
     * the matmul or convolution writes a new arena slot (after the program's arena), which the
     * elementwise kernel reads as %0 with the epilogue's bufs after it.
     */
    static KernelProgram unfused(KernelProgram p) {
        Dim arena = p.arenaSize();
        List<Kernel> kernels = new ArrayList<>();
        int slot = 0;
        for (Kernel k : p.kernels()) {
            Kernel.Epilogue e = switch (k) {
                case Kernel.MatMul m -> m.epilogue();
                case Kernel.Conv2d cv -> cv.epilogue();
                default -> Kernel.Epilogue.NONE;
            };
            if (e.isNone()) {
                kernels.add(k);
                continue;
            }
            Buf tmp = Buf.arena("unfused" + slot++, arena, k.out().type());
            arena = arena.plus(tmp.type().shape().numel());
            kernels.add(switch (k) {
                case Kernel.MatMul m -> new Kernel.MatMul(tmp, m.a(), m.b(), m.bias(), m.transA(), m.transB(), Kernel.Epilogue.NONE);
                case Kernel.Conv2d cv -> new Kernel.Conv2d(tmp, cv.x(), cv.weight(), cv.bias(), cv.stride(), cv.padding(),
                        cv.dilation(), cv.groups(), cv.layout(), cv.inputLayout(), Kernel.Epilogue.NONE);
                default -> throw new IllegalStateException();
            });
            List<Buf> ins = new ArrayList<>(List.of(tmp));
            ins.addAll(e.ins());
            kernels.add(new Kernel.Elementwise(k.out(), ins, e.expr()));
        }
        return new KernelProgram(p.name() + "Unfused", p.inputs(), p.weights(), p.derived(), p.outputs(), arena, p.prepare(), kernels);
    }

    /**
     * The same program computing its derived weights at run time: each derived weight becomes
     * an arena slot (after the program's arena) and the prepare kernels run first.
     */
    static KernelProgram atRunTime(KernelProgram p) {
        Dim arena = p.arenaSize();
        Map<String, Dim> offsets = new HashMap<>();
        for (Buf d : p.derived()) {
            offsets.put(d.name(), arena);
            arena = arena.plus(d.type().shape().numel());
        }
        UnaryOperator<Buf> move = b -> b != null && b.space() == Space.WEIGHT && offsets.containsKey(b.name())
                ? Buf.arena(b.name(), offsets.get(b.name()), b.type()) : b;
        List<Kernel> kernels = new ArrayList<>();
        for (Kernel k : p.prepare()) kernels.add(withBufs(k, move));
        for (Kernel k : p.kernels()) kernels.add(withBufs(k, move));
        return new KernelProgram(p.name() + "AtRunTime", p.inputs(), p.weights(), p.outputs(), arena, kernels);
    }

    /** The kernel with every buf (output, operands, epilogue bufs) passed through {@code f}; the kinds these tests use. */
    static Kernel withBufs(Kernel k, UnaryOperator<Buf> f) {
        return switch (k) {
            case Kernel.Elementwise e -> new Kernel.Elementwise(f.apply(e.out()), e.ins().stream().map(f).toList(), e.expr());
            case Kernel.MatMul m -> new Kernel.MatMul(f.apply(m.out()), f.apply(m.a()), f.apply(m.b()), f.apply(m.bias()),
                    m.transA(), m.transB(), epilogue(m.epilogue(), f));
            case Kernel.Conv2d cv -> new Kernel.Conv2d(f.apply(cv.out()), f.apply(cv.x()), f.apply(cv.weight()), f.apply(cv.bias()),
                    cv.stride(), cv.padding(), cv.dilation(), cv.groups(), cv.layout(), cv.inputLayout(), epilogue(cv.epilogue(), f));
            case Kernel.Transpose t -> new Kernel.Transpose(f.apply(t.out()), f.apply(t.x()), t.perm());
            default -> throw new IllegalArgumentException("not used by these tests: " + KernelPrinter.print(k));
        };
    }

    private static Kernel.Epilogue epilogue(Kernel.Epilogue e, UnaryOperator<Buf> f) {
        return new Kernel.Epilogue(e.ins().stream().map(f).toList(), e.expr());
    }
}
