package dev.nnc.codegen.nativecode;

import java.util.ArrayList;
import java.util.List;

/**
 * The register-blocked GEMM micro-kernel: {@code C[rows x cols] = A[rows x k] . B[k x cols]},
 * with the tile of C held in vector registers across the whole k loop, then the bias (or the
 * partial sums already in C) added, a relu applied and the tile stored. Per k step it loads one
 * row of B ({@code vectors} vectors) and broadcasts one value of A per row, doing
 * {@code rows x vectors} FMAs.
 *
 * <p>One internal function per shape (rows up to {@link GemmBlocking#mr()}, vectors up to
 * {@link GemmBlocking#vectors()}) and {@link Variant}, defined on first use; {@link #call}
 * picks the shape at run time. All take:
 * <pre>
 * (ptr %a, i64 %as, ptr %b, i64 %bs, i64 %k, ptr %c, i64 %ldc, i64 %cols, ptr %bias, i1 %first, i1 %last)
 * </pre>
 * A(r, p) is {@code a[r * as + p]} ({@link ALayout#ROWS}) or {@code a[p * as + r]}
 * ({@link ALayout#COLUMNS}); B(p, j) is {@code b[p * bs + j]}; C(r, j) is {@code c[r * ldc + j]}
 * for j below {@code cols}, which lies in the last vector. On the {@code first} slice of k, C is
 * overwritten (plus {@code bias[j]} in variants with a bias); on later slices the product is
 * added to C. The relu, in variants that have one, is applied on the {@code last} slice.
 *
 * <p>Small tiles (fewer than 8 accumulators) keep several sets of accumulators, used in turn
 * by consecutive k steps, so that the FMAs' latency is hidden; the sets are summed at the end.
 */
final class GemmMicroKernel {
    /** k steps per iteration of the main loop. */
    private static final int UNROLL = 4;
    /** Independent FMA chains needed to keep both FMA pipes busy (2 pipes x 4 cycles latency). */
    private static final int CHAINS = 8;

    /** How A is stored: each row's k values adjacent, or each column's rows adjacent. */
    enum ALayout { ROWS, COLUMNS }

    /**
     * What a family of micro-kernels does besides the shape.
     *
     * @param maskedB B's last vector may extend past the matrix (B read in place): load it masked
     * @param bias    add {@code bias[j]} on the first k slice
     * @param relu    clamp at zero on the last k slice
     */
    record Variant(ALayout a, boolean maskedB, boolean bias, boolean relu) {
        String name(int rows, int vectors, int lanes) {
            return "nnc_gemm_" + rows + "x" + vectors + "x" + lanes + "_" + a.name().toLowerCase(java.util.Locale.ROOT)
                    + (maskedB ? "_maskedb" : "") + (bias ? "_bias" : "") + (relu ? "_relu" : "");
        }
    }

    /** The IR values of one call; see the class comment. */
    record Args(String a, String as, String b, String bs, String k, String c, String ldc, String cols, String bias,
                String first, String last) {
        String text() {
            return "ptr %s, i64 %s, ptr %s, i64 %s, i64 %s, ptr %s, i64 %s, i64 %s, ptr %s, i1 %s, i1 %s"
                    .formatted(a, as, b, bs, k, c, ldc, cols, bias, first, last);
        }
    }

    private static final String PARAMS =
            "(ptr %a, i64 %as, ptr %b, i64 %bs, i64 %k, ptr %c, i64 %ldc, i64 %cols, ptr %bias, i1 %first, i1 %last)";

    private final GemmBlocking blocking;
    private final GemmIr ir;
    private final Variant variant;

    GemmMicroKernel(GemmBlocking blocking, Variant variant) {
        this.blocking = blocking;
        this.ir = new GemmIr(blocking.lanes());
        this.variant = variant;
    }

    /**
     * Calls the micro-kernel for a tile of {@code rows} (1..mr) by {@code vectors} (1..the
     * blocking's vectors) chosen at run time by a tree of branches.
     */
    void call(FunctionWriter f, String rows, String vectors, Args args) {
        int v = blocking.vectors();
        String shape = f.let("add i64 %s, %s", f.let("mul i64 %s, %d", f.let("sub i64 %s, 1", rows), v),
                f.let("sub i64 %s, 1", vectors));
        String done = f.newBlock("tiled");
        choose(f, shape, 0, blocking.mr() * v - 1, done, args);
        f.begin(done);
    }

    private void choose(FunctionWriter f, String shape, int lo, int hi, String done, Args args) {
        if (lo == hi) {
            int v = blocking.vectors();
            f.emit("call void %s(%s)", define(f.module(), lo / v + 1, lo % v + 1), args.text());
            f.br(done);
            return;
        }
        int mid = (lo + hi + 1) / 2;
        String low = f.newBlock("shape"), high = f.newBlock("shape");
        f.condBr(f.let("icmp slt i64 %s, %d", shape, mid), low, high);
        f.begin(low);
        choose(f, shape, lo, mid - 1, done, args);
        f.begin(high);
        choose(f, shape, mid, hi, done, args);
    }

    /** Defines the micro-kernel of one shape (once per module) and returns its name. */
    private String define(ModuleWriter m, int rows, int vectors) {
        String name = variant.name(rows, vectors, blocking.lanes());
        return m.helper(name, "define internal void @" + name + PARAMS + " noinline", f -> new Body(f, rows, vectors).emit());
    }

