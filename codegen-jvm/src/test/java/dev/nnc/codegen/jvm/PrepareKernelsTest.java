package dev.nnc.codegen.jvm;

import static dev.nnc.codegen.jvm.HandWrittenPrograms.B;
import static dev.nnc.codegen.jvm.HandWrittenPrograms.bin;
import static dev.nnc.codegen.jvm.HandWrittenPrograms.c;
import static dev.nnc.codegen.jvm.HandWrittenPrograms.f32;
import static dev.nnc.codegen.jvm.HandWrittenPrograms.x;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Expr.BinaryFn;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.Kernel.Epilogue;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.ParamSpec;
import dev.nnc.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Derived weights: the generated constructor computes them once with the prepare kernels,
 * before it packs GEMM and convolution weights (derived ones included), and the run-time
 * kernels read them like weights. The results must equal those of the same program computing
 * them at run time into arena slots (where nothing is packed).
 */
class PrepareKernelsTest {
    static final List<Integer> ONE = List.of(1, 1), NONE = List.of(0, 0, 0, 0);

    /**
     * d = w1 * 2 + w2 (packed for a matmul), dt = d transposed (derived from a derived weight,
     * packed for a transB matmul), dm = d^T d (a matmul at load time), dk = k * per-filter
     * scale (a packed convolution weight).
     */
    static KernelProgram program() {
        Buf xIn = Buf.input("x", f32(B, 5)), image = Buf.input("image", f32(B, 3, 7, 7));
        Buf w1 = Buf.weight("w1", f32(5, 19)), w2 = Buf.weight("w2", f32(5, 19));
        Buf k = Buf.weight("k", f32(4, 3, 3, 3)), kscale = Buf.weight("kscale", f32(4, 1, 1, 1)), kbias = Buf.weight("kbias", f32(4));
        Buf d = Buf.weight("d", f32(5, 19)), dt = Buf.weight("dt", f32(19, 5)), dm = Buf.weight("dm", f32(19, 19));
        Buf dk = Buf.weight("dk", f32(4, 3, 3, 3));
        Buf y = Buf.output("y", f32(B, 19)), yt = Buf.output("yt", f32(B, 19)), ym = Buf.output("ym", f32(B, 19));
        Buf z = Buf.output("z", f32(B, 4, 5, 5));
        List<Kernel> prepare = List.of(
                new Kernel.Elementwise(d, List.of(w1, w2), bin(BinaryFn.ADD, bin(BinaryFn.MUL, x(0), c(2)), x(1))),
                new Kernel.Transpose(dt, d, List.of(1, 0)),
                new Kernel.MatMul(dm, d, d, null, true, false, Epilogue.NONE),
                new Kernel.Elementwise(dk, List.of(k, kscale), bin(BinaryFn.MUL, x(0), x(1))));
        List<Kernel> kernels = List.of(
                new Kernel.MatMul(y, xIn, d, null, false, false, Epilogue.NONE),
                new Kernel.MatMul(yt, xIn, dt, null, false, true, Epilogue.RELU),
                new Kernel.MatMul(ym, y, dm, null, false, false, Epilogue.NONE),
                new Kernel.Conv2d(z, image, dk, kbias, ONE, NONE, ONE, 1, Kernel.Layout.NCHW, Kernel.Layout.NCHW, Epilogue.NONE));
        return new KernelProgram("Prepared", List.of(xIn, image), List.of(w1, w2, k, kscale, kbias), List.of(d, dt, dm, dk),
                List.of(y, yt, ym, z), Dim.of(0), prepare, kernels);
    }

    @Test void derivedWeightsComputedAtLoadGiveTheRunTimeResults() {
        KernelProgram p = program();
        for (long seed = 0; seed < 3; seed++) HandWrittenPrograms.assertSameResults(p, HandWrittenPrograms.atRunTime(p), seed);
    }

    @Test void derivedWeightsAreNotParameters() {
        KernelProgram p = program();
        Map<String, Tensor> weights = HandWrittenPrograms.random(p.weights(), 1, new Random(7));
        CompiledModel m = HandWrittenPrograms.compile(p, weights);
        assertEquals(List.of("w1", "w2", "k", "kscale", "kbias"), m.parameters().stream().map(ParamSpec::name).toList());
        // Each instance computes its own derived weights from its own weights.
        Map<String, Tensor> other = HandWrittenPrograms.random(p.weights(), 1, new Random(8));
        CompiledModel n = HandWrittenPrograms.compile(p, other);
        Map<String, Tensor> inputs = HandWrittenPrograms.random(p.inputs(), 2, new Random(9));
        assertFalse(java.util.Arrays.equals(m.run(inputs).get("y").floats(), n.run(inputs).get("y").floats()));
        HandWrittenPrograms.assertClose(m.run(inputs).get("y"), HandWrittenPrograms.compile(p, weights).run(inputs).get("y"), "y");
        // A derived weight given by name is not taken: the model computes it.
        Map<String, Tensor> withDerived = new java.util.LinkedHashMap<>(weights);
        withDerived.put("d", Tensor.zeros(dev.nnc.runtime.DType.F32, new int[] {5, 19}));
        var e = assertThrows(dev.nnc.runtime.TensorFormatException.class, () -> HandWrittenPrograms.compile(p, withDerived));
        assertTrue(e.getMessage().contains("unexpected weight 'd'"), e.getMessage());
    }

    @Test void aProgramWithoutLoadTimeWorkHasNoPrepareMethod() throws Exception {
        KernelProgram p = HandWrittenPrograms.atRunTime(program());
        CompiledModel m = HandWrittenPrograms.compile(p, HandWrittenPrograms.random(p.weights(), 1, new Random(1)));
        assertFalse(java.util.Arrays.stream(m.getClass().getDeclaredMethods()).anyMatch(meth -> meth.getName().equals("prepare0")));
        CompiledModel prepared = HandWrittenPrograms.compile(program(), HandWrittenPrograms.random(p.weights(), 1, new Random(1)));
        assertEquals(1, java.util.Arrays.stream(prepared.getClass().getDeclaredMethods())
                .filter(meth -> meth.getName().equals("prepare0")).count());
    }
}
