package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Expr;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * Evaluates a kernel-IR {@link Expr} on {@code <lanes x float>} vectors: the one code path for
 * elementwise kernels and matmul/conv epilogues. Equal subexpressions are computed once;
 * constants become splats; operands come from a function the caller gives (a load, a splat).
 * Every function has Java's semantics, as the JVM backend computes it (NaN propagates through
 * relu, max and min; pow follows {@code Math.pow}).
 */
public final class ExprCodegen {
    private final FunctionWriter f;
    private final VectorOps v;
    private final IntFunction<String> operand;
    private final Map<Expr, String> values = new HashMap<>();

    private ExprCodegen(FunctionWriter f, int lanes, IntFunction<String> operand) {
        this.f = f;
        this.v = VectorOps.floats(f, lanes);
        this.operand = operand;
    }

    /**
     * Emits {@code e} in the current block; {@code operand.apply(i)} is asked once for each
     * {@code %i} the expression reads, and must return a vector valid in that block.
     */
    public static String evaluate(FunctionWriter f, int lanes, Expr e, IntFunction<String> operand) {
        return new ExprCodegen(f, lanes, operand).value(e);
    }

    /** The operand numbers {@code e} reads, ascending. */
    public static Set<Integer> operands(Expr e) {
        Set<Integer> found = new TreeSet<>();
        collect(e, found);
        return found;
    }

    private static void collect(Expr e, Set<Integer> found) {
        switch (e) {
            case Expr.In in -> found.add(in.index());
            case Expr.Const c -> {}
            case Expr.Unary u -> collect(u.x(), found);
            case Expr.Binary b -> {
                collect(b.a(), found);
                collect(b.b(), found);
            }
        }
    }

    private String value(Expr e) {
        String known = values.get(e);
        if (known != null) return known;
        String result = switch (e) {
            case Expr.In in -> operand.apply(in.index());
            case Expr.Const c -> v.c(c.value());
            case Expr.Unary u -> unary(u.fn(), value(u.x()));
            case Expr.Binary b -> b.fn() == Expr.BinaryFn.POW ? power(b.a(), b.b()) : binary(b.fn(), value(b.a()), value(b.b()));
        };
        values.put(e, result);
        return result;
    }

    private String unary(Expr.UnaryFn fn, String x) {
        int lanes = v.lanes();
        return switch (fn) {
            case NEG -> v.neg(x);
            case ABS -> v.abs(x);
            case RELU -> v.select(v.gtOrNaN(x, v.c(0)), x, v.c(0));
            case SIGMOID -> VectorMath.sigmoid(f, lanes, x);
            case TANH -> VectorMath.tanh(f, lanes, x);
            case GELU -> VectorMath.gelu(f, lanes, x);
            case GELU_TANH -> VectorMath.geluTanh(f, lanes, x);
            case ERF -> VectorMath.erf(f, lanes, x);
            case EXP -> VectorMath.exp(f, lanes, x);
            case LOG -> VectorMath.log(f, lanes, x);
            case SQRT -> v.sqrt(x);
            case RSQRT -> v.div(v.c(1), v.sqrt(x));
        };
    }

    private String binary(Expr.BinaryFn fn, String a, String b) {
        return switch (fn) {
            case ADD -> v.add(a, b);
            case SUB -> v.sub(a, b);
            case MUL -> v.mul(a, b);
            case DIV -> v.div(a, b);
            case MAX -> v.maximum(a, b);
            case MIN -> v.minimum(a, b);
            case POW -> VectorMath.pow(f, v.lanes(), a, b);
        };
    }

    /**
     * Squares, cubes and square roots by a constant exponent are multiplications and sqrt,
     * with {@code Math.pow}'s results (sqrt after mapping -0 to +0 and -inf to +inf, as pow
     * does); other exponents take the general pow.
     */
    private String power(Expr base, Expr exponent) {
        String a = value(base);
        if (exponent instanceof Expr.Const c) {
            double p = c.value();
            if (p == 2) return v.mul(a, a);
            if (p == 3) return v.mul(v.mul(a, a), a);
            if (p == 0.5 || p == -0.5) {
                String root = v.sqrt(v.select(v.eq(a, v.c(Double.NEGATIVE_INFINITY)), v.c(Double.POSITIVE_INFINITY), v.add(a, v.c(0))));
                return p > 0 ? root : v.div(v.c(1), root);
            }
        }
        return VectorMath.pow(f, v.lanes(), a, value(exponent));
    }
}
