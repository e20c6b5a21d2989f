package dev.nnc.codegen.nativecode;

import java.util.Locale;

/**
 * Writes IR on vectors of one shape, {@code <lanes x float>} or {@code <lanes x double>}:
 * arithmetic, comparisons, selects, bit-level views as integers, and the LLVM intrinsics the
 * math needs (declared on first use). Constants are splats of exactly representable values, so
 * IR text never depends on decimal rounding.
 */
final class VectorOps {
    private final FunctionWriter f;
    private final int lanes;
    private final boolean wide;

    private VectorOps(FunctionWriter f, int lanes, boolean wide) {
        this.f = f;
        this.lanes = lanes;
        this.wide = wide;
    }

    /** Operations on {@code <lanes x float>}. */
    static VectorOps floats(FunctionWriter f, int lanes) { return new VectorOps(f, lanes, false); }

    /** Operations on {@code <lanes x double>}. */
    static VectorOps doubles(FunctionWriter f, int lanes) { return new VectorOps(f, lanes, true); }

    FunctionWriter writer() { return f; }

    boolean isDouble() { return wide; }

    int lanes() { return lanes; }

    /** The vector type, e.g. {@code <16 x float>}. */
    String type() { return vector(wide ? "double" : "float"); }

    /** The integer vector of the same bit width, e.g. {@code <16 x i32>}. */
    String intType() { return vector(intElement()); }

    String maskType() { return vector("i1"); }

    /** The intrinsic name suffix, e.g. {@code v16f32}. */
    String suffix() { return "v" + lanes + (wide ? "f64" : "f32"); }

    /** Bits of the mantissa field: 23 or 52. */
    int mantissaBits() { return wide ? 52 : 23; }

    /** The exponent bias: 127 or 1023. */
    int exponentBias() { return wide ? 1023 : 127; }

    // ---- constants

    /** A splat of {@code v} rounded to the element type (exact when {@code v} is representable). */
    String c(double v) {
        double exact = wide ? v : (double) (float) v;
        return "splat (" + element() + " " + hex(exact) + ")";
    }

    /** A splat of an integer of the element width. */
    String ci(long v) { return "splat (" + intElement() + " " + v + ")"; }

    /** {@code v} as an IR float or double literal: hexadecimal, so the text is exact. */
    static String hex(double v) {
        return String.format(Locale.ROOT, "0x%016X", Double.doubleToRawLongBits(v));
    }

    /** A vector with every lane equal to the scalar IR value {@code x} of the element type. */
    String splat(String x) {
        String one = f.let("insertelement %s poison, %s %s, i64 0", type(), element(), x);
        return f.let("shufflevector %s %s, %s poison, %s zeroinitializer", type(), one, type(), vector("i32"));
    }

    // ---- memory: ptr points at the first element; elements are naturally aligned

    String load(String ptr) { return f.let("load %s, ptr %s, align %d", type(), ptr, elementBytes()); }

    void store(String value, String ptr) { f.emit("store %s %s, ptr %s, align %d", type(), value, ptr, elementBytes()); }

    /** Loads the lanes {@code mask} selects (zero in the others) without touching memory past them. */
    String maskedLoad(String ptr, String mask) {
        String name = "llvm.masked.load." + suffix() + ".p0";
        f.module().declare("declare " + type() + " @" + name + "(ptr, i32, " + maskType() + ", " + type() + ")");
        return f.let("call %s @%s(ptr %s, i32 %d, %s %s, %s zeroinitializer)", type(), name, ptr, elementBytes(), maskType(), mask, type());
    }

    /** A vector of i64 elements, for integer model inputs (see {@link #fromIntegers}). */
    String loadIntegers(String ptr) { return f.let("load %s, ptr %s, align 8", vector("i64"), ptr); }

    /** Loads the i64 lanes {@code mask} selects (zero in the others). */
    String maskedLoadIntegers(String ptr, String mask) {
        String type = vector("i64"), name = "llvm.masked.load.v" + lanes + "i64.p0";
        f.module().declare("declare " + type + " @" + name + "(ptr, i32, " + maskType() + ", " + type + ")");
        return f.let("call %s @%s(ptr %s, i32 8, %s %s, %s zeroinitializer)", type, name, ptr, maskType(), mask, type);
    }

    /** i64 lanes converted (rounded to nearest) to this vector's element type. */
    String fromIntegers(String integers) { return f.let("sitofp %s %s to %s", vector("i64"), integers, type()); }

    /** Stores the lanes {@code mask} selects. */
    void maskedStore(String value, String ptr, String mask) {
        String name = "llvm.masked.store." + suffix() + ".p0";
        f.module().declare("declare void @" + name + "(" + type() + ", ptr, i32, " + maskType() + ")");
        f.emit("call void @%s(%s %s, ptr %s, i32 %d, %s %s)", name, type(), value, ptr, elementBytes(), maskType(), mask);
    }

    /** The mask of the first {@code count} lanes, {@code count} an i64 value in [0, lanes]. */
    String firstLanes(String count) {
        String type = vector("i32");
        String narrow = f.let("trunc i64 %s to i32", count);
        String one = f.let("insertelement %s poison, i32 %s, i64 0", type, narrow);
        String all = f.let("shufflevector %s %s, %s poison, %s zeroinitializer", type, one, type, type);
        StringBuilder indices = new StringBuilder();
        for (int i = 0; i < lanes; i++) indices.append(i == 0 ? "" : ", ").append("i32 ").append(i);
        return f.let("icmp ult %s <%s>, %s", type, indices, all);
    }

