package dev.nnc.codegen.nativecode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * IR snippets the GEMM emitters share: i64 arithmetic on sizes, splats, lane masks for partial
 * vectors, masked loads and stores, FMAs, and an if/else that merges several values.
 */
final class GemmIr {
    private final int lanes;

    GemmIr(int lanes) {
        this.lanes = lanes;
    }

    int lanes() { return lanes; }

    /** The float vector type, e.g. {@code <16 x float>}. */
    String vf() { return "<" + lanes + " x float>"; }

    private String suffix() { return "v" + lanes + "f32"; }

    /** Bytes a vector of floats is aligned to in packed panels. */
    int vectorAlign() { return 4 * lanes; }

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

    /** ceil(a / b) for a >= 0, b > 0 (IR values). */
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

    /** A vector with every lane {@code value} (of scalar type {@code type}, e.g. float or i64). */
    String splat(FunctionWriter f, String type, String value) {
        String vt = "<" + lanes + " x " + type + ">";
        String one = f.let("insertelement %s poison, %s %s, i64 0", vt, type, value);
        return f.let("shufflevector %s %s, %s poison, <%d x i32> zeroinitializer", vt, one, vt, lanes);
    }

    /** The float at {@code p} in every lane. */
    String broadcast(FunctionWriter f, String p) {
        return splat(f, "float", f.let("load float, ptr %s, align 4", p));
    }

    /** A mask whose lanes below {@code count} (an i64, any value) are set. */
    String mask(FunctionWriter f, String count) {
        StringBuilder iota = new StringBuilder("<");
        for (int i = 0; i < lanes; i++) iota.append(i == 0 ? "" : ", ").append("i64 ").append(i);
        iota.append('>');
        return f.let("icmp slt <%d x i64> %s, %s", lanes, iota, splat(f, "i64", count));
    }

    /** A vector load; with a mask (or null), lanes outside it are not read and are zero. */
    String load(FunctionWriter f, String p, int align, String mask) {
        if (mask == null) return f.let("load %s, ptr %s, align %d", vf(), p, align);
        f.module().declare("declare %s @llvm.masked.load.%s.p0(ptr, i32 immarg, <%d x i1>, %s)".formatted(vf(), suffix(), lanes, vf()));
        return f.let("call %s @llvm.masked.load.%s.p0(ptr %s, i32 %d, <%d x i1> %s, %s zeroinitializer)",
                vf(), suffix(), p, align, lanes, mask, vf());
    }

    /** A vector store; with a mask (or null), only the lanes in it are written. */
    void store(FunctionWriter f, String value, String p, int align, String mask) {
        if (mask == null) {
            f.emit("store %s %s, ptr %s, align %d", vf(), value, p, align);
            return;
        }
        f.module().declare("declare void @llvm.masked.store.%s.p0(%s, ptr, i32 immarg, <%d x i1>)".formatted(suffix(), vf(), lanes));
        f.emit("call void @llvm.masked.store.%s.p0(%s %s, ptr %s, i32 %d, <%d x i1> %s)", suffix(), vf(), value, p, align, lanes, mask);
    }

    /** a * b + c, fused. */
    String fma(FunctionWriter f, String a, String b, String c) {
        f.module().declare("declare %s @llvm.fma.%s(%s, %s, %s)".formatted(vf(), suffix(), vf(), vf(), vf()));
        return f.let("call %s @llvm.fma.%s(%s %s, %s %s, %s %s)", vf(), suffix(), vf(), a, vf(), b, vf(), c);
    }

    String fadd(FunctionWriter f, String a, String b) {
        return f.let("fadd %s %s, %s", vf(), a, b);
    }

    /** max(x, 0) with NaN kept, as Java's Math.max(x, 0f). */
    String relu(FunctionWriter f, String x) {
        String negative = f.let("fcmp olt %s %s, zeroinitializer", vf(), x);
        return f.let("select <%d x i1> %s, %s zeroinitializer, %s %s", lanes, negative, vf(), vf(), x);
    }

    /** Whether {@link #transpose} takes {@code rows} vectors: a power of two dividing the lanes. */
    boolean canTranspose(int rows) {
        return Integer.bitCount(rows) == 1 && lanes % rows == 0;
    }

    /**
     * Transposes {@code rows.size()} vectors (row r holding elements (r, 0..lanes-1)) into as
     * many vectors that, one after the other, hold the elements column by column: (0, 0),
     * (1, 0), ..., (R-1, 0), (0, 1), ... Each of log2(R) stages interleaves pairs of row groups
     * (two-input shuffles, one instruction each with AVX-512).
     */
    List<String> transpose(FunctionWriter f, List<String> rows) {
        // groups.get(g).get(c): the vector of row group g holding column chunk c.
        List<List<String>> groups = new ArrayList<>();
        for (String row : rows) groups.add(List.of(row));
        for (int width = 1; groups.size() > 1; width *= 2) {
            List<List<String>> merged = new ArrayList<>();
            for (int g = 0; g < groups.size(); g += 2) {
                List<String> a = groups.get(g), b = groups.get(g + 1), chunks = new ArrayList<>();
                for (int c = 0; c < a.size(); c++) {
                    for (int half = 0; half < 2; half++) chunks.add(interleave(f, a.get(c), b.get(c), width, half));
                }
                merged.add(chunks);
            }
            groups = merged;
        }
        return groups.getFirst();
    }

    /** Alternating runs of {@code width} elements of a and b, taken from half {@code half} of each. */
    private String interleave(FunctionWriter f, String a, String b, int width, int half) {
        StringBuilder mask = new StringBuilder();
        for (int o = 0; o < lanes; o++) {
            int run = o / width, source = half * lanes / 2 + run / 2 * width + o % width;
            mask.append(o == 0 ? "" : ", ").append("i32 ").append(run % 2 == 0 ? source : source + lanes);
        }
        return f.let("shufflevector %s %s, %s %s, <%d x i32> <%s>", vf(), a, vf(), b, lanes, mask);
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
