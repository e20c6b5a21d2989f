package dev.nnc.codegen.nativecode;

import java.math.BigDecimal;
import java.util.List;
import java.util.function.Function;

/**
 * Transcendental functions on {@code <lanes x float>} values, for any lane count: exp, log,
 * tanh, sigmoid, erf, both GELUs and pow. Each is an internal {@code alwaysinline} function
 * written once per module and lane count ({@code @nnc_exp_v16}); the public methods emit a call
 * to it and return the result's IR name.
 *
 * <p>All are branch-free (special cases are selects), use fused multiply-adds, and keep IEEE
 * behaviour at the edges: overflow to infinity, underflow through the subnormals to zero, NaN in
 * gives NaN out. Against Java's double-precision functions (VectorMathTest): exp and log within
 * 1 ulp, tanh and sigmoid 2, erf 3; the GELUs a few ulps times their sensitivity to the rounding
 * of their inner argument; pow is computed in double and rounded once.
 */
public final class VectorMath {
    private VectorMath() {}

    private static final BigDecimal LN2 = new BigDecimal("0.69314718055994530941723212145817656807550013436026");
    private static final double LOG2E = 1 / Math.log(2);
    private static final double SQRT_HALF = Math.sqrt(0.5);

    /** exp(x) is +inf above the upper bound and 0 below the lower, in float and in the double pow path. */
    private static final double EXP_MAX_FLOAT = 89, EXP_MIN_FLOAT = -104, EXP_LIMIT_DOUBLE = 200;

    /** Taylor coefficients 1/k! of e^r for |r| <= ln2/2: to degree 7 (float) and 11 (double), truncation below 2^-27 and 2^-47. */
    private static final double[] EXP_FLOAT = inverseFactorials(7), EXP_DOUBLE = inverseFactorials(11);

    /**
     * (2 atanh(s) - 2s)/s as a series in z = s^2: 2/3 + 2/5 z + 2/7 z^2 + ..., for |s| <= 3 - 2 sqrt(2);
     * 4 terms reach 2^-28 of log(1+f), 6 reach 2^-39 for the double pow path.
     */
    private static final double[] LOG_FLOAT = atanhSeries(4), LOG_DOUBLE = atanhSeries(6);

    /** Below this |x|, tanh(x) = x + x^3 P(x^2), P fitted by least squares for relative error < 5e-9; above, 1 - 2/(e^2x + 1). */
    private static final double TANH_SMALL = 0.625;
    private static final double[] TANH_P = {
        -0.3333328521956449, 0.1333151266501603, -0.05374465790186453, 0.020653124518848306, -0.005718962564180096};

    /** Below this |x|, erf(x) = x P(x^2), P fitted by least squares for relative error < 2e-9; above, 1 - erfc(x). */
    private static final double ERF_SMALL = 1;
    private static final double[] ERF_P = {
        1.1283791665100524, -0.37612628843325185, 0.11283612428245163, -0.026854808537227798,
        0.00519005357783707, -0.0008024354128660788, 7.898210206917777e-05};
    /**
     * erfc(a) = t exp(-a^2 + Q(t)) with t = 1/(1 + a/2), relative error below 1.2e-7 for a >= 0
     * (the Chebyshev fit in Numerical Recipes, also used by the JVM backend's VectorMath).
     */
    private static final double[] ERFC_Q = {
        -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
        0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277};
    /** From here up, gelu takes erfc from its tail formula rather than as 1 - erf. */
    private static final double ERFC_TAIL_FROM = 0.5;
    /** erfc(a) underflows to 0 in float beyond about 10.1; clamping there keeps a^2 finite. */
    private static final double ERFC_CLAMP = 11;

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    /** e^x of a {@code <lanes x float>} value; returns the result's IR name. */
    public static String exp(FunctionWriter f, int lanes, String x) {
        return unary(f, lanes, "exp", v -> exp(v, "%x"), x);
    }

    /** The natural logarithm: -inf at ±0, NaN below 0. */
    public static String log(FunctionWriter f, int lanes, String x) {
        return unary(f, lanes, "log", v -> log(v, "%x"), x);
    }

