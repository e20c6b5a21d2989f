package dev.nnc.codegen.nativecode;

import java.util.ArrayList;
import java.util.List;

/**
 * Copies the operands into the layouts the micro-kernel reads best, each copy an internal
 * function defined on first use.
 *
 * <p><b>B panels</b>: a panel of {@code width} columns (a whole number of vectors) stored k-major,
 * row p being {@code width} consecutive floats, columns past the matrix zero. A packed matrix is
 * its panels of {@link GemmBlocking#nr()} columns one after the other (the last one narrower
 * when fewer vectors remain), so the panel at column j starts at float {@code j * k}.
 *
 * <p><b>A micro-panels</b>: rows cut into groups of {@link GemmBlocking#mr()}, each stored
 * k-major with its rows adjacent ({@link GemmMicroKernel.ALayout#COLUMNS} with a stride of mr),
 * the group of row r starting at float {@code (r - r % mr) * kc}.
 *
 * <p>Transposing copies (B stored transposed, A untransposed) go through {@link GemmIr#transpose}
 * a square or mr x lanes block at a time; the ragged edges are copied one float at a time.
 */
final class GemmPacking {
    private final GemmBlocking blocking;
    private final GemmIr ir;
    private final int lanes;

    GemmPacking(GemmBlocking blocking) {
        this.blocking = blocking;
        this.lanes = blocking.lanes();
        this.ir = new GemmIr(lanes);
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

    /**
     * Packs rows [0, rows) and k [0, kc) of A into micro-panels at {@code dst}; element (r, p)
     * is {@code src[r * as + p]} ({@link GemmMicroKernel.ALayout#ROWS}) or {@code src[p * as + r]}.
     */
    void packA(FunctionWriter f, GemmMicroKernel.ALayout layout, String src, String as, String rows, String kc, String dst) {
        String name = "nnc_gemm_pack_a_" + layout.name().toLowerCase(java.util.Locale.ROOT) + "_m" + blocking.mr() + "_v" + lanes;
        f.module().helper(name, "define internal void @" + name + "(ptr %src, i64 %as, i64 %rows, i64 %kc, ptr %dst)",
                g -> new APacker(g, layout).emit());
        f.emit("call void @%s(ptr %s, i64 %s, i64 %s, i64 %s, ptr %s)", name, src, as, rows, kc, dst);
    }

    private void panelFunction(FunctionWriter f) {
        String contiguous = f.newBlock("rows"), transposed = f.newBlock("columns"), done = f.newBlock("packed");
        f.condBr(f.let("icmp eq i64 %%sn, 1"), contiguous, transposed);
        f.begin(contiguous);
        // B's rows are contiguous: copy each row a vector at a time, the tail masked (zeros past the matrix).
        f.loop("0", "%kc", 1, p -> {
            String from = GemmIr.at(f, "%src", GemmIr.mul(f, p, "%sk"));
            String to = GemmIr.at(f, "%dst", GemmIr.mul(f, p, "%width"));
            f.loop("0", "%width", lanes, j -> {
                String mask = ir.mask(f, GemmIr.sub(f, "%cols", j));
                ir.store(f, ir.load(f, GemmIr.at(f, from, j), 4, mask), GemmIr.at(f, to, j), ir.vectorAlign(), null);
            });
        });
        f.br(done);
        f.begin(transposed);
        // B is stored transposed (sk = 1): transpose lanes x lanes blocks; columns past the matrix read the last one, zeroed.
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
                List<String> rows = new ArrayList<>();
                for (int j = 0; j < lanes; j++) {
                    String v = ir.load(f, GemmIr.at(f, sources.get(j), p0), 4, null);
                    rows.add(f.let("select i1 %s, %s %s, %s zeroinitializer", inside.get(j), ir.vf(), v, ir.vf()));
                }
                List<String> kRows = ir.transpose(f, rows);
                for (int q = 0; q < lanes; q++) {
                    String to = GemmIr.add(f, GemmIr.mul(f, GemmIr.add(f, p0, Integer.toString(q)), "%width"), c0);
                    ir.store(f, kRows.get(q), GemmIr.at(f, "%dst", to), ir.vectorAlign(), null);
                }
            });
        });
        f.loop(blocked, "%kc", 1, p -> {
            String to = GemmIr.at(f, "%dst", GemmIr.mul(f, p, "%width"));
            f.loop("0", "%width", 1, j -> {
                String x = f.let("load float, ptr %s, align 4", GemmIr.at(f, "%src", GemmIr.add(f, GemmIr.mul(f, GemmIr.min(f, j, lastColumn), "%sn"), p)));
                String inside = f.let("icmp slt i64 %s, %%cols", j);
                f.emit("store float %s, ptr %s, align 4", f.let("select i1 %s, float %s, float 0.0", inside, x), GemmIr.at(f, to, j));
            });
        });
        f.br(done);
        f.begin(done);
    }

    /** The code of one A packing function: whole micro-panels by vectors, the last partial one a float at a time. */
    private final class APacker {
        final FunctionWriter f;
        final GemmMicroKernel.ALayout layout;
        final int mr = blocking.mr();

        APacker(FunctionWriter f, GemmMicroKernel.ALayout layout) {
            this.f = f;
            this.layout = layout;
        }

        void emit() {
            boolean rows = layout == GemmMicroKernel.ALayout.ROWS;
            String whole = "0";
            if (!rows || ir.canTranspose(mr)) {
                whole = f.let("mul i64 %s, %d", f.let("udiv i64 %%rows, %d", mr), mr);
                f.loop("0", whole, mr, r0 -> {
                    String panel = GemmIr.at(f, "%dst", GemmIr.mul(f, r0, "%kc"));
                    if (rows) transposed(r0, panel);
                    else copied(r0, panel);
                });
            }
            oneByOne(whole);
        }

        /** A's rows are contiguous: transpose mr x lanes blocks, then the last k one by one. */
        void transposed(String r0, String panel) {
            List<String> sources = new ArrayList<>();
            for (int r = 0; r < mr; r++) sources.add(GemmIr.at(f, "%src", GemmIr.mul(f, GemmIr.add(f, r0, Integer.toString(r)), "%as")));
            String blocked = f.let("and i64 %%kc, %d", -lanes);
            f.loop("0", blocked, lanes, p0 -> {
                List<String> rowVectors = new ArrayList<>();
                for (String s : sources) rowVectors.add(ir.load(f, GemmIr.at(f, s, p0), 4, null));
                List<String> columns = ir.transpose(f, rowVectors);
                String to = GemmIr.mul(f, p0, Integer.toString(mr));
                for (int q = 0; q < columns.size(); q++) {
                    ir.store(f, columns.get(q), GemmIr.at(f, panel, GemmIr.add(f, to, Integer.toString(q * lanes))), 4, null);
                }
            });
            f.loop(blocked, "%kc", 1, p -> {
                String to = GemmIr.mul(f, p, Integer.toString(mr));
                for (int r = 0; r < mr; r++) {
                    String x = f.let("load float, ptr %s, align 4", GemmIr.at(f, sources.get(r), p));
                    f.emit("store float %s, ptr %s, align 4", x, GemmIr.at(f, panel, GemmIr.add(f, to, Integer.toString(r))));
                }
            });
        }

        /** A is stored transposed: each k's mr rows are already adjacent. */
        void copied(String r0, String panel) {
            String vt = "<" + mr + " x float>";
            f.loop("0", "%kc", 1, p -> {
                String x = f.let("load %s, ptr %s, align 4", vt, GemmIr.at(f, "%src", GemmIr.add(f, GemmIr.mul(f, p, "%as"), r0)));
                f.emit("store %s %s, ptr %s, align 4", vt, x, GemmIr.at(f, panel, GemmIr.mul(f, p, Integer.toString(mr))));
            });
        }

        /** Rows [from, rows) a float at a time. */
        void oneByOne(String from) {
            f.loop(from, "%rows", 1, r -> {
                String within = f.let("urem i64 %s, %d", r, mr);
                String panel = GemmIr.at(f, "%dst", GemmIr.add(f, GemmIr.mul(f, GemmIr.sub(f, r, within), "%kc"), within));
                f.loop("0", "%kc", 1, p -> {
                    String at = layout == GemmMicroKernel.ALayout.ROWS ? GemmIr.add(f, GemmIr.mul(f, r, "%as"), p)
                            : GemmIr.add(f, GemmIr.mul(f, p, "%as"), r);
                    String x = f.let("load float, ptr %s, align 4", GemmIr.at(f, "%src", at));
                    f.emit("store float %s, ptr %s, align 4", x, GemmIr.at(f, panel, GemmIr.mul(f, p, Integer.toString(mr))));
                });
            });
        }
    }
}
