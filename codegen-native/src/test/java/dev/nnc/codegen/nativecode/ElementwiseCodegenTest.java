package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Expr;
import dev.nnc.ir.kernel.KernelPrinter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Elementwise kernels on the native backend against the JVM backend: every function, broadcasting, odd sizes, in place. */
class ElementwiseCodegenTest {
    private static final int[] BATCHES = {1, 3};

    @ParameterizedTest
    @EnumSource(Expr.UnaryFn.class)
    void everyUnaryFunction(Expr.UnaryFn fn) {
        // Inputs are Gaussian: log, sqrt and rsqrt of negatives are NaN on both backends.
        check(kernel("B,5,7", fn.text() + "(%0)", "B,5,7"));
        check(kernel("B,5,7", fn.text() + "(mul(%0, 8))", "B,5,7"));
    }

    @ParameterizedTest
    @EnumSource(Expr.BinaryFn.class)
    void everyBinaryFunctionWithEveryBroadcast(Expr.BinaryFn fn) {
        boolean pow = fn == Expr.BinaryFn.POW;
        String expr = pow ? "pow(abs(%0), %1)" : fn.text() + "(%0, %1)";
        String swapped = pow ? "pow(abs(%1), %0)" : fn.text() + "(%1, %0)";
        for (String shape : new String[] {"B,5,7", "7", "5,1", "1", "", "B,1,7", "1,5,7", "5,7", "B,5,1", "B,1,1", "1,1,1"}) {
            check(kernel("B,5,7", expr, "B,5,7", shape));
            check(kernel("B,5,7", swapped, "B,5,7", shape));
        }
    }

    @Test
    void powerByConstantsAndNegativeBases() {
        for (String exponent : new String[] {"2", "3", "0.5", "-0.5", "1.7", "-2", "4", "0"}) {
            check(kernel("B,5,7", "pow(%0, " + exponent + ")", "B,5,7"));
        }
        check(kernel("B,5,7", "pow(%0, %1)", "B,5,7", "7"));
        check(kernel("B,5,7", "pow(mul(%0, 10), div(%1, 0.25))", "B,5,7", "B,5,7"));
    }

