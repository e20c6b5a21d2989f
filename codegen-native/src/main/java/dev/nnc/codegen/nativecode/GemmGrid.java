package dev.nnc.codegen.nativecode;

import dev.nnc.codegen.nativecode.GemmMicroKernel.ALayout;
import dev.nnc.ir.kernel.Kernel;

/**
 * The work units of one matmul and the code of a unit, with the sizes as IR values of the
 * function being written.
 *
 * <p>A unit is a tile of C: (batch index, block of rows, block of B panels), the column blocks
 * innermost so that a thread's consecutive units share rows of A. Columns are split only as far
 * as needed for about {@link #TARGET_UNITS} units (matrix-vector products get several).
 *
 * <p>Inside a unit, for each k slice: pack the unit's rows of A on the stack if A is transposed
 * (read in place, it would cost a cache line per k step), then for each B panel run the
 * micro-kernel down the rows. The B panel, which the rows reuse from L1/L2, comes from the
 * load-time packing (a weight), straight from B (an untransposed activation, when there are too
 * few rows to repay a copy), or from a copy on the stack. k is sliced only when something is
 * packed on the stack, or when a weight is too deep for its panel to stay in L2; later slices
 * add to the unit's C tile, which is still in cache.
 */
final class GemmGrid {
    /** Units to aim for when whole rows give fewer: enough to balance 2 to 4 threads. */
    private static final int TARGET_UNITS = 8;
    /**
     * A weight deeper than this is sliced along k: a whole panel (k x nr floats, over 1 MiB)
     * would leave L2 before the next block of mr rows reads it again, so every row block
     * streamed the weight from memory (catsdogs_cnn's first dense layer at batch 32: 4 x 76 MB).
     */
    private static final long DEEP_K = 5461;
    /** Slice depth of such a weight: a 1024 x nr slice (192 KiB at nr = 48) stays in L2 for all the unit's rows. */
    private static final int DEEP_KC = 1024;

    /** How the micro-kernel gets B's panels. */
    private enum BSource {
        /** A weight packed into panels at load time. */
        PACKED_AT_LOAD,
        /** An untransposed activation: its rows are k-major like a panel's, with a stride of n. */
        READ_IN_PLACE,
        /** An activation copied into a panel on the stack, a k slice at a time. */
        PACKED_AT_RUN_TIME
    }

    private final Kernel.MatMul kernel;
    private final GemmProblem problem;
    private final GemmBlocking blocking;
    private final KernelEnv env;
    private final FunctionWriter f;
    private final GemmPacking packing;
    private final GemmMicroKernel micro;
    private final BSource bSource;
    /** The epilogue needs whole rows: units span all columns and it runs on their rows. */
    private final boolean wholeRows;
    private final boolean packA;
    /** Rows of C per unit. */
    private final int mc;
    private final String m, n, k, mBlocks, nBlocks, nc, slices, kc;