    /** The hyperbolic tangent; exactly ±1 for large |x|. */
    public static String tanh(FunctionWriter f, int lanes, String x) {
        return unary(f, lanes, "tanh", v -> tanh(v, "%x"), x);
    }

    /** 1 / (1 + e^-x), with relative accuracy in both tails. */
    public static String sigmoid(FunctionWriter f, int lanes, String x) {
        return unary(f, lanes, "sigmoid", v -> sigmoid(v, "%x"), x);
    }

    /** The error function. */
    public static String erf(FunctionWriter f, int lanes, String x) {
        return unary(f, lanes, "erf", v -> {
            String a = v.abs("%x");
            String erfAbs = v.select(v.lt(a, v.c(ERF_SMALL)), erfSmall(v, a), v.sub(v.c(1), erfcTail(v, a)));
            return v.copySign(erfAbs, "%x");
        }, x);
    }

    /**
     * Exact GELU, 0.5x(1 + erf(x/sqrt2)), computed as 0.5x erfc(-x/sqrt2) so that negative x
     * keeps its relative accuracy instead of cancelling in 1 + erf.
     */
    public static String gelu(FunctionWriter f, int lanes, String x) {
        return unary(f, lanes, "gelu", v -> {
            String z = v.mul("%x", v.c(-SQRT_HALF));
            String tail = erfcTail(v, v.abs(z));
            // 1 - erf(z) loses digits once erf(z) nears 1; the tail is accurate there, and from z = 1/2 on.
            String nearZero = v.sub(v.c(1), v.mul(z, v.polynomial(v.mul(z, z), ERF_P)));
            String erfc = v.select(v.ge(z, v.c(ERFC_TAIL_FROM)), tail,
                    v.select(v.gt(z, v.c(-ERF_SMALL)), nearZero, v.sub(v.c(2), tail)));
            return v.mul(v.mul("%x", v.c(0.5)), erfc);
        }, x);
    }

    /**
     * PyTorch's tanh GELU, 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))), computed as
     * x sigmoid(2u) (the same function) to avoid the cancellation in 1 + tanh for negative x.
     */
    public static String geluTanh(FunctionWriter f, int lanes, String x) {
        return unary(f, lanes, "gelu_tanh", v -> {
            String twiceU = v.mul("%x", v.fma(v.mul("%x", "%x"), v.c(2 * SQRT_2_OVER_PI * 0.044715), v.c(2 * SQRT_2_OVER_PI)));
            return v.mul("%x", sigmoid(v, twiceU));
        }, x);
    }

    /**
     * a^b with Java's {@code Math.pow} semantics: a negative base gives NaN unless b is an integer,
     * and the sign of the result follows b's parity; b = 0 gives 1 even for NaN. Computed as
     * exp(b log|a|) in double, so that the float result is rounded once.
     */
    public static String pow(FunctionWriter f, int lanes, String a, String b) {
        return call(f, lanes, "pow", List.of("%a", "%b"), v -> pow(v, "%a", "%b"), a, b);
    }

    // ---- function bodies; v writes into the helper being defined

    private static String unary(FunctionWriter f, int lanes, String fn, Function<VectorOps, String> body, String x) {
        return call(f, lanes, fn, List.of("%x"), body, x);
    }

    /** Defines {@code @nnc_<fn>_v<lanes>} once (its body refers to the parameters by name) and calls it on {@code args}. */
    private static String call(FunctionWriter f, int lanes, String fn, List<String> params, Function<VectorOps, String> body,
                               String... args) {
        String name = "nnc_" + fn + "_v" + lanes;
        String type = VectorOps.floats(f, lanes).type();
        String paramList = String.join(", ", params.stream().map(p -> type + " " + p).toList());
        f.module().helper(name, "define internal " + type + " @" + name + "(" + paramList + ") alwaysinline",
                w -> w.emit("ret %s %s", type, body.apply(VectorOps.floats(w, lanes))));
        String argList = String.join(", ", java.util.Arrays.stream(args).map(a -> type + " " + a).toList());
        return f.let("call %s @%s(%s)", type, name, argList);
    }