    /** The code of one micro-kernel. */
    private final class Body {
        final FunctionWriter f;
        final int rows, vectors, sets;
        final int lanes = blocking.lanes();
        String lastMask;
        final List<String> rowPointers = new ArrayList<>();

        Body(FunctionWriter f, int rows, int vectors) {
            this.f = f;
            this.rows = rows;
            this.vectors = vectors;
            int tile = rows * vectors;
            this.sets = tile >= CHAINS ? 1 : tile * 2 >= CHAINS ? 2 : 4;
        }

        void emit() {
            String lastCount = f.let("sub i64 %%cols, %d", (vectors - 1) * lanes);
            lastMask = ir.mask(f, lastCount);
            if (variant.a() == ALayout.ROWS) {
                for (int r = 0; r < rows; r++) rowPointers.add(GemmIr.at(f, "%a", GemmIr.mul(f, "%as", Integer.toString(r))));
            }
            List<String[]> zeros = new ArrayList<>();
            for (int i = 0; i < sets * rows * vectors; i++) zeros.add(new String[] {ir.vf(), "zeroinitializer"});
            String main = f.let("and i64 %%k, %d", -UNROLL);
            List<String> acc = f.loopCarrying("0", main, Integer.toString(UNROLL), zeros, (p, values) -> {
                List<String> next = new ArrayList<>(values);
                for (int u = 0; u < UNROLL; u++) {
                    step(u == 0 ? p : GemmIr.add(f, p, Integer.toString(u)), next, (u % sets) * rows * vectors);
                }
                return next;
            });
            int tile = rows * vectors;
            List<String[]> mainFirstSet = new ArrayList<>();
            for (int i = 0; i < tile; i++) mainFirstSet.add(new String[] {ir.vf(), acc.get(i)});
            List<String> sum = new ArrayList<>(f.loopCarrying(main, "%k", "1", mainFirstSet, (p, values) -> {
                List<String> next = new ArrayList<>(values);
                step(p, next, 0);
                return next;
            }));
            for (int s = 1; s < sets; s++) {
                for (int i = 0; i < tile; i++) sum.set(i, ir.fadd(f, sum.get(i), acc.get(s * tile + i)));
            }
            store(finish(sum));
        }

        /** One k step: FMAs into the accumulators of the set starting at {@code base}. */
        void step(String p, List<String> acc, int base) {
            String bRow = GemmIr.at(f, "%b", GemmIr.mul(f, p, "%bs"));
            List<String> b = new ArrayList<>();
            for (int v = 0; v < vectors; v++) {
                String ptr = v == 0 ? bRow : GemmIr.at(f, bRow, Integer.toString(v * lanes));
                boolean masked = variant.maskedB() && v == vectors - 1;
                b.add(ir.load(f, ptr, variant.maskedB() ? 4 : ir.vectorAlign(), masked ? lastMask : null));
            }
            String column = variant.a() == ALayout.COLUMNS ? GemmIr.at(f, "%a", GemmIr.mul(f, p, "%as")) : null;
            for (int r = 0; r < rows; r++) {
                String ptr = column != null ? GemmIr.at(f, column, Integer.toString(r)) : GemmIr.at(f, rowPointers.get(r), p);
                String a = ir.broadcast(f, ptr);
                for (int v = 0; v < vectors; v++) {
                    int i = base + r * vectors + v;
                    acc.set(i, ir.fma(f, a, b.get(v), acc.get(i)));
                }
            }
        }

        /** Adds the bias (first k slice) or C's partial sums (later slices), then the relu on the last slice. */
        List<String> finish(List<String> sum) {
            List<String> added = GemmIr.ifElse(f, "%first", ir.vf(), () -> {
                if (!variant.bias()) return sum;
                List<String> bias = new ArrayList<>();
                for (int v = 0; v < vectors; v++) bias.add(ir.load(f, GemmIr.at(f, "%bias", Integer.toString(v * lanes)), 4, mask(v)));
                List<String> out = new ArrayList<>();
                for (int i = 0; i < sum.size(); i++) out.add(ir.fadd(f, sum.get(i), bias.get(i % vectors)));
                return out;
            }, () -> {
                List<String> out = new ArrayList<>();
                for (int r = 0; r < rows; r++) {
                    for (int v = 0; v < vectors; v++) {
                        out.add(ir.fadd(f, sum.get(r * vectors + v), ir.load(f, c(r, v), 4, mask(v))));
                    }
                }
                return out;
            });
            if (!variant.relu()) return added;
            List<String> out = new ArrayList<>();
            for (String x : added) out.add(f.let("select i1 %%last, %s %s, %s %s", ir.vf(), ir.relu(f, x), ir.vf(), x));
            return out;
        }

        void store(List<String> values) {
            for (int r = 0; r < rows; r++) {
                for (int v = 0; v < vectors; v++) ir.store(f, values.get(r * vectors + v), c(r, v), 4, mask(v));
            }
        }

        String c(int r, int v) {
            return GemmIr.at(f, "%c", GemmIr.add(f, GemmIr.mul(f, "%ldc", Integer.toString(r)), Integer.toString(v * lanes)));
        }

        String mask(int v) { return v == vectors - 1 ? lastMask : null; }
    }
}
