package dev.nnc.codegen.nativecode;

import java.util.StringJoiner;

/**
 * Vector IR the convolution and pooling emitters share beyond {@link VectorOps}: integer lane
 * vectors (pixel coordinates), lane masks from a count, masked gathers and copies of float runs.
 */
final class ConvVectors {
    private ConvVectors() {}

    /** {@code <lanes x type>} with every lane {@code scalar}. */
    static String splat(FunctionWriter f, int lanes, String type, String scalar) {
        String vt = "<" + lanes + " x " + type + ">";
        String one = f.let("insertelement %s poison, %s %s, i64 0", vt, type, scalar);
        return f.let("shufflevector %s %s, %s poison, <%d x i32> zeroinitializer", vt, one, vt, lanes);
    }

    /** The constant {@code <lanes x i32> <from, from+1, ...>}. */
    static String laneIndices(int lanes, int from) {
        StringJoiner s = new StringJoiner(", ", "<", ">");
        for (int i = 0; i < lanes; i++) s.add("i32 " + (from + i));
        return s.toString();
    }

    /** The mask of lanes {@code first + lane < count}, count an i32 value (any sign). */
    static String lanesBelow(FunctionWriter f, int lanes, int first, String count) {
        return f.let("icmp slt <%d x i32> %s, %s", lanes, laneIndices(lanes, first), splat(f, lanes, "i32", count));
    }

    /** The all-true mask (a constant of any lane count, written after its type). */
    static String allLanes() {
        return "splat (i1 true)";
    }

    /** {@code cond ? mask : all-false}, cond an i1. */
    static String maskIf(FunctionWriter f, int lanes, String cond, String mask) {
        return f.let("select i1 %s, <%d x i1> %s, <%d x i1> zeroinitializer", cond, lanes, mask, lanes);
    }

    /** Lane i from {@code base + offsets[i]} (i32 float offsets) where {@code mask} is on, else 0; off lanes are not read. */
    static String gather(FunctionWriter f, KernelEnv env, String base, String offsets, String mask) {
        int l = env.lanes();
        String ptrs = f.let("getelementptr float, ptr %s, <%d x i32> %s", base, l, offsets);
        String name = "llvm.masked.gather." + env.vfSuffix() + ".v" + l + "p0";
        f.module().declare("declare " + env.vf() + " @" + name + "(<" + l + " x ptr>, i32, <" + l + " x i1>, " + env.vf() + ")");
        return f.let("call %s @%s(<%d x ptr> %s, i32 4, <%d x i1> %s, %s zeroinitializer)", env.vf(), name, l, ptrs, l, mask, env.vf());
    }

    /** Copies {@code count} floats (an i64 value) from src to dst a vector at a time, the last one masked. */
    static void copy(FunctionWriter f, KernelEnv env, String src, String dst, String count) {
        VectorOps v = VectorOps.floats(f, env.lanes());
        f.loop("0", count, env.lanes(), i -> {
            String mask = lanesBelow(f, env.lanes(), 0, ConvIr.toI32(f, ConvIr.sub(f, count, i)));
            v.maskedStore(v.maskedLoad(at(f, src, i), mask), at(f, dst, i), mask);
        });
    }

    /** Sets {@code count} floats (an i64 value) at dst to zero. */
    static void zero(FunctionWriter f, KernelEnv env, String dst, String count) {
        VectorOps v = VectorOps.floats(f, env.lanes());
        f.loop("0", count, env.lanes(), i -> {
            String mask = lanesBelow(f, env.lanes(), 0, ConvIr.toI32(f, ConvIr.sub(f, count, i)));
            v.maskedStore("zeroinitializer", at(f, dst, i), mask);
        });
    }

    /** {@code base + index} floats, an i64 index; no inbounds claim, for addresses of masked-off lanes. */
    static String at(FunctionWriter f, String base, String index) {
        return f.let("getelementptr float, ptr %s, i64 %s", base, index);
    }
}