    /**
     * e^x = 2^n e^r with n = round(x log2 e) and r = x - n ln2 (in two parts, so r is exact to
     * the last bits). 2^n is applied as two factors 2^(n/2) so that n down to -150, where the
     * result is subnormal, stays within the normal exponents. Float or double lanes.
     */
    private static String exp(VectorOps v, String x) {
        boolean dbl = v.isDouble();
        double max = dbl ? EXP_LIMIT_DOUBLE : EXP_MAX_FLOAT, min = dbl ? -EXP_LIMIT_DOUBLE : EXP_MIN_FLOAT;
        // Clamped so that 2^n stays representable; the comparisons are false for NaN, which flows on.
        String clamped = v.select(v.gt(x, v.c(max)), v.c(max), x);
        clamped = v.select(v.lt(clamped, v.c(min)), v.c(min), clamped);
        // Adding 1.5 * 2^mantissaBits rounds x log2 e to an integer, which then sits in the low bits.
        double rounder = 1.5 * Math.scalb(1.0, v.mantissaBits());
        String shifted = v.fma(clamped, v.c(LOG2E), v.c(rounder));
        String n = v.sub(shifted, v.c(rounder));
        String r = v.fma(n, v.c(-ln2High(v)), clamped);
        r = v.fma(n, v.c(-ln2Low(v)), r);
        String p = v.polynomial(r, dbl ? EXP_DOUBLE : EXP_FLOAT);
        String ni = v.isub(v.bits(shifted), v.bits(v.c(rounder)));
        String half = v.ashr(ni, 1);
        String scale1 = v.fromBits(v.shl(v.iadd(half, v.ci(v.exponentBias())), v.mantissaBits()));
        String scale2 = v.fromBits(v.shl(v.iadd(v.isub(ni, half), v.ci(v.exponentBias())), v.mantissaBits()));
        return v.mul(v.mul(p, scale1), scale2);
    }

    /**
     * log x = k ln2 + log(1+f) with x = 2^k (1+f), 1+f in [sqrt(1/2), sqrt(2)), and
     * log(1+f) = 2 atanh(s), s = f/(2+f). Subnormals are scaled into the normal range first.
     * Float or double lanes.
     */
    private static String log(VectorOps v, String x) {
        int mantissa = v.mantissaBits();
        boolean dbl = v.isDouble();
        String subnormal = v.lt(x, v.c(dbl ? Double.MIN_NORMAL : Float.MIN_NORMAL));
        String scaled = v.select(subnormal, v.mul(x, v.c(Math.scalb(1.0, mantissa))), x);
        // Subtracting sqrt(1/2)'s bits makes the exponent field k and the mantissa that of (1+f)/sqrt(1/2).
        long sqrtHalfBits = dbl ? Double.doubleToLongBits(SQRT_HALF) : Float.floatToIntBits((float) SQRT_HALF);
        String offset = v.isub(v.bits(scaled), v.ci(sqrtHalfBits));
        String k = v.sub(v.toFloat(v.ashr(offset, mantissa)), v.select(subnormal, v.c(mantissa), v.c(0)));
        String m = v.fromBits(v.iadd(v.iand(offset, v.ci((1L << mantissa) - 1)), v.ci(sqrtHalfBits)));
        String fr = v.sub(m, v.c(1));
        String s = v.div(fr, v.add(fr, v.c(2)));
        String z = v.mul(s, s);
        String series = v.mul(z, v.polynomial(z, dbl ? LOG_DOUBLE : LOG_FLOAT));
        // 2s = f - s f turns 2 atanh(s) into f - (f^2/2 - s (f^2/2 + series)): f, exact, leads.
        String halfSquare = v.mul(v.c(0.5), v.mul(fr, fr));
        String log1p = v.sub(fr, v.sub(halfSquare, v.mul(s, v.add(halfSquare, series))));
        String result = v.fma(k, v.c(ln2High(v)), v.fma(k, v.c(ln2Low(v)), log1p));
        // 0 -> -inf, +inf -> +inf, below 0 or NaN -> NaN
        String special = v.select(v.eq(x, v.c(0)), v.c(Double.NEGATIVE_INFINITY), v.select(v.ge(x, v.c(0)), x, v.c(Double.NaN)));
        String regular = v.and(v.gt(x, v.c(0)), v.lt(x, v.c(Double.POSITIVE_INFINITY)));
        return v.select(regular, result, special);
    }

