package dev.nnc.codegen.nativecode;

import static org.junit.jupiter.api.Assertions.fail;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.ModelLoader;
import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link Epilogues#applyInPlace} on outputs shaped like matmul ([B, M, N]) and convolution
 * (NCHW, NHWC) results, with every kind of operand broadcast. An elementwise program
 * {@code y = expr(x0, x1, ...)} is the reference (on the JVM backend); natively, a hand-written
 * kernel copies x0 into y and applies {@code expr} to y as an epilogue whose operands are x1...,
 * one unit per row, each unit range applied in two calls that split it unevenly.
 */
class EpiloguesTest {

    @Test
    void matmulShapedOutputs() {
        for (String n : new String[] {"1", "3", "17", "33", "100"}) {
            String out = "B,5," + n;
            check(out, "relu(%0)");
            check(out, "add(%0, %1)", n);
            check(out, "mul(%0, %1)", "5,1");
            check(out, "relu(add(%0, %1))", out);
            check(out, "sub(%0, %1)", "");
            check(out, "max(%0, %1)", "1");
            check(out, "add(mul(%0, %1), %2)", "B,5,1", n);
            check(out, "gelu(add(%0, %1))", "B,1," + n);
        }
    }

    @Test
    void convolutionShapedOutputs() {
        check("B,4,6,5", "relu(add(%0, %1))", "4,1,1");
        check("B,4,6,5", "mul(sigmoid(%0), %1)", "B,4,6,5");
        check("B,6,5,4", "tanh(add(%0, %1))", "4");
        check("B,6,5,4", "add(%0, mul(%1, %2))", "B,6,5,4", "");
    }

    @Test
    void noneLeavesTheOutputAlone() {
        check("B,3,7", "%0");
    }

    private static void check(String outShape, String expr, String... operandShapes) {
        String kir = ElementwiseCodegenTest.kernel(outShape, expr,
                Stream.concat(Stream.of(outShape), Stream.of(operandShapes)).toArray(String[]::new));
        KernelProgram p = KernelParser.parse(kir);
        for (int batch : new int[] {1, 3}) {
            Random rng = new Random(batch);
            Map<String, Long> bindings = Map.of("B", (long) batch);
            Map<String, Tensor> inputs = new HashMap<>();
            for (Buf in : p.inputs()) inputs.put(in.name(), Differential.random(in, bindings, rng, 0));
            Tensor expected = ModelLoader.instantiate(JvmBackend.compile(p, "Ref"), Map.of()).run(inputs).get("y");
            Tensor actual;
            try (NativeModel m = HandWrittenKernel.load(kir, new EpilogueKernel(), Map.of())) {
                actual = m.run(inputs).get("y");
            }
            for (int i = 0; i < expected.size(); i++) {
                double x = expected.getDouble(i), y = actual.getDouble(i);
                if (!(Math.abs(x - y) <= Differential.REL * Math.abs(x) + Differential.ABS)) {
                    fail("element " + i + ": jvm " + x + ", native " + y + " (batch " + batch + ")\n" + kir);
                }
            }
        }
    }

    /** Copies x0 into y, then applies the kernel's expression to y as an epilogue with operands x1...: one unit per row of y. */
    private static final class EpilogueKernel implements KernelCodegen<Kernel.Elementwise> {
        @Override
        public String units(Kernel.Elementwise k, KernelEnv env, FunctionWriter f) {
            Shape s = k.out().type().shape();
            Dim rows = Dim.of(1);
            for (int d = 0; d < s.rank() - 1; d++) rows = rows.times(s.dim(d));
            return env.dim(f, rows);
        }

        @Override
        public void body(Kernel.Elementwise k, KernelEnv env, FunctionWriter f, String from, String to) {
            String n = env.dim(f, k.out().type().shape().dim(-1));
            String in = env.ptr(f, k.ins().getFirst()), out = env.ptr(f, k.out());
            f.loop(f.let("mul i64 %s, %s", from, n), f.let("mul i64 %s, %s", to, n), 1, i -> {
                String x = f.let("load float, ptr %s", f.let("getelementptr inbounds float, ptr %s, i64 %s", in, i));
                f.emit("store float %s, ptr %s", x, f.let("getelementptr inbounds float, ptr %s, i64 %s", out, i));
            });
            Kernel.Epilogue epilogue = new Kernel.Epilogue(k.ins().subList(1, k.ins().size()), k.expr());
            String split = f.let("add i64 %s, %s", from, f.let("udiv i64 %s, 3", f.let("sub i64 %s, %s", to, from)));
            Epilogues.applyInPlace(env, f, k.out(), epilogue, from, split);
            Epilogues.applyInPlace(env, f, k.out(), epilogue, split, to);
        }
    }
}
