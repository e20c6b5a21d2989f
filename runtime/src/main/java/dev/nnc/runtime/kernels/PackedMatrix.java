package dev.nnc.runtime.kernels;

/**
 * A matrix rearranged once, at model load, into the panel order the GEMM micro-kernel reads, so
 * the hot path streams it without repacking.
 *
 * <p>Two layouts, both padded to whole panels:
 * <ul>
 *   <li><b>B panels</b> ({@link Gemm#packB}): the right operand, {@code rows = k}, {@code cols = n},
 *       cut into column panels of {@link #NR} (the last one {@link #NR_HALF} wide when at most
 *       that many columns remain). Panel {@code j} starts at {@code j * NR * k}; inside it the
 *       panel's row {@code p} is {@code width} consecutive floats.</li>
 *   <li><b>A panels</b> ({@link Conv2d#packWeights}): the left operand, {@code rows = m},
 *       {@code cols = k}, cut into row panels of {@link #MR}. Panel {@code i} starts at
 *       {@code i * MR * k}; inside it column {@code p} holds the panel's {@code MR} rows. With
 *       several groups, group {@code g} starts at {@code g * groupStride}.</li>
 * </ul>
 * Padding is zero. Instances are immutable after construction and safe to share between threads.
 */
public final class PackedMatrix {
    /** Rows of the register tile (A-panel height). */
    static final int MR = 8;
    /** Columns of the register tile (B-panel width): two 16-float vectors. */
    static final int NR = 32;
    /** Width of a narrow last B panel. */
    static final int NR_HALF = 16;

    enum Layout { B_PANELS, A_PANELS }

    final Layout layout;
    final int rows;
    final int cols;
    final int groups;
    final int groupStride;
    final float[] data;

    private PackedMatrix(Layout layout, int rows, int cols, int groups, int groupStride) {
        this.layout = layout;
        this.rows = rows;
        this.cols = cols;
        this.groups = groups;
        this.groupStride = groupStride;
        this.data = new float[Math.multiplyExact(groups, groupStride)];
    }

    /** Rows of the logical matrix (k for a packed B operand, m per group for packed weights). */
    public int rows() {
        return rows;
    }

    /** Columns of the logical matrix (n for a packed B operand, k for packed weights). */
    public int cols() {
        return cols;
    }

    /** Independent matrices packed side by side (convolution groups); 1 for GEMM operands. */
    public int groups() {
        return groups;
    }

    @Override
    public String toString() {
        return "PackedMatrix[" + layout + ", " + (groups > 1 ? groups + " x " : "") + rows + " x " + cols + "]";
    }

    // ---- B panels -------------------------------------------------------------------------

    /** Size of the B-panel layout of a k x n matrix. */
    static int bPanelsSize(int k, int n) {
        return Math.multiplyExact(Math.multiplyExact(panelCount(n), NR), Math.max(k, 1));
    }

    static int panelCount(int n) {
        return (n + NR - 1) / NR;
    }

    /** Width of B panel starting at column {@code j0} of an {@code n}-column matrix. */
    static int panelWidth(int j0, int n) {
        return n - j0 <= NR_HALF ? NR_HALF : NR;
    }

    static PackedMatrix packB(float[] b, int bOff, int ldb, boolean transB, int k, int n) {
        PackedMatrix packed = new PackedMatrix(Layout.B_PANELS, k, n, 1, bPanelsSize(k, n));
        packBPanels(b, bOff, ldb, transB, 0, k, 0, n, packed.data, 0, k);
        return packed;
    }

    /**
     * Packs rows {@code [p0, p0 + kc)} and columns {@code [j0, j1)} of op(B) (j0 a panel
     * boundary) into B panels whose full height is {@code height}: panel {@code (j - j0) / NR}
     * starts at {@code dst + ((j - j0) / NR) * NR * height}, rows counted from {@code p0}.
     * Columns past {@code j1} inside the last panel are left as they are: the kernels compute
     * them into a scratch tile and drop them.
     */
    static void packBPanels(float[] b, int bOff, int ldb, boolean transB, int p0, int kc,
                            int j0, int j1, float[] dst, int dstOff, int height) {
        for (int j = j0; j < j1; j += NR) {
            int width = panelWidth(j, j1);
            int cols = Math.min(width, j1 - j);
            int panel = dstOff + ((j - j0) / NR) * NR * height;
            if (!transB) {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, bOff + (p0 + p) * ldb + j, dst, panel + p * width, cols);
                }
            } else {
                for (int jj = 0; jj < cols; jj++) {
                    int src = bOff + (j + jj) * ldb + p0;
                    int d = panel + jj;
                    for (int p = 0; p < kc; p++, d += width) {
                        dst[d] = b[src + p];
                    }
                }
            }
        }
    }

    // ---- A panels -------------------------------------------------------------------------

    static int aPanelsSize(int m, int k) {
        return Math.multiplyExact(Math.multiplyExact((m + MR - 1) / MR, MR), Math.max(k, 1));
    }

    static PackedMatrix packA(float[] w, int wOff, int m, int k, int groups) {
        int stride = aPanelsSize(m, k);
        PackedMatrix packed = new PackedMatrix(Layout.A_PANELS, m, k, groups, stride);
        for (int g = 0; g < groups; g++) {
            packAPanels(w, wOff + g * m * k, k, false, 0, m, 0, k, packed.data, g * stride, k);
        }
        return packed;
    }

    /**
     * Packs rows {@code [i0, i1)} and columns {@code [p0, p0 + kc)} of op(A) into A panels of full
     * width {@code width}: the panel holding row i starts at {@code dst + ((i - i0) / MR) * MR * width}.
     * Rows past {@code i1} in the last panel are zero.
     */
    static void packAPanels(float[] a, int aOff, int lda, boolean transA, int i0, int i1, int p0, int kc,
                            float[] dst, int dstOff, int width) {
        for (int i = i0; i < i1; i += MR) {
            int rows = Math.min(MR, i1 - i);
            int panel = dstOff + ((i - i0) / MR) * MR * width;
            if (!transA) {
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (i + r) * lda + p0;
                    int d = panel + r;
                    for (int p = 0; p < kc; p++, d += MR) {
                        dst[d] = a[src + p];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(a, aOff + (p0 + p) * lda + i, dst, panel + p * MR, rows);
                }
            }
            if (rows < MR) {
                for (int p = 0; p < kc; p++) {
                    java.util.Arrays.fill(dst, panel + p * MR + rows, panel + p * MR + MR, 0f);
                }
            }
        }
    }
}