    private static String tanh(VectorOps v, String x) {
        String a = v.abs(x);
        String small = v.fma(v.mul(a, v.mul(a, a)), v.polynomial(v.mul(a, a), TANH_P), a);
        // e^2a overflows to inf for large a, which gives exactly 1.
        String large = v.sub(v.c(1), v.div(v.c(2), v.add(exp(v.writer(), v.lanes(), v.add(a, a)), v.c(1))));
        return v.copySign(v.select(v.lt(a, v.c(TANH_SMALL)), small, large), x);
    }

    /** With e = e^-|x|: 1/(1+e) for x >= 0, e/(1+e) for x < 0; neither overflows. */
    private static String sigmoid(VectorOps v, String x) {
        String e = exp(v.writer(), v.lanes(), v.neg(v.abs(x)));
        String positive = v.div(v.c(1), v.add(v.c(1), e));
        return v.select(v.lt(x, v.c(0)), v.mul(e, positive), positive);
    }

    /** erf(a) for 0 <= a < {@link #ERF_SMALL}. */
    private static String erfSmall(VectorOps v, String a) {
        return v.mul(a, v.polynomial(v.mul(a, a), ERF_P));
    }

    /** erfc(a) for a >= {@link #ERFC_TAIL_FROM} (and NaN for NaN), to a few ulps relative. */
    private static String erfcTail(VectorOps v, String a) {
        String clamped = v.select(v.gt(a, v.c(ERFC_CLAMP)), v.c(ERFC_CLAMP), a);
        String t = v.div(v.c(1), v.fma(clamped, v.c(0.5), v.c(1)));
        String exponent = v.fma(v.neg(clamped), clamped, v.polynomial(t, ERFC_Q));
        return v.mul(t, exp(v.writer(), v.lanes(), exponent));
    }

    private static String pow(VectorOps v, String a, String b) {
        VectorOps d = VectorOps.doubles(v.writer(), v.lanes());
        String magnitude = d.narrow(exp(d, d.mul(v.widen(b), log(d, v.widen(v.abs(a))))));
        // b is an odd integer when it is integral and, below 2^24 (where every float is even), odd as an integer.
        String integral = v.eq(v.trunc(b), b);
        String inIntRange = v.lt(v.abs(b), v.c(0x1p24));
        String bInt = v.toInt(v.select(inIntRange, b, v.c(0)));
        String odd = v.and(integral, v.ine(v.iand(bInt, v.ci(1)), v.ci(0)));
        String signed = v.select(v.and(odd, v.signBit(a)), v.neg(magnitude), magnitude);
        // A finite negative base with a non-integral exponent (NaN included) has no real power.
        String finiteNegative = v.and(v.lt(a, v.c(0)), v.gt(a, v.c(Double.NEGATIVE_INFINITY)));
        String noPower = v.and(finiteNegative, v.ne(v.trunc(b), b));
        String result = v.select(noPower, v.c(Double.NaN), signed);
        return v.select(v.eq(b, v.c(0)), v.c(1), result);
    }

    private static double ln2High(VectorOps v) {
        return v.isDouble() ? LN2.doubleValue() : LN2.floatValue();
    }

    /** ln2 minus its rounded value, so that k ln2 is accurate well beyond the element precision. */
    private static double ln2Low(VectorOps v) {
        return LN2.subtract(new BigDecimal(ln2High(v))).doubleValue();
    }

    private static double[] inverseFactorials(int degree) {
        double[] c = new double[degree + 1];
        c[0] = 1;
        for (int k = 1; k <= degree; k++) c[k] = c[k - 1] / k;
        return c;
    }

    private static double[] atanhSeries(int terms) {
        double[] c = new double[terms];
        for (int i = 0; i < terms; i++) c[i] = 2.0 / (2 * i + 3);
        return c;
    }
}
