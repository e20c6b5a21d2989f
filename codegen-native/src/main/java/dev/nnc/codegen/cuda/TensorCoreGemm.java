package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.ModuleWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A tensor-core GEMM {@code C[M, N] (f32) = A[M, K] B[K, N]} with f16 or bf16 inputs (row-major),
 * through LLVM's WMMA intrinsics (m16n16k16 fragments, f32 accumulation; bf16 needs sm_80).
 * A block of 4 warps computes a 64 x 64 tile, each warp 32 x 32 as 2 x 2 fragments, loading its
 * fragments straight from global memory (the L1 and L2 caches give the reuse). M and N must be
 * multiples of 64 and K of 16; the example models compute in f32, so this kernel serves the
 * GEMM benchmark and its tests.
 *
 * <p>Kernel {@code nnc_gemm_f16} or {@code nnc_gemm_bf16}{@code (ptr a, ptr b, ptr c, i32 m, i32 n, i32 k)},
 * launched on {@link #grid} with {@link #THREADS} threads.
 */
public final class TensorCoreGemm {
    public static final int TILE = 64, STEP = 16, THREADS = 128;

    /** Input element type. */
    public enum Precision {
        F16, BF16;

        public String text() { return name().toLowerCase(Locale.ROOT); }
    }

    private TensorCoreGemm() {}

    public static String symbol(Precision p) { return "nnc_gemm_" + p.text(); }

    /** Blocks along x (column tiles) and y (row tiles). */
    public static long[] grid(int m, int n, int k) {
        if (m % TILE != 0 || n % TILE != 0 || k % STEP != 0) {
            throw new IllegalArgumentException("the tensor-core GEMM takes M and N multiples of " + TILE + " and K a multiple of "
                    + STEP + ", not " + m + " x " + n + " x " + k);
        }
        return new long[] {n / TILE, m / TILE, 1};
    }

    /** The module's LLVM IR. */
    public static String ir(CudaTarget target, Precision p) {
        if (p == Precision.BF16 && !target.hasBf16TensorCores()) {
            throw new IllegalArgumentException("bf16 tensor cores need sm_80 or newer, not " + target.gpu());
        }
        ModuleWriter m = new ModuleWriter(target.nativeTarget());
        String fragment = p == Precision.F16 ? struct("<2 x half>", 8) : struct("i32", 4);
        String accumulator = struct("float", 8);
        String type = p.text();
        String loadA = "llvm.nvvm.wmma.m16n16k16.load.a.row.stride." + type + ".p0";
        String loadB = "llvm.nvvm.wmma.m16n16k16.load.b.row.stride." + type + ".p0";
        String mma = p == Precision.F16 ? "llvm.nvvm.wmma.m16n16k16.mma.row.row.f32.f32" : "llvm.nvvm.wmma.m16n16k16.mma.row.row.bf16";
        String store = "llvm.nvvm.wmma.m16n16k16.store.d.row.stride.f32.p0";
        int parts = p == Precision.F16 ? 8 : 4;
        String part = p == Precision.F16 ? "<2 x half>" : "i32";
        m.function("define ptx_kernel void @" + symbol(p) + "(ptr %a, ptr %b, ptr %c, i32 %m, i32 %n, i32 %k)", f -> {
            m.declare("declare " + fragment + " @" + loadA + "(ptr, i32)");
            m.declare("declare " + fragment + " @" + loadB + "(ptr, i32)");
            m.declare("declare " + accumulator + " @" + mma + "(" + String.join(", ", Collections.nCopies(2 * parts, part))
                    + ", " + String.join(", ", Collections.nCopies(8, "float")) + ")");
            m.declare("declare void @" + store + "(ptr, " + String.join(", ", Collections.nCopies(8, "float")) + ", i32)");
            String warp = f.let("lshr i64 %s, 5", Gpu.tid(f));
            String rowBase = f.let("add i64 %s, %s", f.let("mul i64 %s, %d", Gpu.block(f, 'y'), TILE),
                    f.let("mul i64 %s, 32", f.let("lshr i64 %s, 1", warp)));
            String colBase = f.let("add i64 %s, %s", f.let("mul i64 %s, %d", Gpu.block(f, 'x'), TILE),
                    f.let("mul i64 %s, 32", f.let("and i64 %s, 1", warp)));
            String k = f.let("zext i32 %%k to i64"), n = f.let("zext i32 %%n to i64");
            List<String[]> zero = new ArrayList<>();
            for (int i = 0; i < 32; i++) zero.add(new String[] {"float", "0.0"});
            List<String> acc = f.loopCarrying("0", k, String.valueOf(STEP), zero, (k0, sums) -> {
                List<String> next = new ArrayList<>(sums);
                List<List<String>> as = new ArrayList<>(), bs = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    String row = f.let("add i64 %s, %d", rowBase, 16 * i);
                    String at = f.let("getelementptr inbounds i16, ptr %%a, i64 %s", f.let("add i64 %s, %s", f.let("mul i64 %s, %s", row, k), k0));
                    as.add(unpack(f, f.let("call %s @%s(ptr %s, i32 %%k)", fragment, loadA, at), fragment, parts));
                    String col = f.let("add i64 %s, %d", colBase, 16 * i);
                    String bt = f.let("getelementptr inbounds i16, ptr %%b, i64 %s", f.let("add i64 %s, %s", f.let("mul i64 %s, %s", k0, n), col));
                    bs.add(unpack(f, f.let("call %s @%s(ptr %s, i32 %%n)", fragment, loadB, bt), fragment, parts));
                }
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 2; j++) {
                        int first = 8 * (2 * i + j);
                        StringBuilder args = new StringBuilder();
                        for (String x : as.get(i)) args.append(part).append(' ').append(x).append(", ");
                        for (String x : bs.get(j)) args.append(part).append(' ').append(x).append(", ");
                        for (int e = 0; e < 8; e++) args.append("float ").append(next.get(first + e)).append(e < 7 ? ", " : "");
                        List<String> d = unpack(f, f.let("call %s @%s(%s)", accumulator, mma, args), accumulator, 8);
                        for (int e = 0; e < 8; e++) next.set(first + e, d.get(e));
                    }
                }
                return next;
            });
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    String row = f.let("add i64 %s, %d", rowBase, 16 * i), col = f.let("add i64 %s, %d", colBase, 16 * j);
                    String at = f.let("getelementptr inbounds float, ptr %%c, i64 %s", f.let("add i64 %s, %s", f.let("mul i64 %s, %s", row, n), col));
                    StringBuilder args = new StringBuilder();
                    for (int e = 0; e < 8; e++) args.append("float ").append(acc.get(8 * (2 * i + j) + e)).append(", ");
                    f.emit("call void @%s(ptr %s, %si32 %%n)", store, at, args);
                }
            }
        });
        return m.text("tensor_core_gemm_" + p.text());
    }

    private static String struct(String element, int count) {
        return "{ " + String.join(", ", Collections.nCopies(count, element)) + " }";
    }

    private static List<String> unpack(FunctionWriter f, String value, String type, int count) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < count; i++) parts.add(f.let("extractvalue %s %s, %d", type, value, i));
        return parts;
    }

    /** The PTX of the kernel. */
    public static String ptx(CudaTarget target, Precision p) {
        return PtxCompiler.ptx(ir(target, p), "tensor_core_gemm_" + p.text(), target);
    }
}
