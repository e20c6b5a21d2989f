package dev.nnc.runtime.kernels;

/**
 * Single-precision matrix multiply with a fused bias and ReLU epilogue: the kernel behind dense
 * layers, attention projections and (through {@link Conv2d}) convolutions.
 *
 * <p>{@code C[m x n] = op(A)[m x k] · op(B)[k x n] (+ bias[n] on every row) (then max(0, .))},
 * all row-major with leading dimensions; {@code op(X)} is X, or X transposed when the flag is set
 * (then A is stored k x m and B is stored n x k). C is overwritten and must not overlap A or B.
 *
 * <p>Weights that are the right operand of every call should be packed once with {@link #packB}
 * at load time. Runs on the Vector API when {@link VectorSupport#available()} and the machine has
 * 16-lane float vectors (AVX-512), otherwise on the scalar twin; both split large products over
 * {@link Parallel}. A call on the vector path allocates nothing once its thread's scratch has
 * grown to the problem size. Safe to call from several threads at once.
 */
public final class Gemm {
    /** The vector path needs 512-bit vectors: its tile is two 16-float vectors wide. */
    static final boolean VECTOR = VectorSupport.available() && VectorSupport.floatLanes() == 16;
    /** Below this many multiply-adds a product runs on the calling thread alone. */
    static final long PARALLEL_MIN = 1L << 20;

    private Gemm() {}

    /** {@code C = op(A) · op(B) (+ bias) (relu)}; see the class comment for the layout. */
    public static void matmul(float[] a, int aOff, int lda, boolean transA,
                              float[] b, int bOff, int ldb, boolean transB,
                              float[] c, int cOff, int ldc, int m, int n, int k,
                              float[] bias, int biasOff, boolean relu) {
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        checkMatrix("C", c, cOff, ldc, m, n);
        checkBias(bias, biasOff, n);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            fill(c, cOff, ldc, m, n, bias, biasOff, relu);
        } else if (VECTOR) {
            GemmVector.matmul(a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, m, n, k, bias, biasOff, relu);
        } else {
            GemmScalar.matmul(a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, m, n, k, bias, biasOff, relu);
        }
    }

    /**
     * {@code C_i = op(A_i) · op(B_i) (+ bias) (relu)} for i in [0, batch): the i-th matrices lie
     * {@code aStride}, {@code bStride} and {@code cStride} floats after the first (a stride of 0
     * shares one matrix). Small products run whole and in parallel, large ones one after another,
     * each split ({@link BatchedGemm}).
     */
    public static void batchedMatmul(float[] a, int aOff, int aStride, int lda, boolean transA,
                                     float[] b, int bOff, int bStride, int ldb, boolean transB,
                                     float[] c, int cOff, int cStride, int ldc, int batch, int m, int n, int k,
                                     float[] bias, int biasOff, boolean relu) {
        if (batch < 0 || aStride < 0 || bStride < 0 || cStride < 0) {
            throw new IllegalArgumentException("batch " + batch + " and strides " + aStride + ", " + bStride + ", " + cStride
                    + " must not be negative");
        }
        if (batch == 0) {
            return;
        }
        // Strides are not negative: the first and the last matrices bound the whole batch.
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        checkMatrix("C", c, cOff, ldc, m, n);
        long last = batch - 1L;
        checkMatrix("A", a, Math.toIntExact(aOff + last * aStride), lda, transA ? k : m, transA ? m : k);
        checkMatrix("B", b, Math.toIntExact(bOff + last * bStride), ldb, transB ? n : k, transB ? k : n);
        checkMatrix("C", c, Math.toIntExact(cOff + last * cStride), ldc, m, n);
        checkBias(bias, biasOff, n);
        BatchedGemm.run(a, aOff, aStride, lda, transA, b, bOff, bStride, ldb, transB, c, cOff, cStride, ldc,
                batch, m, n, k, bias, biasOff, relu);
    }

    /** Packs op(B) ([k x n]) for {@link #matmul(float[], int, int, boolean, PackedMatrix, float[], int, int, int, float[], int, boolean)}. */
    public static PackedMatrix packB(float[] b, int bOff, int ldb, boolean transB, int k, int n) {
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        return PackedMatrix.packB(b, bOff, ldb, transB, k, n);
    }

    /** {@code C = op(A) · B (+ bias) (relu)} with B from {@link #packB}; n and k come from it. */
    public static void matmul(float[] a, int aOff, int lda, boolean transA, PackedMatrix b,
                              float[] c, int cOff, int ldc, int m,
                              float[] bias, int biasOff, boolean relu) {
        if (b.layout != PackedMatrix.Layout.B_PANELS) {
            throw new IllegalArgumentException("matmul needs a matrix from Gemm.packB, got " + b);
        }
        int n = b.cols;
        int k = b.rows;
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("C", c, cOff, ldc, m, n);
        checkBias(bias, biasOff, n);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            fill(c, cOff, ldc, m, n, bias, biasOff, relu);
        } else if (VECTOR) {
            GemmVector.matmul(a, aOff, lda, transA, b, c, cOff, ldc, m, bias, biasOff, relu);
        } else {
            GemmScalar.matmul(a, aOff, lda, transA, b, c, cOff, ldc, m, bias, biasOff, relu);
        }
    }

    private static void fill(float[] c, int cOff, int ldc, int m, int n, float[] bias, int biasOff, boolean relu) {
        for (int i = 0; i < m; i++) {
            GemmScalar.initRow(c, cOff + i * ldc, n, bias, biasOff);
            GemmScalar.finishRow(c, cOff + i * ldc, n, relu);
        }
    }

    /** Checks that a rows x cols matrix at off with leading dimension ld lies inside the array. */
    static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(name + ": negative size " + rows + " x " + cols);
        }
        if (x == null) {
            throw new NullPointerException(name + " is null");
        }
        if (rows > 0 && ld < cols) {
            throw new IllegalArgumentException(name + ": leading dimension " + ld + " < " + cols + " columns");
        }
        long last = rows == 0 || cols == 0 ? off : (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > x.length) {
            throw new IndexOutOfBoundsException(name + ": " + rows + " x " + cols + " (ld " + ld + ") at offset "
                    + off + " does not fit in " + x.length + " floats");
        }
    }

    static void checkBias(float[] bias, int biasOff, int n) {
        if (bias != null && (biasOff < 0 || (long) biasOff + n > bias.length)) {
            throw new IndexOutOfBoundsException("bias: " + n + " floats at offset " + biasOff
                    + " do not fit in " + bias.length);
        }
    }
}
