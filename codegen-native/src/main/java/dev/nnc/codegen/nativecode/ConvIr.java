package dev.nnc.codegen.nativecode;

/**
 * Scalar IR for the convolution and pooling emitters: i64 index arithmetic and two-way
 * branches. Operands are IR values; literals are folded here so that sizes known at compile
 * time stay literals in the IR.
 */
final class ConvIr {
    private ConvIr() {}

    static String add(FunctionWriter f, String a, String b) {
        if (isLiteral(a) && isLiteral(b)) return Long.toString(value(a) + value(b));
        if (a.equals("0")) return b;
        if (b.equals("0")) return a;
        return f.let("add i64 %s, %s", a, b);
    }

    static String sub(FunctionWriter f, String a, String b) {
        if (isLiteral(a) && isLiteral(b)) return Long.toString(value(a) - value(b));
        if (b.equals("0")) return a;
        return f.let("sub i64 %s, %s", a, b);
    }

    static String mul(FunctionWriter f, String a, String b) {
        if (isLiteral(a) && isLiteral(b)) return Long.toString(value(a) * value(b));
        if (a.equals("1")) return b;
        if (b.equals("1")) return a;
        if (a.equals("0") || b.equals("0")) return "0";
        return f.let("mul i64 %s, %s", a, b);
    }

    /** Floor division of non-negative values. */
    static String div(FunctionWriter f, String a, String b) {
        if (isLiteral(a) && isLiteral(b)) return Long.toString(value(a) / value(b));
        if (b.equals("1")) return a;
        return f.let("udiv i64 %s, %s", a, b);
    }

    /** Remainder of non-negative values. */
    static String rem(FunctionWriter f, String a, String b) {
        if (isLiteral(a) && isLiteral(b)) return Long.toString(value(a) % value(b));
        if (b.equals("1")) return "0";
        return f.let("urem i64 %s, %s", a, b);
    }

    /** {@code ceil(a / b)} of non-negative values. */
    static String ceilDiv(FunctionWriter f, String a, String b) {
        return div(f, add(f, a, sub(f, b, "1")), b);
    }

    static String min(FunctionWriter f, String a, String b) {
        if (isLiteral(a) && isLiteral(b)) return Long.toString(Math.min(value(a), value(b)));
        return f.let("select i1 %s, i64 %s, i64 %s", f.let("icmp slt i64 %s, %s", a, b), a, b);
    }

    static String max(FunctionWriter f, String a, String b) {
        if (isLiteral(a) && isLiteral(b)) return Long.toString(Math.max(value(a), value(b)));
        return f.let("select i1 %s, i64 %s, i64 %s", f.let("icmp sgt i64 %s, %s", a, b), a, b);
    }

    /** {@code a < b} (signed) as an i1. */
    static String less(FunctionWriter f, String a, String b) {
        return f.let("icmp slt i64 %s, %s", a, b);
    }

    /** {@code 0 <= a < bound} as an i1 (one unsigned compare). */
    static String within(FunctionWriter f, String a, String bound) {
        return f.let("icmp ult i64 %s, %s", a, bound);
    }

    static String and(FunctionWriter f, String a, String b) {
        return f.let("and i1 %s, %s", a, b);
    }

    /** An i64 value as i32 (sizes of one tensor's index space fit). */
    static String toI32(FunctionWriter f, String a) {
        if (isLiteral(a)) return a;
        return f.let("trunc i64 %s to i32", a);
    }

    /** {@code if (cond) yes() else no()}, each side in its own block. */
    static void either(FunctionWriter f, String cond, Runnable yes, Runnable no) {
        String a = f.newBlock("yes"), b = f.newBlock("no"), done = f.newBlock("joined");
        f.condBr(cond, a, b);
        f.begin(a);
        yes.run();
        f.br(done);
        f.begin(b);
        no.run();
        f.br(done);
        f.begin(done);
    }

    private static boolean isLiteral(String v) {
        return !v.isEmpty() && (Character.isDigit(v.charAt(0)) || (v.charAt(0) == '-' && v.length() > 1));
    }

    private static long value(String v) { return Long.parseLong(v); }
}
