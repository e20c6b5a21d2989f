package dev.nnc.codegen.nativecode;

import java.util.ArrayList;
import java.util.List;

/**
 * Copies operands into the layouts the micro-kernel reads best, each copy an internal function
 * defined on first use.
 *
 * <p><b>B panels</b>: a panel of {@code width} columns (a whole number of vectors) stored
 * k-major, row p being {@code width} consecutive floats, columns past the matrix zero. A packed
 * matrix is its panels of {@link GemmBlocking#nr()} columns one after the other (the last one
 * narrower when fewer vectors remain), so the panel at column j starts at float {@code j * k}.
 * A transposed B is packed through {@link GemmIr#transpose}, a lanes x lanes block at a time.
 *
 * <p><b>A micro-panels</b> (for a transposed A, whose k steps are far apart): rows cut into
 * groups of {@link GemmBlocking#mr()}, each stored k-major with its rows adjacent, the group of
 * row r starting at float {@code (r - r % mr) * kc}: what the micro-kernel reads as
 * {@link GemmMicroKernel.ALayout#COLUMNS} with a stride of mr.
 */
final class GemmPacking {
    private final GemmBlocking blocking;
    private final int lanes;

    GemmPacking(GemmBlocking blocking) {
        this.blocking = blocking;
        this.lanes = blocking.lanes();
    }

    /** Floats of a packed k x n matrix. */
    static long packedSize(long k, long n, int lanes) {
        return k * ((n + lanes - 1) / lanes * lanes);
    }

    /**
     * Packs rows [0, kc) and columns [0, cols) of the matrix whose element (p, j) is
     * {@code src[p * sk + j * sn]} (sn = 1, or sk = 1 for a transposed B) into a panel of
     * {@code width} columns at {@code dst}.
     */
    void packPanel(FunctionWriter f, String src, String sk, String sn, String kc, String cols, String width, String dst) {
        String name = "nnc_gemm_pack_b_v" + lanes;
        f.module().helper(name, "define internal void @" + name
                + "(ptr %src, i64 %sk, i64 %sn, i64 %kc, i64 %cols, i64 %width, ptr %dst)", this::panelFunction);
        f.emit("call void @%s(ptr %s, i64 %s, i64 %s, i64 %s, i64 %s, i64 %s, ptr %s)", name, src, sk, sn, kc, cols, width, dst);
    }

    /** Packs all of a k x n matrix B (element (p, j) at {@code src[p * sk + j * sn]}) into panels at {@code dst}. */
    void packMatrix(FunctionWriter f, String src, String sk, String sn, String k, String n, String dst) {
        f.loop("0", n, blocking.nr(), j -> {
            String cols = GemmIr.min(f, Integer.toString(blocking.nr()), GemmIr.sub(f, n, j));
            packPanel(f, GemmIr.at(f, src, GemmIr.mul(f, j, sn)), sk, sn, k, cols, GemmIr.roundUp(f, cols, lanes),
                    GemmIr.at(f, dst, GemmIr.mul(f, j, k)));
        });
    }

    /** Packs rows [0, rows) and k [0, kc) of a transposed A (element (r, p) at {@code src[p * as + r]}) into micro-panels at {@code dst}. */
    void packTransposedA(FunctionWriter f, String src, String as, String rows, String kc, String dst) {
        String name = "nnc_gemm_pack_at_m" + blocking.mr();
        f.module().helper(name, "define internal void @" + name + "(ptr %src, i64 %as, i64 %rows, i64 %kc, ptr %dst)",
                this::transposedAFunction);
        f.emit("call void @%s(ptr %s, i64 %s, i64 %s, i64 %s, ptr %s)", name, src, as, rows, kc, dst);
    }

