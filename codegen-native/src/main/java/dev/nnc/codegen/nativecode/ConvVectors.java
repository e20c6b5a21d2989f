package dev.nnc.codegen.nativecode;

import java.util.StringJoiner;

/**
 * Vector IR idioms the convolution and pooling emitters share: float constants, splats, lane
 * masks, masked and gathered memory access, FMA. Every vector is {@code <lanes x T>} for the
 * target's {@link KernelEnv#lanes()}.
 */
final class ConvVectors {
    private ConvVectors() {}

    /** An f32 constant as IR text (exact: the double of the float, in hex). */
    static String floatConstant(double v) {
        return String.format("0x%016X", Double.doubleToLongBits((double) (float) v));
    }

    /** {@code <lanes x type>} with every lane {@code scalar}. */
    static String splat(FunctionWriter f, int lanes, String type, String scalar) {
        String vt = "<" + lanes + " x " + type + ">";
        String one = f.let("insertelement %s poison, %s %s, i64 0", vt, type, scalar);
        return f.let("shufflevector %s %s, %s poison, <%d x i32> zeroinitializer", vt, one, vt, lanes);
    }

    /** A float vector with every lane {@code scalar}. */
    static String splatFloat(FunctionWriter f, KernelEnv env, String scalar) {
        return splat(f, env.lanes(), "float", scalar);
    }

    /** The constant {@code <lanes x i32> <from, from+1, ...>}. */
    static String laneIndices(int lanes, int from) {
        StringJoiner s = new StringJoiner(", ", "<", ">");
        for (int i = 0; i < lanes; i++) s.add("i32 " + (from + i));
        return s.toString();
    }

    /** The mask of lanes {@code first + lane < count}, count an i32 value. */
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

    /** A float vector from {@code ptr}; lanes off in {@code mask} are {@code passThrough} and are not read. */
    static String maskedLoad(FunctionWriter f, KernelEnv env, String ptr, String mask, String passThrough) {
        String name = "llvm.masked.load." + env.vfSuffix() + ".p0";
        f.module().declare("declare " + env.vf() + " @" + name + "(ptr, i32, <" + env.lanes() + " x i1>, " + env.vf() + ")");
        return f.let("call %s @%s(ptr %s, i32 4, <%d x i1> %s, %s %s)", env.vf(), name, ptr, env.lanes(), mask, env.vf(), passThrough);
    }

    /** Stores the lanes of {@code value} that are on in {@code mask} to {@code ptr}. */
    static void maskedStore(FunctionWriter f, KernelEnv env, String value, String ptr, String mask) {
        String name = "llvm.masked.store." + env.vfSuffix() + ".p0";
        f.module().declare("declare void @" + name + "(" + env.vf() + ", ptr, i32, <" + env.lanes() + " x i1>)");
        f.emit("call void @%s(%s %s, ptr %s, i32 4, <%d x i1> %s)", name, env.vf(), value, ptr, env.lanes(), mask);
    }

    /** Lane i from {@code base + offsets[i]} (i32 float offsets) where {@code mask} is on, else 0; off lanes are not read. */
    static String gather(FunctionWriter f, KernelEnv env, String base, String offsets, String mask) {
        return gather(f, env, base, offsets, mask, "zeroinitializer");
    }

    /** As {@link #gather(FunctionWriter, KernelEnv, String, String, String)}, off lanes {@code passThrough}. */
    static String gather(FunctionWriter f, KernelEnv env, String base, String offsets, String mask, String passThrough) {
        int l = env.lanes();
        String ptrs = f.let("getelementptr float, ptr %s, <%d x i32> %s", base, l, offsets);
        String name = "llvm.masked.gather." + env.vfSuffix() + ".v" + l + "p0";
        f.module().declare("declare " + env.vf() + " @" + name + "(<" + l + " x ptr>, i32, <" + l + " x i1>, " + env.vf() + ")");
        return f.let("call %s @%s(<%d x ptr> %s, i32 4, <%d x i1> %s, %s %s)", env.vf(), name, l, ptrs, l, mask, env.vf(), passThrough);
    }

    /** A float vector load from {@code ptr} (no alignment assumed). */
    static String load(FunctionWriter f, KernelEnv env, String ptr) {
        return f.let("load %s, ptr %s, align 4", env.vf(), ptr);
    }

    /** {@code a * b + c}, fused. */
    static String fma(FunctionWriter f, KernelEnv env, String a, String b, String c) {
        String name = "llvm.fma." + env.vfSuffix();
        f.module().declare("declare " + env.vf() + " @" + name + "(" + env.vf() + ", " + env.vf() + ", " + env.vf() + ")");
        return f.let("call %s @%s(%s %s, %s %s, %s %s)", env.vf(), name, env.vf(), a, env.vf(), b, env.vf(), c);
    }

    /** {@code max(v, 0)} that keeps NaN, as the JVM's {@code Math.max(v, 0f)} does. */
    static String relu(FunctionWriter f, KernelEnv env, String v) {
        String negative = f.let("fcmp olt %s %s, zeroinitializer", env.vf(), v);
        return f.let("select <%d x i1> %s, %s zeroinitializer, %s %s", env.lanes(), negative, env.vf(), env.vf(), v);
    }

    /** Copies {@code count} floats (an i64 value) from src to dst a vector at a time, the last one masked. */
    static void copy(FunctionWriter f, KernelEnv env, String src, String dst, String count) {
        f.loop("0", count, env.lanes(), i -> {
            String mask = lanesBelow(f, env.lanes(), 0, ConvIr.toI32(f, ConvIr.sub(f, count, i)));
            maskedStore(f, env, maskedLoad(f, env, at(f, src, i), mask, "zeroinitializer"), at(f, dst, i), mask);
        });
    }

    /** Sets {@code count} floats (an i64 value) at dst to zero. */
    static void zero(FunctionWriter f, KernelEnv env, String dst, String count) {
        f.loop("0", count, env.lanes(), i -> {
            String mask = lanesBelow(f, env.lanes(), 0, ConvIr.toI32(f, ConvIr.sub(f, count, i)));
            maskedStore(f, env, "zeroinitializer", at(f, dst, i), mask);
        });
    }

    /** {@code base + index} floats, an i64 index; no inbounds claim, for addresses of masked-off lanes. */
    static String at(FunctionWriter f, String base, String index) {
        return f.let("getelementptr float, ptr %s, i64 %s", base, index);
    }
}
