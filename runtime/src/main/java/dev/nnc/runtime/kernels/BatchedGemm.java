package dev.nnc.runtime.kernels;

import java.util.function.IntConsumer;

/**
 * A batch of GEMMs ({@link Gemm#batchedMatmul}). Small products (attention's 128 x 128 x 64 per
 * head) run whole, one per task, spread over the pool: split one by one, each would pay a
 * thread hand-off for a few microseconds of work and pack its B on a second one. Large products
 * run one after another, each split over the pool. The call's parameters live in a per-thread
 * job, so a call allocates nothing.
 */
final class BatchedGemm implements IntConsumer {
    /** Up to this many multiply-adds a product of the batch is one task. */
    static final long WHOLE_PRODUCT_MAX = 16 * Gemm.PARALLEL_MIN;

    private static final ThreadLocal<BatchedGemm> JOBS = ThreadLocal.withInitial(BatchedGemm::new);

    private float[] a, b, c, bias;
    private int aOff, aStride, lda, bOff, bStride, ldb, cOff, cStride, ldc, m, n, k, biasOff;
    private boolean transA, transB, relu;

    private BatchedGemm() {}

    static void run(float[] a, int aOff, int aStride, int lda, boolean transA,
                    float[] b, int bOff, int bStride, int ldb, boolean transB,
                    float[] c, int cOff, int cStride, int ldc, int batch, int m, int n, int k,
                    float[] bias, int biasOff, boolean relu) {
        BatchedGemm job = JOBS.get();
        job.a = a;
        job.aOff = aOff;
        job.aStride = aStride;
        job.lda = lda;
        job.transA = transA;
        job.b = b;
        job.bOff = bOff;
        job.bStride = bStride;
        job.ldb = ldb;
        job.transB = transB;
        job.c = c;
        job.cOff = cOff;
        job.cStride = cStride;
        job.ldc = ldc;
        job.m = m;
        job.n = n;
        job.k = k;
        job.bias = bias;
        job.biasOff = biasOff;
        job.relu = relu;
        try {
            if (batch >= Parallel.threads() && (long) m * n * k <= WHOLE_PRODUCT_MAX) {
                Parallel.forRange(batch, job);
            } else {
                for (int i = 0; i < batch; i++) job.accept(i);
            }
        } finally {
            job.a = job.b = job.c = job.bias = null;
        }
    }

    /** Product {@code i} of the batch. */
    @Override
    public void accept(int i) {
        Gemm.matmul(a, aOff + i * aStride, lda, transA, b, bOff + i * bStride, ldb, transB,
                c, cOff + i * cStride, ldc, m, n, k, bias, biasOff, relu);
    }
}