    // ---- arithmetic

    String add(String a, String b) { return f.let("fadd %s %s, %s", type(), a, b); }

    String sub(String a, String b) { return f.let("fsub %s %s, %s", type(), a, b); }

    String mul(String a, String b) { return f.let("fmul %s %s, %s", type(), a, b); }

    String div(String a, String b) { return f.let("fdiv %s %s, %s", type(), a, b); }

    String neg(String a) { return f.let("fneg %s %s", type(), a); }

    /** {@code a * b + c} with one rounding. */
    String fma(String a, String b, String c) { return intrinsic("fma", a, b, c); }

    String abs(String a) { return intrinsic("fabs", a); }

    String sqrt(String a) { return intrinsic("sqrt", a); }

    String trunc(String a) { return intrinsic("trunc", a); }

    /** The magnitude of {@code mag} with the sign of {@code sign}. */
    String copySign(String mag, String sign) { return intrinsic("copysign", mag, sign); }

    /** Java's {@code Math.max}: NaN if either is NaN, and +0 above -0. */
    String maximum(String a, String b) { return intrinsic("maximum", a, b); }

    /** Java's {@code Math.min}. */
    String minimum(String a, String b) { return intrinsic("minimum", a, b); }

    /** {@code c0 + x*(c1 + x*(c2 + ...))}: Horner's rule with fused multiply-adds, coefficients lowest first. */
    String polynomial(String x, double... coefficients) {
        String p = c(coefficients[coefficients.length - 1]);
        for (int i = coefficients.length - 2; i >= 0; i--) p = fma(p, x, c(coefficients[i]));
        return p;
    }

    // ---- comparisons and selection; each comparison is false where an operand is NaN unless its name says otherwise

    String lt(String a, String b) { return compare("olt", a, b); }

    String gt(String a, String b) { return compare("ogt", a, b); }

    String ge(String a, String b) { return compare("oge", a, b); }

    String eq(String a, String b) { return compare("oeq", a, b); }

    String ne(String a, String b) { return compare("une", a, b); }

    /** True where {@code a > b} or either is NaN. */
    String gtOrNaN(String a, String b) { return compare("ugt", a, b); }

    String and(String m1, String m2) { return f.let("and %s %s, %s", maskType(), m1, m2); }

    String select(String mask, String ifTrue, String ifFalse) {
        return f.let("select %s %s, %s %s, %s %s", maskType(), mask, type(), ifTrue, type(), ifFalse);
    }

    // ---- integers of the element width (lane bit patterns)

    String bits(String a) { return f.let("bitcast %s %s to %s", type(), a, intType()); }

    String fromBits(String i) { return f.let("bitcast %s %s to %s", intType(), i, type()); }

    String iadd(String a, String b) { return f.let("add %s %s, %s", intType(), a, b); }

    String isub(String a, String b) { return f.let("sub %s %s, %s", intType(), a, b); }

    String iand(String a, String b) { return f.let("and %s %s, %s", intType(), a, b); }

    String shl(String a, int n) { return f.let("shl %s %s, %s", intType(), a, ci(n)); }

    String ashr(String a, int n) { return f.let("ashr %s %s, %s", intType(), a, ci(n)); }

    String toFloat(String i) { return f.let("sitofp %s %s to %s", intType(), i, type()); }

    /** Truncates toward zero; lanes outside the integer range are poison, so callers clamp first. */
    String toInt(String a) { return f.let("fptosi %s %s to %s", type(), a, intType()); }

    String ine(String a, String b) { return f.let("icmp ne %s %s, %s", intType(), a, b); }

    /** True where the sign bit is set: below zero, -0, -inf and NaNs with the sign bit. */
    String signBit(String a) { return f.let("icmp slt %s %s, zeroinitializer", intType(), bits(a)); }

    // ---- between widths

    /** Float lanes widened exactly to double lanes (this must be the float form). */
    String widen(String a) { return f.let("fpext %s %s to %s", type(), a, doubles(f, lanes).type()); }

    /** Double lanes rounded to float lanes (this must be the double form). */
    String narrow(String a) { return f.let("fptrunc %s %s to %s", type(), a, floats(f, lanes).type()); }

    // ---- helpers

    private String compare(String predicate, String a, String b) {
        return f.let("fcmp %s %s %s, %s", predicate, type(), a, b);
    }

    private String intrinsic(String name, String... args) {
        String full = "llvm." + name + "." + suffix();
        String params = String.join(", ", java.util.Collections.nCopies(args.length, type()));
        f.module().declare("declare " + type() + " @" + full + "(" + params + ")");
        StringBuilder call = new StringBuilder();
        for (String a : args) call.append(call.isEmpty() ? "" : ", ").append(type()).append(' ').append(a);
        return f.let("call %s @%s(%s)", type(), full, call);
    }

    private String element() { return wide ? "double" : "float"; }

    private int elementBytes() { return wide ? 8 : 4; }

    private String intElement() { return wide ? "i64" : "i32"; }

    private String vector(String elementType) { return "<" + lanes + " x " + elementType + ">"; }
}
