package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GEMM against a naive triple loop in double, on the vector path, the scalar twin and the public
 * dispatcher, raw and with packed B.
 *
 * <p>Tolerance: {@code |c - ref| <= 1e-4 * (|ref| + 1) * sqrt(k) / 8} (at least {@code 1e-4 * (|ref| + 1)}):
 * float accumulation error grows with the square root of the depth, the inputs are in [-1, 1].
 */
class GemmTest {
    /** Each path, as a function of the full argument list. */
    enum Path { DISPATCH, VECTOR, SCALAR }

    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    static Stream<Arguments> shapes() {
        int[] sizes = {1, 3, 17, 31, 33, 65, 100, 257};
        List<int[]> shapes = new ArrayList<>();
        for (int s : sizes) {
            shapes.add(new int[] {s, s, s});
        }
        shapes.addAll(List.of(new int[] {1, 257, 3}, new int[] {257, 1, 17}, new int[] {3, 100, 65},
                new int[] {65, 33, 257}, new int[] {100, 31, 1}, new int[] {33, 65, 100}, new int[] {17, 257, 31},
                new int[] {9, 16, 5}, new int[] {8, 48, 7}, new int[] {130, 47, 129}));
        List<Arguments> args = new ArrayList<>();
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                args.add(Arguments.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
    @MethodSource("shapes")
    void matchesNaiveOnEveryPath(int m, int n, int k, boolean transA, boolean transB) {
        for (Path path : Path.values()) {
            check(path, m, n, k, transA, transB, false, false, false, false);
            check(path, m, n, k, transA, transB, false, false, false, true);
        }
    }

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
    @MethodSource("shapes")
    void paddedOffsetBiasReluAndPackedB(int m, int n, int k, boolean transA, boolean transB) {
        for (Path path : Path.values()) {
            check(path, m, n, k, transA, transB, true, true, false, false);
            check(path, m, n, k, transA, transB, true, false, true, true);
            check(path, m, n, k, transA, transB, true, true, true, true);
        }
    }

    @Test
    void deepProductsUseSeveralKSlicesAndColumnBlocks() {
        // k above the one-pass depth (4096) and n above one packed column block for that k.
        for (Path path : Path.values()) {
            check(path, 9, 500, 4500, false, false, true, true, false, false);
            check(path, 9, 500, 4500, false, false, true, true, false, true);
            check(path, 17, 40, 4500, true, true, true, false, true, false);
        }
    }

    @Test
    void oneAndTwoThreadsAgree() {
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (Path path : Path.values()) {
                check(path, 300, 260, 190, false, false, true, true, false, false);
                check(path, 300, 260, 190, true, false, true, true, true, true);
                check(path, 2, 1000, 600, false, true, true, false, true, false);
                // Rows in blocks chosen to split evenly over two threads (RowBlocks), not the deepest block.
                check(path, 1000, 40, 768, false, true, true, true, false, true);
            }
        }
    }

    @Test
    void zeroDepthGivesBiasAndEmptyShapesDoNothing() {
        float[] c = {9, 9, 9, 9, 9, 9};
        Gemm.matmul(new float[0], 0, 0, false, new float[0], 0, 3, false, c, 0, 3, 2, 3, 0,
                new float[] {1, -2, 3}, 0, true);
        assertEquals(List.of(1f, 0f, 3f, 1f, 0f, 3f), box(c));
        Gemm.matmul(new float[0], 0, 5, false, new float[15], 0, 3, false, c, 0, 3, 0, 3, 5, null, 0, false);
        assertEquals(List.of(1f, 0f, 3f, 1f, 0f, 3f), box(c));
        PackedMatrix empty = Gemm.packB(new float[0], 0, 4, false, 0, 4);
        float[] d = new float[8];
        java.util.Arrays.fill(d, 7);
        Gemm.matmul(new float[0], 0, 0, false, empty, d, 0, 4, 2, null, 0, false);
        assertEquals(List.of(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f), box(d));
    }

    @Test
    void rejectsOperandsThatDoNotFit() {
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = new float[4];
        assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.matmul(a, 1, 3, false, b, 0, 2, false, c, 0, 2, 2, 2, 3, null, 0, false));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.matmul(a, 0, 2, false, b, 0, 2, false, c, 0, 2, 2, 2, 3, null, 0, false));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.matmul(a, 0, 3, false, b, 0, 2, false, c, 0, 2, 2, 2, 3, new float[1], 0, false));
        PackedMatrix weights = Conv2d.packWeights(new float[8], 0, 2, 1, 2, 2, 1);
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.matmul(a, 0, 4, false, weights, c, 0, 2, 1, null, 0, false));
    }

    /**
     * Runs one product on one path and compares it with the naive reference; with {@code padded}
     * the operands sit at odd offsets inside larger arrays with leading dimensions wider than the
     * rows, and the cells of C outside the product must keep their sentinel value.
     */
    private static void check(Path path, int m, int n, int k, boolean transA, boolean transB,
                              boolean padded, boolean bias, boolean relu, boolean packed) {
        if (path == Path.VECTOR) {
            assumeTrue(Gemm.VECTOR, "Vector API path not available on this JVM");
        }
        SplittableRandom random = new SplittableRandom(31L * m + 7L * n + k + (bias ? 1 : 0));
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        int lda = aCols + (padded ? 3 : 0);
        int ldb = bCols + (padded ? 5 : 0);
        int ldc = n + (padded ? 2 : 0);
        int aOff = padded ? 7 : 0;
        int bOff = padded ? 11 : 0;
        int cOff = padded ? 13 : 0;
        int biasOff = padded ? 4 : 0;
        float[] a = random(random, aOff + aRows * lda + 3);
        float[] b = random(random, bOff + bRows * ldb + 3);
        float[] bv = bias ? random(random, biasOff + n + 2) : null;
        float sentinel = 12345f;
        float[] c = new float[cOff + m * ldc + 4];
        java.util.Arrays.fill(c, sentinel);

        switch (path) {
            case DISPATCH -> {
                if (packed) {
                    Gemm.matmul(a, aOff, lda, transA, Gemm.packB(b, bOff, ldb, transB, k, n), c, cOff, ldc, m,
                            bv, biasOff, relu);
                } else {
                    Gemm.matmul(a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, m, n, k, bv, biasOff, relu);
                }
            }
            case VECTOR -> {
                if (packed) {
                    GemmVector.matmul(a, aOff, lda, transA, PackedMatrix.packB(b, bOff, ldb, transB, k, n),
                            c, cOff, ldc, m, bv, biasOff, relu);
                } else {
                    GemmVector.matmul(a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, m, n, k,
                            bv, biasOff, relu);
                }
            }
            case SCALAR -> {
                if (packed) {
                    GemmScalar.matmul(a, aOff, lda, transA, PackedMatrix.packB(b, bOff, ldb, transB, k, n),
                            c, cOff, ldc, m, bv, biasOff, relu);
                } else {
                    GemmScalar.matmul(a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, m, n, k,
                            bv, biasOff, relu);
                }
            }
        }

        double scale = Math.max(1, Math.sqrt(k) / 8);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double ref = bias ? bv[biasOff + j] : 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double y = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    ref += x * y;
                }
                if (relu) {
                    ref = Math.max(ref, 0);
                }
                float got = c[cOff + i * ldc + j];
                if (!(Math.abs(got - ref) <= 1e-4 * (Math.abs(ref) + 1) * scale)) {
                    fail(path + (packed ? " packed" : "") + " " + m + "x" + n + "x" + k + " transA=" + transA
                            + " transB=" + transB + ": C[" + i + "][" + j + "] = " + got + ", expected " + ref);
                }
            }
        }
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - cOff;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside && c[idx] != sentinel) {
                fail(path + " wrote outside C at index " + idx);
            }
        }
    }

    static float[] random(SplittableRandom random, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return x;
    }

    private static List<Float> box(float[] x) {
        List<Float> list = new ArrayList<>();
        for (float v : x) {
            list.add(v);
        }
        return list;
    }
}