    @Test
    void constantsAreInlined() {
        check(kernel("B,5,7", "add(mul(%0, 0.5), -3.25)", "B,5,7"));
        check(kernel("B,5,7", "div(1, add(%0, 1e-3))", "B,5,7"));
        check(kernel("3", "add(%0, 1)", "1"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 15, 16, 17, 33, 1000, 8191, 8193, 40000})
    void oddFlatSizes(int n) {
        check(kernel(n + "", "tanh(add(%0, %1))", n + "", n + ""));
        check(kernel("B," + n, "mul(%0, %1)", "B," + n, n + ""));
        check(kernel(n + ",3", "sub(%0, %1)", n + ",3", n + ",1"));
        check(kernel("3," + n, "max(%0, %1)", "3," + n, "3,1"));
        check(kernel("B," + n + ",3", "add(%0, %1)", "B," + n + ",3", "3"));
    }

    @Test
    void threeInputsBroadcastTogether() {
        check(kernel("B,4,6,5", "add(mul(%0, %1), %2)", "B,4,6,5", "4,1,1", "5"));
        check(kernel("B,4,6,5", "sigmoid(sub(%0, %2))", "B,1,6,1", "4,6,5", "B,4,1,5"));
        check(kernel("B,300,70", "gelu(add(%0, %1))", "B,300,70", "70"));
        check(kernel("B,70,300", "relu(mul(%0, %1))", "B,70,300", "70,1"));
    }

    @Test
    void symbolicInnerDims() {
        check(kernel("3,B", "add(%0, %1)", "3,B", "3,1"));
        check(kernel("B,9000", "exp(%0)", "B,9000"));
        check(kernel("7,B,3", "mul(%0, %1)", "7,B,3", "B,1"));
        check("""
                kernels Wide {
                  input x : f32[5000,B]
                  input s : f32[B]
                  output y : f32[5000,B]
                  arena 0
                  elementwise(in:x : f32[5000,B], in:s : f32[B]) -> out:y : f32[5000,B] = mul(%0, %1)
                }
                """);
    }

    @Test
    void scalarOutputAndWeights() {
        check("""
                kernels Scalars {
                  input x : f32[B,3]
                  weight w : f32[]
                  weight v : f32[3]
                  output y : f32[]
                  output z : f32[B,3]
                  arena 0
                  elementwise(w:w : f32[]) -> out:y : f32[] = exp(%0)
                  elementwise(in:x : f32[B,3], w:w : f32[], w:v : f32[3]) -> out:z : f32[B,3] = add(mul(%0, %1), %2)
                }
                """);
    }

    /**
     * Integer model inputs read as numbers (an attention mask made an additive bias): whole
     * vectors, the masked tail (37 is no multiple of the lanes), and a broadcast value per row.
     */
    @Test
    void integerInputsAreConvertedAsTheyAreRead() {
        check("""
                kernels Mask {
                  input m : i64[B,37]
                  input r : i64[B,5,1]
                  input x : f32[B,5,37]
                  output c : f32[B,37]
                  output y : f32[B,5,37]
                  arena 0
                  elementwise(in:m : i64[B,37]) -> out:c : f32[B,37] = %0
                  elementwise(in:m : i64[B,1,37], in:x : f32[B,5,37], in:r : i64[B,5,1]) -> out:y : f32[B,5,37] = add(mul(sub(1, %0), -1e-6), add(%1, %2))
                }
                """);
    }

    @Test
    void inPlace() {
        check("""
                kernels InPlace {
                  input x : f32[B,5,7]
                  input z : f32[7]
                  output y : f32[B,5,7]
                  arena B*35
                  elementwise(in:x : f32[B,5,7]) -> arena:t0@0 : f32[B,5,7] = neg(%0)
                  elementwise(arena:t0@0 : f32[B,5,7], in:z : f32[7]) -> arena:t0@0 : f32[B,5,7] = mul(%0, %1)
                  elementwise(arena:t0@0 : f32[B,35], in:x : f32[B,35]) -> arena:t0@0 : f32[B,35] = add(exp(%0), %1)
                  elementwise(arena:t0@0 : f32[B,5,7]) -> out:y : f32[B,5,7] = sub(%0, 1)
                }
                """);
        check("""
                kernels InPlaceBig {
                  input x : f32[B,20000]
                  output y : f32[B,20000]
                  arena B*20000
                  elementwise(in:x : f32[B,20000]) -> arena:t0@0 : f32[B,20000] = abs(%0)
                  elementwise(arena:t0@0 : f32[B,20000]) -> arena:t0@0 : f32[B,20000] = log(%0)
                  elementwise(arena:t0@0 : f32[B,20000]) -> out:y : f32[B,20000] = neg(%0)
                }
                """);
    }

    /**
     * Random expression trees over one to three inputs of random broadcast shapes. Functions
     * outside their domain get guarded arguments (log of |x| + 1/2, ...), and subtrees whose values
     * could exceed 30 are not used, so that both backends stay finite and within their tolerance.
     */
    @Test
    void randomExpressions() {
        Random rng = new Random(2024);
        for (int c = 0; c < 100; c++) {
            String[] dims = {"1", "2", "3", "5", "7", "16", "17", "33"};
            int rank = 1 + rng.nextInt(4);
            List<String> out = new ArrayList<>();
            for (int d = 0; d < rank; d++) out.add(d == 0 && rng.nextBoolean() ? "B" : dims[rng.nextInt(dims.length)]);
            int inputs = 1 + rng.nextInt(3);
            List<String> shapes = new ArrayList<>();
            for (int i = 0; i < inputs; i++) {
                List<String> s = new ArrayList<>(out.subList(rng.nextInt(rank + 1) / 2, rank));
                for (int d = 0; d < s.size(); d++) if (rng.nextInt(10) < 3) s.set(d, "1");
                shapes.add(String.join(",", s));
            }
            if (out.contains("B") && shapes.stream().noneMatch(s -> s.contains("B"))) shapes.set(0, String.join(",", out));
            Expr e = new RandomExpr(rng, inputs).bounded(4);
            check(kernel(String.join(",", out), KernelPrinter.expr(e), shapes.toArray(String[]::new)), c);
        }
    }

    /** Random expressions whose values stay within ±{@link #LIMIT} for inputs within ±3 (Gaussian, sd 0.5). */
    private record RandomExpr(Random rng, int inputs) {
        static final double LIMIT = 30;

        record Bounded(Expr e, double bound) {}

        Expr bounded(int depth) {
            return tree(depth).e();
        }

        private Bounded tree(int depth) {
            while (true) {
                Bounded b = candidate(depth);
                if (b.bound() <= LIMIT) return b;
            }
        }

        private Bounded candidate(int depth) {
            if (depth == 0 || rng.nextInt(4) == 0) {
                if (rng.nextInt(4) == 0) {
                    double c = new double[] {0.5, -1.25, 2, 3, 0.1, -0.75}[rng.nextInt(6)];
                    return new Bounded(new Expr.Const(c), Math.abs(c));
                }
                return new Bounded(new Expr.In(rng.nextInt(inputs)), 3);
            }
            if (rng.nextBoolean()) {
                Expr.UnaryFn fn = Expr.UnaryFn.values()[rng.nextInt(Expr.UnaryFn.values().length)];
                Bounded x = tree(depth - 1);
                return unary(fn, x);
            }
            Expr.BinaryFn fn = Expr.BinaryFn.values()[rng.nextInt(Expr.BinaryFn.values().length)];
            return binary(fn, tree(depth - 1), tree(depth - 1));
        }

        private static Bounded unary(Expr.UnaryFn fn, Bounded x) {
            double b = x.bound();
            return switch (fn) {
                case NEG, ABS, RELU, GELU, GELU_TANH -> new Bounded(new Expr.Unary(fn, x.e()), b);
                case SIGMOID, TANH, ERF -> new Bounded(new Expr.Unary(fn, x.e()), 1);
                case EXP -> new Bounded(new Expr.Unary(fn, x.e()), Math.exp(b));
                case LOG -> new Bounded(new Expr.Unary(fn, shifted(x.e(), 0.5)), Math.max(Math.log(b + 0.5), 0.7));
                case SQRT -> new Bounded(new Expr.Unary(fn, new Expr.Unary(Expr.UnaryFn.ABS, x.e())), Math.sqrt(b));
                case RSQRT -> new Bounded(new Expr.Unary(fn, shifted(x.e(), 0.25)), 2);
            };
        }

        private Bounded binary(Expr.BinaryFn fn, Bounded a, Bounded b) {
            double x = a.bound(), y = b.bound();
            return switch (fn) {
                case ADD, SUB -> new Bounded(new Expr.Binary(fn, a.e(), b.e()), x + y);
                case MUL -> new Bounded(new Expr.Binary(fn, a.e(), b.e()), x * y);
                case MAX, MIN -> new Bounded(new Expr.Binary(fn, a.e(), b.e()), Math.max(x, y));
                case DIV -> new Bounded(new Expr.Binary(fn, a.e(), shifted(b.e(), 0.5)), 2 * x);
                case POW -> switch (rng.nextInt(3)) {
                    case 0 -> new Bounded(new Expr.Binary(fn, a.e(), new Expr.Const(2)), x * x);
                    case 1 -> new Bounded(new Expr.Binary(fn, a.e(), new Expr.Const(3)), x * x * x);
                    default -> {
                        Expr exponent = new Expr.Binary(Expr.BinaryFn.MAX, new Expr.Const(-3),
                                new Expr.Binary(Expr.BinaryFn.MIN, b.e(), new Expr.Const(3)));
                        yield new Bounded(new Expr.Binary(fn, shifted(a.e(), 0.5), exponent), Math.max(8, Math.pow(x + 0.5, 3)));
                    }
                };
            };
        }

        /** |e| + c: positive, away from 0. */
        private static Expr shifted(Expr e, double c) {
            return new Expr.Binary(Expr.BinaryFn.ADD, new Expr.Unary(Expr.UnaryFn.ABS, e), new Expr.Const(c));
        }
    }

    /** A program of one elementwise kernel {@code y = expr(x0, x1, ...)}; shapes are comma-separated dims ("" for a scalar). */
    static String kernel(String outShape, String expr, String... inShapes) {
        StringBuilder kir = new StringBuilder("kernels Elementwise {\n");
        StringBuilder ins = new StringBuilder();
        for (int i = 0; i < inShapes.length; i++) {
            kir.append("  input x").append(i).append(" : f32[").append(inShapes[i]).append("]\n");
            ins.append(i == 0 ? "" : ", ").append("in:x").append(i).append(" : f32[").append(inShapes[i]).append(']');
        }
        kir.append("  output y : f32[").append(outShape).append("]\n  arena 0\n");
        kir.append("  elementwise(").append(ins).append(") -> out:y : f32[").append(outShape).append("] = ").append(expr).append("\n}\n");
        return kir.toString();
    }

    private static void check(String kir) {
        check(kir, 1);
    }

    private static void check(String kir, long seed) {
        for (int batch : BATCHES) Differential.check(kir, batch, seed);
    }
}
