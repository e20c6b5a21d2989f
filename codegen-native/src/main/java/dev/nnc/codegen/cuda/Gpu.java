package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;

/**
 * NVPTX building blocks on one function: thread and block indices (read once in the entry
 * block), barriers, warp shuffles, shared-memory arrays, scalar loads, stores and fused
 * multiply-adds. Indices are i64 so that they combine with the sizes {@code KernelEnv} gives.
 */
final class Gpu {
    private Gpu() {}

    /** This thread's index in its block along x. */
    static String tid(FunctionWriter f) { return special(f, "tid.x"); }

    /** This block's index along {@code axis} (x, y or z). */
    static String block(FunctionWriter f, char axis) { return special(f, "ctaid." + axis); }

    /** Threads per block along x. */
    static String blockSize(FunctionWriter f) { return special(f, "ntid.x"); }

    /** The thread's index in the whole grid along x: {@code ctaid.x * ntid.x + tid.x}. */
    static String globalIndex(FunctionWriter f) {
        String base = f.entryValue("gpu:base", "mul i64 %s, %s", block(f, 'x'), blockSize(f));
        return f.entryValue("gpu:global", "add i64 %s, %s", base, tid(f));
    }

    private static String special(FunctionWriter f, String register) {
        String name = "llvm.nvvm.read.ptx.sreg." + register;
        f.module().declare("declare i32 @" + name + "()");
        String raw = f.entryValue("sreg:" + register, "call i32 @%s()", name);
        return f.entryValue("sreg64:" + register, "zext i32 %s to i64", raw);
    }

    /** {@code __syncthreads()}: every thread of the block waits here, and shared-memory writes before it are seen after. */
    static void barrier(FunctionWriter f) {
        f.module().declare("declare void @llvm.nvvm.barrier0()");
        f.emit("call void @llvm.nvvm.barrier0()");
    }

    /** The float of the lane whose id is this lane's xor {@code mask}, every lane of the warp taking part. */
    static String shuffleXor(FunctionWriter f, String value, int mask) {
        f.module().declare("declare float @llvm.nvvm.shfl.sync.bfly.f32(i32, float, i32, i32)");
        return f.let("call float @llvm.nvvm.shfl.sync.bfly.f32(i32 -1, float %s, i32 %d, i32 31)", value, mask);
    }

    /** Defines {@code @name}, a block-shared array of {@code floats} floats, and returns its name. */
    static String sharedArray(FunctionWriter f, String name, int floats) {
        f.module().global("@" + name + " = internal addrspace(3) global [" + floats + " x float] undef, align 16");
        return "@" + name;
    }

    /** A pointer to element {@code index} (i64) of a shared array of {@code floats} floats. */
    static String sharedAt(FunctionWriter f, String array, int floats, String index) {
        return f.let("getelementptr inbounds [%d x float], ptr addrspace(3) %s, i64 0, i64 %s", floats, array, index);
    }

    static String loadShared(FunctionWriter f, String pointer) {
        return f.let("load float, ptr addrspace(3) %s, align 4", pointer);
    }

    static void storeShared(FunctionWriter f, String value, String pointer) {
        f.emit("store float %s, ptr addrspace(3) %s, align 4", value, pointer);
    }

    /** The float at element {@code index} (i64) of {@code base}. */
    static String load(FunctionWriter f, String base, String index) {
        return f.let("load float, ptr %s, align 4", at(f, base, index));
    }

    static void store(FunctionWriter f, String value, String base, String index) {
        f.emit("store float %s, ptr %s, align 4", value, at(f, base, index));
    }

    static String at(FunctionWriter f, String base, String index) {
        return f.let("getelementptr inbounds float, ptr %s, i64 %s", base, index);
    }

    static String fma(FunctionWriter f, String a, String b, String c) {
        f.module().declare("declare float @llvm.fma.f32(float, float, float)");
        return f.let("call float @llvm.fma.f32(float %s, float %s, float %s)", a, b, c);
    }

    /** Java's {@code Math.max} on floats: NaN if either is NaN. */
    static String maximum(FunctionWriter f, String a, String b) {
        f.module().declare("declare float @llvm.maximum.f32(float, float)");
        return f.let("call float @llvm.maximum.f32(float %s, float %s)", a, b);
    }

    static String add(FunctionWriter f, String a, String b) { return f.let("add i64 %s, %s", a, b); }

    static String mul(FunctionWriter f, String a, String b) { return f.let("mul i64 %s, %s", a, b); }

    static String div(FunctionWriter f, String a, String b) { return f.let("udiv i64 %s, %s", a, b); }

    static String rem(FunctionWriter f, String a, String b) { return f.let("urem i64 %s, %s", a, b); }

    /** {@code a < b}, unsigned: also false for a "negative" a, so one compare checks {@code 0 <= a < b}. */
    static String below(FunctionWriter f, String a, String b) { return f.let("icmp ult i64 %s, %s", a, b); }

    static String and(FunctionWriter f, String a, String b) { return f.let("and i1 %s, %s", a, b); }

    /** A float IR literal of {@code v} rounded to float, in hexadecimal so the text is exact. */
    static String constant(double v) {
        return String.format(java.util.Locale.ROOT, "0x%016X", Double.doubleToRawLongBits((double) (float) v));
    }
}
