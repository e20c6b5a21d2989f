package dev.nnc.codegen.nativecode;

import java.util.function.BinaryOperator;

/**
 * What the row kernels need on {@code <lanes x float>} values besides the lane-wise math of
 * {@link VectorOps} ({@link #ops}): loads and stores (masked ones for the lanes past a
 * row's end), lane masks, horizontal reductions, shuffles, and copies of float runs.
 */
final class Simd {
    private final FunctionWriter f;
    private final VectorOps ops;

    Simd(FunctionWriter f, KernelEnv env) {
        this.f = f;
        this.ops = VectorOps.floats(f, env.lanes());
    }

    FunctionWriter f() { return f; }

    /** Lane-wise arithmetic, constants and selects on the same vectors. */
    VectorOps ops() { return ops; }

    int lanes() { return ops.lanes(); }

    /** A pointer to float element {@code index} (i64) of {@code base}. */
    String at(String base, String index) {
        return f.let("getelementptr inbounds float, ptr %s, i64 %s", base, index);
    }

    /** The lanes of elements {@code [from, from + lanes)} that are below {@code n} (both i64). */
    String lanesBelow(String from, String n) {
        String intrinsic = "llvm.get.active.lane.mask.v" + lanes() + "i1.i64";
        f.module().declare("declare " + ops.maskType() + " @" + intrinsic + "(i64, i64)");
        return f.let("call %s @%s(i64 %s, i64 %s)", ops.maskType(), intrinsic, from, n);
    }

    /** {@code mask} where {@code cond} (i1) holds, else no lane. */
    String maskIf(String cond, String mask) {
        return f.let("select i1 %s, %s %s, %s zeroinitializer", cond, ops.maskType(), mask, ops.maskType());
    }

    /** Loads the vector at element {@code index} of {@code base}; with a mask, only its lanes (the others read as 0). */
    String load(String base, String index, String mask) {
        if (mask == null) return f.let("load %s, ptr %s, align 4", ops.type(), at(base, index));
        return ops.maskedLoad(maskedAt(base, index), mask);
    }

    /** Stores {@code value} at element {@code index} of {@code base}; with a mask, only its lanes. */
    void store(String value, String base, String index, String mask) {
        if (mask == null) {
            f.emit("store %s %s, ptr %s, align 4", ops.type(), value, at(base, index));
            return;
        }
        ops.maskedStore(value, maskedAt(base, index), mask);
    }

    /**
     * The address of a masked access. It may lie past the buffer (only its lanes inside are
     * touched), so it is computed without {@code inbounds}, which would make it poison.
     */
    private String maskedAt(String base, String index) {
        return f.let("getelementptr float, ptr %s, i64 %s", base, index);
    }

    /**
     * All lanes of {@code v} combined (a sum, a max), in every lane: a butterfly that
     * combines each lane with its partner {@code h} lanes away, for h = lanes/2, ..., 1. The
     * operation must be commutative, so that partners compute the same value.
     */
    String across(String v, BinaryOperator<String> combine) {
        String all = v;
        for (int h = lanes() / 2; h >= 1; h /= 2) {
            int[] partner = new int[lanes()];
            for (int i = 0; i < partner.length; i++) partner[i] = i ^ h;
            all = combine.apply(all, shuffle(all, all, partner));
        }
        return all;
    }

    /** Lane 0 of {@code v}, a float. */
    String first(String v) {
        return f.let("extractelement %s %s, i64 0", ops.type(), v);
    }

    /** Lanes of {@code a} and {@code b} picked by index ({@code lanes} and up pick from b). */
    String shuffle(String a, String b, int[] picks) {
        StringBuilder mask = new StringBuilder("<");
        for (int i = 0; i < picks.length; i++) mask.append(i == 0 ? "" : ", ").append("i32 ").append(picks[i]);
        mask.append('>');
        return f.let("shufflevector %s %s, %s %s, <%d x i32> %s", ops.type(), a, ops.type(), b, picks.length, mask);
    }

    /** Copies {@code count} (i64) floats from {@code source} to {@code target}, which do not overlap. */
    void copy(String target, String source, String count) {
        f.module().declare("declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1 immarg)");
        f.emit("call void @llvm.memcpy.p0.p0.i64(ptr align 4 %s, ptr align 4 %s, i64 %s, i1 false)",
                target, source, f.let("shl i64 %s, 2", count));
    }
}
