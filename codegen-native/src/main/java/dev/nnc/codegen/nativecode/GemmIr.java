package dev.nnc.codegen.nativecode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * IR the GEMM emitters share besides {@link VectorOps}: i64 arithmetic on sizes and indices,
 * broadcasts and masked accesses by pointer, an if/else that merges several values, and an
 * in-register transpose.
 */
final class GemmIr {
    private GemmIr() {}

    static String mul(FunctionWriter f, String a, String b) { return f.let("mul i64 %s, %s", a, b); }

    static String add(FunctionWriter f, String a, String b) { return f.let("add i64 %s, %s", a, b); }

    static String sub(FunctionWriter f, String a, String b) { return f.let("sub i64 %s, %s", a, b); }

    static String min(FunctionWriter f, String a, String b) {
        f.module().declare("declare i64 @llvm.smin.i64(i64, i64)");
        return f.let("call i64 @llvm.smin.i64(i64 %s, i64 %s)", a, b);
    }

    static String max(FunctionWriter f, String a, String b) {
        f.module().declare("declare i64 @llvm.smax.i64(i64, i64)");
        return f.let("call i64 @llvm.smax.i64(i64 %s, i64 %s)", a, b);
    }

    /** ceil(a / b) for a >= 0, b > 0. */
    static String ceilDiv(FunctionWriter f, String a, long b) {
        return f.let("udiv i64 %s, %d", f.let("add i64 %s, %d", a, b - 1), b);
    }

    /** ceil(a / b) for a >= 0, b > 0 (both IR values). */
    static String ceilDiv(FunctionWriter f, String a, String b) {
        return f.let("udiv i64 %s, %s", add(f, a, sub(f, b, "1")), b);
    }

    /** a rounded up to a multiple of b. */
    static String roundUp(FunctionWriter f, String a, long b) {
        return f.let("mul i64 %s, %d", ceilDiv(f, a, b), b);
    }

    /** {@code &p[index]} over floats. */
    static String at(FunctionWriter f, String p, String index) {
        return f.let("getelementptr inbounds float, ptr %s, i64 %s", p, index);
    }

    /** The float at {@code p} in every lane. */
    static String broadcast(VectorOps v, String p) {
        return v.splat(v.writer().let("load float, ptr %s, align 4", p));
    }

    /** A load of the lanes in {@code mask}, or of all lanes when it is null. */
    static String load(VectorOps v, String p, String mask) {
        return mask == null ? v.load(p) : v.maskedLoad(p, mask);
    }

    /** A store of the lanes in {@code mask}, or of all lanes when it is null. */
    static void store(VectorOps v, String value, String p, String mask) {
        if (mask == null) v.store(value, p);
        else v.maskedStore(value, p, mask);
    }

    /**
     * Transposes {@code rows.size()} vectors (row r holding elements (r, 0..lanes-1)) into as
     * many vectors that, one after the other, hold the elements column by column: (0, 0),
     * (1, 0), ..., (R-1, 0), (0, 1), ... R must be a power of two dividing the lanes. Each of
     * log2(R) stages interleaves pairs of row groups (two-input shuffles, one instruction each
     * with AVX-512).
     */
    static List<String> transpose(VectorOps v, List<String> rows) {
        // groups.get(g).get(c): the vector of row group g holding column chunk c.
        List<List<String>> groups = new ArrayList<>();
        for (String row : rows) groups.add(List.of(row));
        for (int width = 1; groups.size() > 1; width *= 2) {
            List<List<String>> merged = new ArrayList<>();
            for (int g = 0; g < groups.size(); g += 2) {
                List<String> a = groups.get(g), b = groups.get(g + 1), chunks = new ArrayList<>();
                for (int c = 0; c < a.size(); c++) {
                    for (int half = 0; half < 2; half++) chunks.add(interleave(v, a.get(c), b.get(c), width, half));
                }
                merged.add(chunks);
            }
            groups = merged;
        }
        return groups.getFirst();
    }

    /** Alternating runs of {@code width} elements of a and b, taken from half {@code half} of each. */
    private static String interleave(VectorOps v, String a, String b, int width, int half) {
        int lanes = v.lanes();
        StringBuilder mask = new StringBuilder();
        for (int o = 0; o < lanes; o++) {
            int run = o / width, source = half * lanes / 2 + run / 2 * width + o % width;
            mask.append(o == 0 ? "" : ", ").append("i32 ").append(run % 2 == 0 ? source : source + lanes);
        }
        return v.writer().let("shufflevector %s %s, %s %s, <%d x i32> <%s>", v.type(), a, v.type(), b, lanes, mask);
    }

    /**
     * {@code cond ? ifTrue() : ifFalse()} for several values of one type, each side in its own
     * block (so that work on the untaken side is skipped).
     */
    static List<String> ifElse(FunctionWriter f, String cond, String type, Supplier<List<String>> ifTrue,
                               Supplier<List<String>> ifFalse) {
        String yes = f.newBlock("then"), no = f.newBlock("else"), done = f.newBlock("endif");
        f.condBr(cond, yes, no);
        f.begin(yes);
        List<String> a = ifTrue.get();
        String aFrom = f.currentBlock();
        f.br(done);
        f.begin(no);
        List<String> b = ifFalse.get();
        String bFrom = f.currentBlock();
        f.br(done);
        f.begin(done);
        List<String> merged = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            merged.add(f.let("phi %s [ %s, %%%s ], [ %s, %%%s ]", type, a.get(i), aFrom, b.get(i), bFrom));
        }
        return merged;
    }
}
