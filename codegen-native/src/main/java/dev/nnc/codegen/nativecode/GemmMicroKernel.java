package dev.nnc.codegen.nativecode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The register-blocked GEMM micro-kernel: {@code C[rows x cols] = A[rows x k] . B[k x cols]},
 * the tile of C held in vector registers through the whole k loop, then the bias (or the partial
 * sums already in C) added, a relu applied and the tile stored. Per k step it loads one row of B
 * ({@code vectors} vectors) and broadcasts one value of A per row, for {@code rows x vectors}
 * FMAs; the k loop is unrolled 4 times.
 *
 * <p>One internal function per shape (rows up to {@link GemmBlocking#mr()}, vectors up to
 * {@link GemmBlocking#vectors()}) and {@link Variant}, defined on first use and shared by the
 * module's kernels; {@link #call} picks the shape at run time. All take:
 * <pre>
 * (ptr %a, i64 %as, ptr %b, i64 %bs, i64 %k, ptr %c, i64 %ldc, i64 %cols, ptr %bias, i1 %first, i1 %last)
 * </pre>
 * A(r, p) is {@code a[r * as + p]} ({@link ALayout#ROWS}) or {@code a[p * as + r]}
 * ({@link ALayout#COLUMNS}); B(p, j) is {@code b[p * bs + j]}; C(r, j) is {@code c[r * ldc + j]}
 * for j below {@code cols}, which ends in the last vector. On the {@code first} k slice C is
 * overwritten (plus {@code bias[j]} in variants with a bias); on later slices the product is
 * added to C. The relu, in variants that have one, is applied on the {@code last} slice.
 *
 * <p>Tiles of fewer than 8 accumulators (the rows of a matrix-vector product) keep several sets
 * of them, used in turn by consecutive k steps so that the FMAs' latency is hidden; the sets
 * are summed at the end.
 */
final class GemmMicroKernel {
    /** k steps per iteration of the main loop. */
    private static final int UNROLL = 4;
    /** Independent FMA chains that keep both FMA pipes busy (2 pipes x 4 cycles of latency). */
    private static final int CHAINS = 8;

    /** How A is stored: each row's k values adjacent, or each column's rows adjacent. */
    enum ALayout { ROWS, COLUMNS }

    /**
     * What a family of micro-kernels does besides the shape.
     *
     * @param maskedB B's last vector may reach past the matrix (B read in place): load it masked
     * @param bias    add {@code bias[j]} on the first k slice
     * @param relu    clamp at zero on the last k slice
     */
    record Variant(ALayout a, boolean maskedB, boolean bias, boolean relu) {
        String name(int rows, int vectors, int lanes) {
            return "nnc_gemm_" + rows + "x" + vectors + "x" + lanes + "_" + a.name().toLowerCase(Locale.ROOT)
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
    private final Variant variant;

    GemmMicroKernel(GemmBlocking blocking, Variant variant) {
        this.blocking = blocking;
        this.variant = variant;
    }

    /** Calls the micro-kernel for a tile of {@code rows} (1..mr) by {@code vectors} (1..the blocking's), chosen by a tree of branches. */
    void call(FunctionWriter f, String rows, String vectors, Args args) {
        int v = blocking.vectors();
        String shape = GemmIr.add(f, GemmIr.mul(f, GemmIr.sub(f, rows, "1"), Integer.toString(v)), GemmIr.sub(f, vectors, "1"));
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

    /**
     * Defines the micro-kernel of one shape (once per module) and returns its name. Not inlined:
     * one copy serves every call site, and LLVM still propagates strides that are the same at all
     * of them.
     */
    private String define(ModuleWriter m, int rows, int vectors) {
        String name = variant.name(rows, vectors, blocking.lanes());
        return m.helper(name, "define internal void @" + name + PARAMS + " noinline", f -> new Body(f, rows, vectors).emit());
    }

    /** The code of one micro-kernel. */
    private final class Body {
        final FunctionWriter f;
        final VectorOps v;
        final int rows, vectors, tile, sets, lanes;
        final List<String> rowPointers = new ArrayList<>();
        String lastMask;

        Body(FunctionWriter f, int rows, int vectors) {
            this.f = f;
            this.lanes = blocking.lanes();
            this.v = VectorOps.floats(f, lanes);
            this.rows = rows;
            this.vectors = vectors;
            this.tile = rows * vectors;
            this.sets = tile >= CHAINS ? 1 : tile * 2 >= CHAINS ? 2 : 4;
        }

        void emit() {
            lastMask = v.firstLanes(f.let("sub i64 %%cols, %d", (vectors - 1) * lanes));
            if (variant.a() == ALayout.ROWS) {
                for (int r = 0; r < rows; r++) rowPointers.add(GemmIr.at(f, "%a", GemmIr.mul(f, "%as", Integer.toString(r))));
            }
            List<String[]> zeros = new ArrayList<>();
            for (int i = 0; i < sets * tile; i++) zeros.add(new String[] {v.type(), "zeroinitializer"});
            String unrolled = f.let("and i64 %%k, %d", -UNROLL);
            List<String> acc = f.loopCarrying("0", unrolled, Integer.toString(UNROLL), zeros, (p, values) -> {
                List<String> next = new ArrayList<>(values);
                for (int u = 0; u < UNROLL; u++) step(u == 0 ? p : GemmIr.add(f, p, Integer.toString(u)), next, (u % sets) * tile);
                return next;
            });
            // The last k steps go to the first set, which then gathers the others.
            List<String[]> firstSet = new ArrayList<>();
            for (int i = 0; i < tile; i++) firstSet.add(new String[] {v.type(), acc.get(i)});
            List<String> sum = new ArrayList<>(f.loopCarrying(unrolled, "%k", "1", firstSet, (p, values) -> {
                List<String> next = new ArrayList<>(values);
                step(p, next, 0);
                return next;
            }));
            for (int s = 1; s < sets; s++) {
                for (int i = 0; i < tile; i++) sum.set(i, v.add(sum.get(i), acc.get(s * tile + i)));
            }
            List<String> out = finish(sum);
            for (int i = 0; i < tile; i++) GemmIr.store(v, out.get(i), c(i), mask(i));
        }

        /** One k step: FMAs into the accumulators of the set starting at {@code base}. */
        void step(String p, List<String> acc, int base) {
            String bRow = GemmIr.at(f, "%b", GemmIr.mul(f, p, "%bs"));
            List<String> b = new ArrayList<>();
            for (int j = 0; j < vectors; j++) {
                String ptr = GemmIr.at(f, bRow, Integer.toString(j * lanes));
                b.add(GemmIr.load(v, ptr, variant.maskedB() ? mask(j) : null));
            }
            String column = variant.a() == ALayout.COLUMNS ? GemmIr.at(f, "%a", GemmIr.mul(f, p, "%as")) : null;
            for (int r = 0; r < rows; r++) {
                String a = GemmIr.broadcast(v, column != null ? GemmIr.at(f, column, Integer.toString(r)) : GemmIr.at(f, rowPointers.get(r), p));
                for (int j = 0; j < vectors; j++) {
                    int i = base + r * vectors + j;
                    acc.set(i, v.fma(a, b.get(j), acc.get(i)));
                }
            }
        }

        /** Adds the bias (first k slice) or C's partial sums (later slices), then the relu on the last slice. */
        List<String> finish(List<String> sum) {
            List<String> added = GemmIr.ifElse(f, "%first", v.type(), () -> {
                if (!variant.bias()) return sum;
                List<String> bias = new ArrayList<>(), out = new ArrayList<>();
                for (int j = 0; j < vectors; j++) bias.add(GemmIr.load(v, GemmIr.at(f, "%bias", Integer.toString(j * lanes)), mask(j)));
                for (int i = 0; i < tile; i++) out.add(v.add(sum.get(i), bias.get(i % vectors)));
                return out;
            }, () -> {
                List<String> out = new ArrayList<>();
                for (int i = 0; i < tile; i++) out.add(v.add(sum.get(i), GemmIr.load(v, c(i), mask(i))));
                return out;
            });
            if (!variant.relu()) return added;
            List<String> out = new ArrayList<>();
            for (String x : added) out.add(f.let("select i1 %%last, %s %s, %s %s", v.type(), v.maximum(x, v.c(0)), v.type(), x));
            return out;
        }

        /** Where accumulator {@code i} (row-major in the tile) goes in C. */
        String c(int i) {
            String offset = GemmIr.add(f, GemmIr.mul(f, "%ldc", Integer.toString(i / vectors)), Integer.toString(i % vectors * lanes));
            return GemmIr.at(f, "%c", offset);
        }

        /** The lanes of accumulator or B vector {@code i} inside the tile's columns: all but in the last vector. */
        String mask(int i) { return i % vectors == vectors - 1 ? lastMask : null; }
    }
}
