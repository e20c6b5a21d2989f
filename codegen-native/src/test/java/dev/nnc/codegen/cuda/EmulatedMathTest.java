package dev.nnc.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.interp.MathFunctions;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Expr;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The GPU's scalar math (the native backend's vector math at one lane: no libdevice) in an
 * elementwise kernel on the {@link EmulatedDevice}, against the interpreter's double-precision
 * functions on 4001 points of [-10, 10] plus the edges (0, ±inf, NaN, large values): within
 * 4 ulp of the float result (2^-21 relative), or 1e-7 absolute near zero.
 */
class EmulatedMathTest {

    @ParameterizedTest
    @EnumSource(Expr.UnaryFn.class)
    void unaryFunctionsMatchTheInterpreterMath(Expr.UnaryFn fn) {
        float[] x = points();
        Buf in = Buf.input("x", new TensorType(DType.F32, Shape.of(Dim.of(x.length))));
        Buf out = Buf.output("y", new TensorType(DType.F32, Shape.of(Dim.of(x.length))));
        KernelProgram p = new KernelProgram("math", List.of(in), List.of(), List.of(out), Dim.of(0),
                List.of(new Kernel.Elementwise(out, List.of(in), new Expr.Unary(fn, new Expr.In(0)))));
        PtxModule m = PtxModuleEmitter.emit(p, CudaTarget.DEFAULT);
        float[] y;
        try (CudaModel model = new CudaModel(m, new EmulatedDevice(m), Map.of())) {
            y = model.run(Map.of("x", Tensor.ofFloats(DType.F32, new int[] {x.length}, x))).get("y").floats();
        }
        DoubleUnaryOperator exact = reference(fn);
        for (int i = 0; i < x.length; i++) {
            double want = (float) exact.applyAsDouble(x[i]), got = y[i];
            int at = i;
            boolean same = Double.isNaN(want) ? Double.isNaN(got) : Double.isInfinite(want) ? got == want
                    : Math.abs(got - want) <= 0x1p-21 * Math.abs(want) + 1e-7;
            assertTrue(same, () -> fn + "(" + x[at] + ") = " + got + ", expected " + want);
        }
    }

    private static float[] points() {
        float[] edges = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-30f, -1e-30f, 50f, -50f, 1e10f};
        float[] x = new float[4001 + edges.length];
        for (int i = 0; i <= 4000; i++) x[i] = -10f + i * 0.005f;
        System.arraycopy(edges, 0, x, 4001, edges.length);
        return x;
    }

    private static DoubleUnaryOperator reference(Expr.UnaryFn fn) {
        return switch (fn) {
            case NEG -> v -> -v;
            case ABS -> Math::abs;
            case RELU -> v -> Math.max(v, 0.0);
            case SIGMOID -> MathFunctions::sigmoid;
            case TANH -> Math::tanh;
            case GELU -> MathFunctions::gelu;
            case GELU_TANH -> MathFunctions::geluTanh;
            case ERF -> MathFunctions::erf;
            case EXP -> Math::exp;
            case LOG -> Math::log;
            case SQRT -> Math::sqrt;
            case RSQRT -> v -> 1 / Math.sqrt(v);
        };
    }
}
