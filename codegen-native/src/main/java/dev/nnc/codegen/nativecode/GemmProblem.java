package dev.nnc.codegen.nativecode;

import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.Space;
import java.util.List;

/**
 * A matmul kernel seen as a batch of GEMMs {@code C[m x n] = op(A)[m x k] . op(B)[k x n]}: the
 * sizes, where each operand's matrix of a batch index lies (batch dims broadcast as in numpy),
 * and where B's load-time panels live when B is a weight.
 *
 * <p>When B is one matrix for the whole batch and A is batched, untransposed and not broadcast,
 * the batch is folded into A's rows: one GEMM with {@code batch * m} rows, which gives small
 * per-example matrices (a sequence of a few tokens times a weight) full register tiles.
 *
 * @param batch the output's batch dims (empty when folded)
 * @param m     rows of C per batch index (times the batch when folded)
 */
record GemmProblem(Kernel.MatMul kernel, List<Dim> batch, Dim m, Dim n, Dim k) {
    private static final String PACKED_B = "packed_b";

    static GemmProblem of(Kernel.MatMul mm) {
        List<Dim> a = dims(mm.a()), out = dims(mm.out());
        int r = out.size();
        List<Dim> batch = out.subList(0, r - 2);
        Dim m = out.get(r - 2), n = out.get(r - 1);
        Dim k = mm.transA() ? a.get(a.size() - 2) : a.getLast();
        boolean fold = !batch.isEmpty() && !mm.transA() && isOne(batchDims(mm.b())) && batchDims(mm.a()).equals(batch);
        if (fold) return new GemmProblem(mm, List.of(), product(batch).times(m), n, k);
        return new GemmProblem(mm, List.copyOf(batch), m, n, k);
    }

    /** How A is stored: transposed A has each column's rows adjacent. */
    GemmMicroKernel.ALayout aLayout() {
        return kernel.transA() ? GemmMicroKernel.ALayout.COLUMNS : GemmMicroKernel.ALayout.ROWS;
    }

    /** B is a weight, final at load time: it is packed then, into {@link #packedB}. */
    boolean bPackedAtLoad() {
        Buf b = kernel.b();
        return b.space() == Space.WEIGHT && b.type().shape().isKnown();
    }

    /** GEMMs in the batch. */
    Dim batches() { return product(batch); }

    /** Matrices stored in B (its batch dims' product). */
    Dim bMatrices() { return product(batchDims(kernel.b())); }

    /** The workspace holding a weight B packed at load time, one packed matrix after another. */
    String packedB(KernelEnv env, FunctionWriter f) {
        long matrices = bMatrices().known().orElseThrow();
        return env.workspace(f, PACKED_B, Math.max(1, matrices * packedMatrixFloats(env.lanes())));
    }

    /** Floats of one packed matrix of a weight B. */
    long packedMatrixFloats(int lanes) {
        List<Dim> b = dims(kernel.b());
        long rows = b.get(b.size() - 2).known().orElseThrow(), cols = b.getLast().known().orElseThrow();
        return kernel.transB() ? GemmPacking.packedSize(cols, rows, lanes) : GemmPacking.packedSize(rows, cols, lanes);
    }

    /**
     * The index of {@code operand}'s matrix (A or B) used by batch index {@code index} of the
     * output: its batch dims aligned with the output's from the right, dims of size 1 broadcast.
     */
    String matrixIndex(KernelEnv env, FunctionWriter f, Buf operand, String index) {
        List<Dim> own = batchDims(operand);
        if (batch.isEmpty() || isOne(own)) return "0";
        if (own.equals(batch)) return index;
        String rest = index, matrix = "0", stride = "1";
        for (int d = batch.size() - 1; d >= 0; d--) {
            String size = env.dim(f, batch.get(d));
            String i = f.let("urem i64 %s, %s", rest, size);
            rest = f.let("udiv i64 %s, %s", rest, size);
            int od = d - (batch.size() - own.size());
            if (od < 0 || own.get(od).equals(Dim.of(1))) continue;
            String ownSize = env.dim(f, own.get(od));
            // A symbolic dim may be 1 at run time: then it broadcasts too.
            String ownIndex = own.get(od).equals(batch.get(d)) ? i : f.let("urem i64 %s, %s", i, ownSize);
            matrix = GemmIr.add(f, matrix, GemmIr.mul(f, ownIndex, stride));
            stride = GemmIr.mul(f, stride, ownSize);
        }
        return matrix;
    }

    private static List<Dim> dims(Buf b) { return b.type().shape().dims(); }

    private static List<Dim> batchDims(Buf b) {
        List<Dim> d = dims(b);
        return d.subList(0, d.size() - 2);
    }

    private static boolean isOne(List<Dim> dims) { return product(dims).equals(Dim.of(1)); }

    private static Dim product(List<Dim> dims) {
        Dim p = Dim.of(1);
        for (Dim d : dims) p = p.times(d);
        return p;
    }
}
