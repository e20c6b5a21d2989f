package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Gemm#batchedMatmul}: every product of the batch against the naive reference, on one and two threads. */
class BatchedGemmTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    @Test
    void smallProductsRunWholeAndLargeOnesSplitAlike() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            // Attention-like small products (one task each), then a product above BatchedGemm.WHOLE_PRODUCT_MAX.
            check(rng, 5, 33, 20, 17, false, false, true, true, true, true);
            check(rng, 4, 24, 19, 9, true, true, false, false, true, false);
            check(rng, 2, 300, 260, 230, false, true, true, true, true, true);
            assertTrue(300L * 260 * 230 > BatchedGemm.WHOLE_PRODUCT_MAX);
        }
    }

    @Test
    void aStrideOfZeroSharesOneMatrix() {
        SplittableRandom rng = new SplittableRandom(12);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            check(rng, 3, 9, 40, 12, false, false, false, true, true, false);
            check(rng, 3, 9, 40, 12, false, true, true, false, false, true);
        }
    }

    @Test
    void rejectsABatchThatDoesNotFit() {
        float[] a = new float[2 * 6], b = new float[2 * 6], c = new float[2 * 4];
        Gemm.batchedMatmul(a, 0, 6, 3, false, b, 0, 6, 2, false, c, 0, 4, 2, 2, 2, 2, 3, null, 0, false);
        assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.batchedMatmul(a, 0, 6, 3, false, b, 0, 6, 2, false, c, 0, 4, 2, 3, 2, 2, 3, null, 0, false));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.batchedMatmul(a, 0, -6, 3, false, b, 0, 6, 2, false, c, 0, 4, 2, 2, 2, 2, 3, null, 0, false));
    }

    /**
     * One batched call with operands at odd offsets and padded leading dimensions; a batched
     * operand's matrices lie one after another with a gap, a shared one has stride 0. Cells of C
     * between the products keep their sentinel.
     */
    private static void check(SplittableRandom rng, int batch, int m, int n, int k, boolean transA, boolean transB,
                              boolean aBatched, boolean bBatched, boolean bias, boolean relu) {
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + 2, ldb = bCols + 3, ldc = n + 1;
        int aStride = aBatched ? aRows * lda + 5 : 0, bStride = bBatched ? bRows * ldb + 4 : 0, cStride = m * ldc + 3;
        int aOff = 3, bOff = 6, cOff = 2;
        float[] a = random(rng, aOff + batch * Math.max(aStride, aRows * lda));
        float[] b = random(rng, bOff + batch * Math.max(bStride, bRows * ldb));
        float[] bv = bias ? random(rng, n + 1) : null;
        float[] c = new float[cOff + batch * cStride];
        Arrays.fill(c, 777f);
        Gemm.batchedMatmul(a, aOff, aStride, lda, transA, b, bOff, bStride, ldb, transB, c, cOff, cStride, ldc,
                batch, m, n, k, bv, 1, relu);
        boolean[] written = new boolean[c.length];
        for (int q = 0; q < batch; q++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double ref = bias ? bv[1 + j] : 0;
                    for (int p = 0; p < k; p++) {
                        int ai = aOff + q * aStride + (transA ? p * lda + i : i * lda + p);
                        int bi = bOff + q * bStride + (transB ? j * ldb + p : p * ldb + j);
                        ref += (double) a[ai] * b[bi];
                    }
                    if (relu) ref = Math.max(ref, 0);
                    int ci = cOff + q * cStride + i * ldc + j;
                    written[ci] = true;
                    assertEquals(ref, c[ci], 1e-4 * (Math.abs(ref) + 1),
                            "product " + q + " (" + i + ", " + j + ") of " + batch + " x " + m + "x" + n + "x" + k);
                }
            }
        }
        for (int i = 0; i < c.length; i++) {
            if (!written[i]) assertEquals(777f, c[i], "cell " + i + " outside the products");
        }
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }
}