    GemmGrid(Kernel.MatMul kernel, KernelEnv env, FunctionWriter f) {
        this.kernel = kernel;
        this.problem = GemmProblem.of(kernel);
        this.blocking = GemmBlocking.forTarget(env.target());
        this.env = env;
        this.f = f;
        this.packing = new GemmPacking(blocking);
        long knownRows = problem.m().known().orElse(Long.MAX_VALUE);
        if (problem.bPackedAtLoad()) bSource = BSource.PACKED_AT_LOAD;
        else if (!kernel.transB() && knownRows <= blocking.mr()) bSource = BSource.READ_IN_PLACE;
        else bSource = BSource.PACKED_AT_RUN_TIME;
        // A transposed A column is m floats apart from the next: beyond a vector's worth of rows, pack.
        packA = problem.aLayout() == ALayout.COLUMNS && knownRows > blocking.lanes();
        boolean deepWeight = bSource == BSource.PACKED_AT_LOAD && problem.k().known().orElse(0) > DEEP_K;
        boolean sliced = packA || bSource == BSource.PACKED_AT_RUN_TIME || deepWeight;
        // Stack-packed operands bound the slice by the stack they take; a weight packed at load only by L2.
        int sliceDepth = packA || bSource == BSource.PACKED_AT_RUN_TIME ? blocking.kc() : DEEP_KC;
        // Rows read in place while B is copied per unit: more rows share each copy, and a slice of them stays in L2.
        mc = bSource == BSource.PACKED_AT_RUN_TIME && !packA ? 4 * blocking.mc() : blocking.mc();
        Kernel.Epilogue e = kernel.epilogue();
        wholeRows = !e.isNone() && !e.isRelu();
        micro = new GemmMicroKernel(blocking, new GemmMicroKernel.Variant(packA ? ALayout.COLUMNS : problem.aLayout(),
                bSource == BSource.READ_IN_PLACE, kernel.bias() != null, e.isRelu()));

        m = env.dim(f, problem.m());
        n = env.dim(f, problem.n());
        k = env.dim(f, problem.k());
        mBlocks = GemmIr.ceilDiv(f, m, mc);
        String panels = GemmIr.max(f, "1", GemmIr.ceilDiv(f, n, blocking.nr()));
        String columnBlocks = "1";
        if (!wholeRows) {
            String rowUnits = GemmIr.max(f, "1", GemmIr.mul(f, env.dim(f, problem.batches()), mBlocks));
            columnBlocks = GemmIr.min(f, panels, GemmIr.ceilDiv(f, Integer.toString(TARGET_UNITS), rowUnits));
        }
        String panelsPerBlock = GemmIr.ceilDiv(f, panels, columnBlocks);
        nc = GemmIr.mul(f, panelsPerBlock, Integer.toString(blocking.nr()));
        nBlocks = GemmIr.ceilDiv(f, panels, panelsPerBlock);
        // Slices of equal depth, at most kc deep.
        slices = sliced ? GemmIr.max(f, "1", GemmIr.ceilDiv(f, k, sliceDepth)) : "1";
        kc = sliced ? GemmIr.ceilDiv(f, k, slices) : k;
    }

    /** Units in all. */
    String units() {
        return GemmIr.mul(f, env.dim(f, problem.batches()), GemmIr.mul(f, mBlocks, nBlocks));
    }

    /** Computes unit {@code unit}: its rows and columns of C, then the epilogue on its rows if one is left. */
    void unit(String unit) {
        String nb = f.let("urem i64 %s, %s", unit, nBlocks), rest = f.let("udiv i64 %s, %s", unit, nBlocks);
        String mb = f.let("urem i64 %s, %s", rest, mBlocks), batch = f.let("udiv i64 %s, %s", rest, mBlocks);
        String m0 = GemmIr.mul(f, mb, Integer.toString(mc));
        String m1 = GemmIr.min(f, m, GemmIr.add(f, m0, Integer.toString(mc)));
        String n0 = GemmIr.mul(f, nb, nc), n1 = GemmIr.min(f, n, GemmIr.add(f, n0, nc));
        String a = GemmIr.at(f, env.ptr(f, kernel.a()), GemmIr.mul(f, problem.matrixIndex(env, f, kernel.a(), batch), GemmIr.mul(f, m, k)));
        String firstRow = GemmIr.mul(f, batch, m);
        String c = GemmIr.at(f, env.ptr(f, kernel.out()), GemmIr.mul(f, firstRow, n));
        String b = bMatrix(batch);
        String aStack = packA ? f.alloca("float", (long) mc * blocking.kc(), 64) : null;
        String lastSlice = GemmIr.sub(f, slices, "1");
        f.loop("0", slices, 1, s -> {
            String k0 = GemmIr.mul(f, s, kc), depth = GemmIr.min(f, kc, GemmIr.sub(f, k, k0));
            Slice slice = new Slice(k0, depth, f.let("icmp eq i64 %s, 0", s), f.let("icmp eq i64 %s, %s", s, lastSlice));
            if (packA) packing.packTransposedA(f, aAt(a, m0, k0), m, GemmIr.sub(f, m1, m0), depth, aStack);
            f.loop(n0, n1, blocking.nr(), j -> {
                String cols = GemmIr.min(f, Integer.toString(blocking.nr()), GemmIr.sub(f, n1, j));
                panel(slice, a, aStack, b, GemmIr.at(f, c, j), j, cols, m0, m1);
            });
        });
        if (wholeRows) {
            Epilogues.applyInPlace(env, f, kernel.out(), kernel.epilogue(), GemmIr.add(f, firstRow, m0), GemmIr.add(f, firstRow, m1));
        }
    }