    private void panelFunction(FunctionWriter f) {
        VectorOps v = VectorOps.floats(f, lanes);
        String contiguous = f.newBlock("rows"), transposed = f.newBlock("columns"), done = f.newBlock("packed");
        f.condBr(f.let("icmp eq i64 %%sn, 1"), contiguous, transposed);
        f.begin(contiguous);
        // B's rows are contiguous: copy each row a vector at a time, the tail masked (zeros past the matrix).
        f.loop("0", "%kc", 1, p -> {
            String from = GemmIr.at(f, "%src", GemmIr.mul(f, p, "%sk"));
            String to = GemmIr.at(f, "%dst", GemmIr.mul(f, p, "%width"));
            f.loop("0", "%width", lanes, j -> {
                String mask = v.firstLanes(GemmIr.min(f, GemmIr.sub(f, "%cols", j), Integer.toString(lanes)));
                v.store(v.maskedLoad(GemmIr.at(f, from, j), mask), GemmIr.at(f, to, j));
            });
        });
        f.br(done);
        f.begin(transposed);
        // B is stored transposed (sk = 1): transpose lanes x lanes blocks, then the last k one float at a time.
        // Columns past the matrix read the last one and are zeroed.
        String lastColumn = GemmIr.sub(f, "%cols", "1");
        String blocked = f.let("and i64 %%kc, %d", -lanes);
        f.loop("0", "%width", lanes, c0 -> {
            List<String> sources = new ArrayList<>(), inside = new ArrayList<>();
            for (int j = 0; j < lanes; j++) {
                String column = GemmIr.add(f, c0, Integer.toString(j));
                sources.add(GemmIr.at(f, "%src", GemmIr.mul(f, GemmIr.min(f, column, lastColumn), "%sn")));
                inside.add(f.let("icmp slt i64 %s, %%cols", column));
            }
            f.loop("0", blocked, lanes, p0 -> {
                List<String> columns = new ArrayList<>();
                for (int j = 0; j < lanes; j++) {
                    String x = v.load(GemmIr.at(f, sources.get(j), p0));
                    columns.add(f.let("select i1 %s, %s %s, %s zeroinitializer", inside.get(j), v.type(), x, v.type()));
                }
                List<String> kRows = GemmIr.transpose(v, columns);
                for (int q = 0; q < lanes; q++) {
                    String to = GemmIr.add(f, GemmIr.mul(f, GemmIr.add(f, p0, Integer.toString(q)), "%width"), c0);
                    v.store(kRows.get(q), GemmIr.at(f, "%dst", to));
                }
            });
        });
        f.loop(blocked, "%kc", 1, p -> {
            String to = GemmIr.at(f, "%dst", GemmIr.mul(f, p, "%width"));
            f.loop("0", "%width", 1, j -> {
                String from = GemmIr.at(f, "%src", GemmIr.add(f, GemmIr.mul(f, GemmIr.min(f, j, lastColumn), "%sn"), p));
                String x = f.let("load float, ptr %s, align 4", from);
                String inside = f.let("icmp slt i64 %s, %%cols", j);
                f.emit("store float %s, ptr %s, align 4", f.let("select i1 %s, float %s, float 0.0", inside, x), GemmIr.at(f, to, j));
            });
        });
        f.br(done);
        f.begin(done);
    }

    /** Whole micro-panels copy mr adjacent floats per k step; the rows of a last partial one go one float at a time. */
    private void transposedAFunction(FunctionWriter f) {
        int mr = blocking.mr();
        String group = "<" + mr + " x float>";
        String whole = f.let("mul i64 %s, %d", f.let("udiv i64 %%rows, %d", mr), mr);
        f.loop("0", whole, mr, r0 -> {
            String panel = GemmIr.at(f, "%dst", GemmIr.mul(f, r0, "%kc"));
            f.loop("0", "%kc", 1, p -> {
                String x = f.let("load %s, ptr %s, align 4", group, GemmIr.at(f, "%src", GemmIr.add(f, GemmIr.mul(f, p, "%as"), r0)));
                f.emit("store %s %s, ptr %s, align 4", group, x, GemmIr.at(f, panel, GemmIr.mul(f, p, Integer.toString(mr))));
            });
        });
        f.loop(whole, "%rows", 1, r -> {
            String panel = GemmIr.at(f, "%dst", GemmIr.add(f, GemmIr.mul(f, whole, "%kc"), GemmIr.sub(f, r, whole)));
            f.loop("0", "%kc", 1, p -> {
                String x = f.let("load float, ptr %s, align 4", GemmIr.at(f, "%src", GemmIr.add(f, GemmIr.mul(f, p, "%as"), r)));
                f.emit("store float %s, ptr %s, align 4", x, GemmIr.at(f, panel, GemmIr.mul(f, p, Integer.toString(mr))));
            });
        });
    }
}
