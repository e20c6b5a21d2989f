package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A shared-memory tiled f32 GEMM {@code C[M, N] = A[M, K] B[K, N]}, the engine of matmul and
 * of convolution (as an implicit GEMM). A block of 256 threads computes a 64 x 64 tile of C:
 * for each step of 16 along K it stages a 64 x 16 slice of A and a 16 x 64 slice of B in
 * shared memory (zeros outside the matrices), then each thread accumulates a 4 x 4 register
 * tile with fused multiply-adds. Thread (tx, ty) owns rows {@code ty + 16 i} and columns
 * {@code tx + 16 j}: a warp reads one A value (a broadcast) and 16 consecutive B values per
 * step, without bank conflicts. The block's tile is (blockIdx.y, blockIdx.x); blockIdx.z is
 * left to the caller (a batch, a group).
 *
 * <p>Where operands come from and where results go is the caller's ({@link Operands}): the
 * same loop serves transposed operands, broadcast batches and convolution patches.
 */
final class GemmTiles {
    static final int TILE_M = 64, TILE_N = 64, TILE_K = 16, THREADS = 256;
    /** Register tile of one thread: 4 x 4. */
    static final int PER_THREAD = 4;
    private static final int SIDE = 16; // threads along each side of the tile: 16 x 16 = 256

    /** Element accessors; indices are i64 values inside the matrices. */
    interface Operands {
        String a(FunctionWriter f, String m, String k);

        String b(FunctionWriter f, String k, String n);

        void store(FunctionWriter f, String m, String n, String value);
    }

    private GemmTiles() {}

    /** The grid of a GEMM of these sizes: x over column tiles, y over row tiles, z over {@code depth}. */
    static Grid grid(dev.nnc.ir.Dim m, dev.nnc.ir.Dim n, dev.nnc.ir.Dim depth) {
        return new Grid(List.of(n, m, depth), List.of(TILE_N, TILE_M, 1), THREADS);
    }

    /**
     * Emits the tiled loop. {@code aAlongK}: consecutive k are adjacent in A's memory (else
     * consecutive m), so the staging loads walk memory in order; likewise {@code bAlongN}.
     */
    static void emit(FunctionWriter f, String name, String m, String n, String k, boolean aAlongK, boolean bAlongN, Operands ops) {
        int slice = TILE_K * TILE_M;
        String sharedA = Gpu.sharedArray(f, name + "_a", slice), sharedB = Gpu.sharedArray(f, name + "_b", slice);
        String tid = Gpu.tid(f);
        String tx = f.let("urem i64 %s, %d", tid, SIDE), ty = f.let("udiv i64 %s, %d", tid, SIDE);
        String row0 = f.let("mul i64 %s, %d", Gpu.block(f, 'y'), TILE_M);
        String col0 = f.let("mul i64 %s, %d", Gpu.block(f, 'x'), TILE_N);
        List<String[]> zeros = new ArrayList<>();
        for (int i = 0; i < PER_THREAD * PER_THREAD; i++) zeros.add(new String[] {"float", "0.0"});
        List<String> acc = f.loopCarrying("0", k, String.valueOf(TILE_K), zeros, (k0, sums) -> {
            stage(f, sharedA, tid, aAlongK, TILE_M, (tileM, tileK) -> {
                String gm = Gpu.add(f, row0, tileM), gk = Gpu.add(f, k0, tileK);
                return guarded(f, Gpu.and(f, Gpu.below(f, gm, m), Gpu.below(f, gk, k)), () -> ops.a(f, gm, gk));
            });
            stage(f, sharedB, tid, !bAlongN, TILE_N, (tileN, tileK) -> {
                String gn = Gpu.add(f, col0, tileN), gk = Gpu.add(f, k0, tileK);
                return guarded(f, Gpu.and(f, Gpu.below(f, gn, n), Gpu.below(f, gk, k)), () -> ops.b(f, gk, gn));
            });
            Gpu.barrier(f);
            List<String> next = new ArrayList<>(sums);
            for (int kk = 0; kk < TILE_K; kk++) {
                String[] a = new String[PER_THREAD], b = new String[PER_THREAD];
                for (int i = 0; i < PER_THREAD; i++) {
                    a[i] = Gpu.loadShared(f, Gpu.sharedAt(f, sharedA, slice, f.let("add i64 %s, %d", ty, kk * TILE_M + SIDE * i)));
                    b[i] = Gpu.loadShared(f, Gpu.sharedAt(f, sharedB, slice, f.let("add i64 %s, %d", tx, kk * TILE_N + SIDE * i)));
                }
                for (int i = 0; i < PER_THREAD; i++) {
                    for (int j = 0; j < PER_THREAD; j++) {
                        int at = i * PER_THREAD + j;
                        next.set(at, Gpu.fma(f, a[i], b[j], next.get(at)));
                    }
                }
            }
            // Everyone must be done reading the slices before the next step overwrites them.
            Gpu.barrier(f);
            return next;
        });
        for (int i = 0; i < PER_THREAD; i++) {
            String gm = f.let("add i64 %s, %s", row0, f.let("add i64 %s, %d", ty, SIDE * i));
            for (int j = 0; j < PER_THREAD; j++) {
                String gn = f.let("add i64 %s, %s", col0, f.let("add i64 %s, %d", tx, SIDE * j));
                String value = acc.get(i * PER_THREAD + j);
                f.ifThen(Gpu.and(f, Gpu.below(f, gm, m), Gpu.below(f, gn, n)), () -> ops.store(f, gm, gn, value));
            }
        }
    }

    /** Loads (row-or-column, k) pairs of a slice, k-major in shared memory ({@code [k][side]}). */
    private interface SliceElement {
        String value(String along, String tileK);
    }

    /**
     * Fills a {@code TILE_K x side} slice: element e of this thread's share is
     * {@code tid + 256 r}; {@code kFastest} makes consecutive threads take consecutive k.
     */
    private static void stage(FunctionWriter f, String shared, String tid, boolean kFastest, int side, SliceElement element) {
        int slice = TILE_K * side;
        for (int r = 0; r < slice / THREADS; r++) {
            String e = f.let("add i64 %s, %d", tid, r * THREADS);
            String along, tileK;
            if (kFastest) {
                tileK = f.let("urem i64 %s, %d", e, TILE_K);
                along = f.let("udiv i64 %s, %d", e, TILE_K);
            } else {
                along = f.let("urem i64 %s, %d", e, side);
                tileK = f.let("udiv i64 %s, %d", e, side);
            }
            String value = element.value(along, tileK);
            Gpu.storeShared(f, value, Gpu.sharedAt(f, shared, slice, f.let("add i64 %s, %s", along, f.let("mul i64 %s, %d", tileK, side))));
        }
    }

    /** {@code inside ? load() : 0}, the load emitted only on the inside branch. */
    static String guarded(FunctionWriter f, String inside, java.util.function.Supplier<String> load) {
        return f.ifElse(inside, "float", load, () -> "0.0");
    }
}
