package dev.nnc.codegen.nativecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nnc.ir.interp.MathFunctions;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each vector math function, compiled through LLVM for several lane counts, against Java's
 * double-precision functions on edge cases and on seeded random floats over the whole range.
 * Errors are measured in ulps of the correctly rounded float; for functions whose value is
 * sensitive to their argument (the GELU tails) the bound grows with that sensitivity.
 */
class VectorMathTest {

    /** Emits one function of {@code <lanes x float>} arguments. */
    interface Emitter {
        String emit(FunctionWriter f, int lanes, List<String> args);
    }

    private static final float[] EDGES = {
        0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE, -Float.MIN_VALUE,
        Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 0.5f, -0.5f, 2f, -2f,
        88.72283f, 88.7229f, 89f, 89.5f, -87.33655f, -87.5f, -100f, -103.27893f, -103.97208f, -104f, -110f, 100f,
        0.625f, -0.625f, 0.62499994f, 1e-20f, -1e-20f, 9.01f, -9.01f, 44f, 45f, 1e-4f, 0.99999994f, 1.0000001f,
        3f, -3f, 5f, -5f, 10f, -10f, 10.5f, -10.5f, 11f, -11f, 20f, -20f, 0.34657359f, -0.34657359f, 0.70710677f,
        1.4142135f, 7.0e-39f, 1e-40f, 1e30f, -1e30f};

