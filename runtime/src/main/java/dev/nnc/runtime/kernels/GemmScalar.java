package dev.nnc.runtime.kernels;

/**
 * The scalar twin of {@link GemmVector}: the same contract with plain loops. It runs when the
 * Vector API is not loaded or {@code nnc.scalar=true}, and tests hold the vector path against it.
 * Large products still split their rows over {@link Parallel} (one small lambda per call: this is
 * the fallback, not the hot path).
 */
final class GemmScalar {
    private GemmScalar() {}

    static void matmul(float[] a, int aOff, int lda, boolean transA, float[] b, int bOff, int ldb, boolean transB,
                       float[] c, int cOff, int ldc, int m, int n, int k, float[] bias, int biasOff, boolean relu) {
        rows(m, (long) m * n * k, (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = cOff + i * ldc;
                initRow(c, row, n, bias, biasOff);
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    if (transB) {
                        for (int j = 0, bi = bOff + p; j < n; j++, bi += ldb) {
                            c[row + j] += aip * b[bi];
                        }
                    } else {
                        for (int j = 0, bi = bOff + p * ldb; j < n; j++, bi++) {
                            c[row + j] += aip * b[bi];
                        }
                    }
                }
                finishRow(c, row, n, relu);
            }
        });
    }

    static void matmul(float[] a, int aOff, int lda, boolean transA, PackedMatrix b,
                       float[] c, int cOff, int ldc, int m, float[] bias, int biasOff, boolean relu) {
        int n = b.cols;
        int k = b.rows;
        float[] data = b.data;
        rows(m, (long) m * n * k, (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = cOff + i * ldc;
                initRow(c, row, n, bias, biasOff);
                for (int j0 = 0; j0 < n; j0 += PackedMatrix.NR) {
                    int width = PackedMatrix.panelWidth(j0, n);
                    int cols = Math.min(width, n - j0);
                    int panel = j0 * k;
                    for (int p = 0; p < k; p++) {
                        float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                        int bi = panel + p * width;
                        for (int j = 0; j < cols; j++) {
                            c[row + j0 + j] += aip * data[bi + j];
                        }
                    }
                }
                finishRow(c, row, n, relu);
            }
        });
    }

    private static void rows(int m, long work, Parallel.RangeBody body) {
        if (work < Gemm.PARALLEL_MIN) {
            body.run(0, m);
        } else {
            Parallel.forBlocks(m, 1, body);
        }
    }

    static void initRow(float[] c, int row, int n, float[] bias, int biasOff) {
        if (bias == null) {
            java.util.Arrays.fill(c, row, row + n, 0f);
        } else {
            System.arraycopy(bias, biasOff, c, row, n);
        }
    }

    static void finishRow(float[] c, int row, int n, boolean relu) {
        if (relu) {
            for (int j = row; j < row + n; j++) {
                c[j] = Math.max(c[j], 0f);
            }
        }
    }
}