    /** A k slice: [k0, k0 + depth), and whether it is the first and the last (i1 values). */
    private record Slice(String k0, String depth, String first, String last) {}

    /** Where the micro-kernel reads a B panel's k slice, and its row stride. */
    private record BPanel(String start, String stride) {}

    /** The start of B's matrix for batch index {@code batch}: packed, or as stored. */
    private String bMatrix(String batch) {
        String index = problem.matrixIndex(env, f, kernel.b(), batch);
        if (bSource == BSource.PACKED_AT_LOAD) {
            return GemmIr.at(f, problem.packedB(env, f), GemmIr.mul(f, index, Long.toString(problem.packedMatrixFloats(env.lanes()))));
        }
        return GemmIr.at(f, env.ptr(f, kernel.b()), GemmIr.mul(f, index, GemmIr.mul(f, k, n)));
    }

    /** Columns [j, j + cols) of rows [m0, m1) of C (at cPanel) for one k slice. */
    private void panel(Slice s, String a, String aStack, String b, String cPanel, String j, String cols, String m0, String m1) {
        String vectors = GemmIr.ceilDiv(f, cols, blocking.lanes());
        String width = GemmIr.mul(f, vectors, Integer.toString(blocking.lanes()));
        String bias = kernel.bias() == null ? "null" : GemmIr.at(f, env.ptr(f, kernel.bias()), j);
        BPanel bPanel = bPanel(s, b, j, cols, width);
        f.loop(m0, m1, blocking.mr(), i -> {
            String rows = GemmIr.min(f, Integer.toString(blocking.mr()), GemmIr.sub(f, m1, i));
            String aBlock = packA ? GemmIr.at(f, aStack, GemmIr.mul(f, GemmIr.sub(f, i, m0), s.depth())) : aAt(a, i, s.k0());
            micro.call(f, rows, vectors, new GemmMicroKernel.Args(aBlock, packA ? Integer.toString(blocking.mr()) : aStride(),
                    bPanel.start(), bPanel.stride(), s.depth(), GemmIr.at(f, cPanel, GemmIr.mul(f, i, n)), n, cols, bias,
                    s.first(), s.last()));
        });
    }

    private BPanel bPanel(Slice s, String b, String j, String cols, String width) {
        return switch (bSource) {
            case PACKED_AT_LOAD -> new BPanel(GemmIr.at(f, b, GemmIr.add(f, GemmIr.mul(f, j, k), GemmIr.mul(f, s.k0(), width))), width);
            case READ_IN_PLACE -> new BPanel(GemmIr.at(f, b, GemmIr.add(f, GemmIr.mul(f, s.k0(), n), j)), n);
            case PACKED_AT_RUN_TIME -> {
                String stack = f.alloca("float", (long) blocking.kc() * blocking.nr(), 64);
                // Element (p, j) of op(B): b[p * sk + j * sn].
                String sk = kernel.transB() ? "1" : n, sn = kernel.transB() ? k : "1";
                String from = GemmIr.at(f, b, GemmIr.add(f, GemmIr.mul(f, s.k0(), sk), GemmIr.mul(f, j, sn)));
                packing.packPanel(f, from, sk, sn, s.depth(), cols, width, stack);
                yield new BPanel(stack, width);
            }
        };
    }

    /** Element (row, p) of op(A) in a's matrix. */
    private String aAt(String a, String row, String p) {
        return GemmIr.at(f, a, problem.aLayout() == ALayout.ROWS ? GemmIr.add(f, GemmIr.mul(f, row, k), p)
                : GemmIr.add(f, GemmIr.mul(f, p, m), row));
    }

    /** The stride of op(A) that is not 1: between rows, or between k steps when A is transposed. */
    private String aStride() {
        return problem.aLayout() == ALayout.ROWS ? k : m;
    }
}