    @ParameterizedTest
    @ValueSource(ints = {16, 8, 4, 1})
    void exp(int lanes) {
        checkUnary(lanes, VectorMath::exp, Math::exp, x -> 2, 100);
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 1})
    void log(int lanes) {
        checkUnary(lanes, VectorMath::log, Math::log, x -> 2, 1e30);
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 1})
    void tanh(int lanes) {
        checkUnary(lanes, VectorMath::tanh, Math::tanh, x -> 3, 12);
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 1})
    void sigmoid(int lanes) {
        checkUnary(lanes, VectorMath::sigmoid, MathFunctions::sigmoid, x -> 3, 100);
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 1})
    void erf(int lanes) {
        checkUnary(lanes, VectorMath::erf, MathFunctions::erf, x -> 3, 6);
    }

    /** The argument x/sqrt2 is rounded, and erfc's relative sensitivity to it grows like x^2. */
    @ParameterizedTest
    @ValueSource(ints = {16, 1})
    void gelu(int lanes) {
        checkUnary(lanes, VectorMath::gelu, MathFunctions::gelu, x -> 4 + 2 * x * x, 15);
    }

    /** sigmoid(v) for v = 2 sqrt(2/pi) (x + 0.044715 x^3) < 0 is relatively as sensitive to v's rounding as |v|. */
    @ParameterizedTest
    @ValueSource(ints = {16, 1})
    void geluTanh(int lanes) {
        checkUnary(lanes, VectorMath::geluTanh, MathFunctions::geluTanh, x -> 4 + 3 * Math.abs(x * (1.6 + 0.0714 * x * x)), 10);
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 1})
    void pow(int lanes) {
        Random rng = new Random(7);
        List<float[]> cases = new ArrayList<>();
        for (float a : EDGES) for (float b : new float[] {0f, -0f, 1f, -1f, 2f, 3f, -3f, 0.5f, -0.5f, 2.5f, 1e10f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 127f, -149f}) cases.add(new float[] {a, b});
        for (int i = 0; i < 4000; i++) {
            float a = (float) (rng.nextBoolean() ? rng.nextGaussian() * 3 : Math.exp(rng.nextGaussian() * 10));
            float b = rng.nextInt(3) == 0 ? rng.nextInt(41) - 20 : (float) (rng.nextGaussian() * 4);
            cases.add(new float[] {a, b});
        }
        float[] a = new float[cases.size()], b = new float[cases.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = cases.get(i)[0];
            b[i] = cases.get(i)[1];
        }
        float[] got = run(lanes, (f, l, args) -> VectorMath.pow(f, l, args.get(0), args.get(1)), a, b);
        DoubleBinaryOperator exact = Math::pow;
        for (int i = 0; i < a.length; i++) {
            assertClose(exact.applyAsDouble(a[i], b[i]), got[i], 1, "pow(" + a[i] + ", " + b[i] + ")");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {16})
    void tanhSaturatesExactly(int lanes) {
        float[] x = {9.5f, -9.5f, 20f, -30f, 100f, 1e30f, Float.NEGATIVE_INFINITY};
        float[] y = run(lanes, (f, l, args) -> VectorMath.tanh(f, l, args.getFirst()), x);
        for (int i = 0; i < x.length; i++) assertEquals(Math.signum(x[i]), y[i], 0.0, "tanh(" + x[i] + ")");
    }

    /**
     * Edge cases, then seeded random values: uniform within ±range, Gaussian, and floats with
     * uniformly random bit patterns (every exponent, subnormals, NaNs).
     */
    private static void checkUnary(int lanes, ScalarEmitter fn, DoubleUnaryOperator exact, DoubleUnaryOperator ulps, double range) {
        Random rng = new Random(lanes * 31L + 5);
        float[] x = new float[EDGES.length + 6000];
        System.arraycopy(EDGES, 0, x, 0, EDGES.length);
        for (int i = EDGES.length; i < x.length; i++) {
            x[i] = switch (i % 3) {
                case 0 -> (float) ((rng.nextDouble() * 2 - 1) * range);
                case 1 -> (float) rng.nextGaussian();
                default -> Float.intBitsToFloat(rng.nextInt());
            };
        }
        float[] y = run(lanes, (f, l, args) -> fn.emit(f, l, args.getFirst()), x);
        for (int i = 0; i < x.length; i++) {
            assertClose(exact.applyAsDouble(x[i]), y[i], ulps.applyAsDouble(x[i]), "f(" + x[i] + ") with " + lanes + " lanes");
        }
    }

    /** A VectorMath method of one argument. */
    interface ScalarEmitter {
        String emit(FunctionWriter f, int lanes, String x);
    }

    private static void assertClose(double exact, float got, double ulps, String what) {
        float rounded = (float) exact;
        if (Double.isNaN(exact)) {
            assertTrue(Float.isNaN(got), what + " = " + got + ", expected NaN");
            return;
        }
        if (got == rounded && Math.copySign(1f, got) == Math.copySign(1f, rounded)) return;
        if (Float.isInfinite(got) || Float.isInfinite(rounded) || Float.isNaN(got)) fail(what + " = " + got + ", expected " + exact);
        double error = Math.abs(got - exact) / Math.ulp(rounded);
        if (!(error <= ulps)) fail(what + " = " + got + ", expected " + exact + ": " + error + " ulps");
    }

    /** Applies {@code fn} to the argument columns, {@code lanes} elements at a time, through compiled code. */
    static float[] run(int lanes, Emitter fn, float[]... columns) {
        int n = (columns[0].length + 15) / 16 * 16;
        StringBuilder kir = new StringBuilder("kernels Math {\n");
        StringBuilder ins = new StringBuilder();
        Map<String, Tensor> inputs = new HashMap<>();
        for (int c = 0; c < columns.length; c++) {
            kir.append("  input x").append(c).append(" : f32[").append(n).append("]\n");
            ins.append(c == 0 ? "" : ", ").append("in:x").append(c).append(" : f32[").append(n).append(']');
            inputs.put("x" + c, Tensor.ofFloats(DType.F32, new int[] {n}, java.util.Arrays.copyOf(columns[c], n)));
        }
        kir.append("  output y : f32[").append(n).append("]\n  arena 0\n  elementwise(").append(ins)
                .append(") -> out:y : f32[").append(n).append("] = %0\n}\n");
        KernelCodegen<Kernel.Elementwise> codegen = new KernelCodegen<>() {
            @Override public String units(Kernel.Elementwise k, KernelEnv env, FunctionWriter f) { return "1"; }

            @Override public void body(Kernel.Elementwise k, KernelEnv env, FunctionWriter f, String from, String to) {
                String type = VectorOps.floats(f, lanes).type();
                f.loop("0", Integer.toString(n), lanes, i -> {
                    List<String> args = new ArrayList<>();
                    for (var in : k.ins()) {
                        String p = f.let("getelementptr inbounds float, ptr %s, i64 %s", env.ptr(f, in), i);
                        args.add(f.let("load %s, ptr %s, align 4", type, p));
                    }
                    String p = f.let("getelementptr inbounds float, ptr %s, i64 %s", env.ptr(f, k.out()), i);
                    f.emit("store %s %s, ptr %s, align 4", type, fn.emit(f, lanes, args), p);
                });
            }
        };
        try (NativeModel m = HandWrittenKernel.load(kir.toString(), codegen, Map.of())) {
            return m.run(inputs).get("y").floats();
        }
    }
}
