package dev.nnc.codegen.nativecode;

/**
 * The GEMM's block sizes for one target: the register tile of the micro-kernel ({@code mr} rows
 * by {@code vectors} vectors of {@code lanes} floats) and the cache blocks around it.
 *
 * @param mr      rows of the register tile (A values broadcast per k step)
 * @param vectors vectors per row of the register tile (B loads per k step); a B panel is
 *                {@link #nr()} columns wide
 * @param mc      rows of C per work unit (a multiple of mr): its A rows stay in L2 while the
 *                unit's B panels pass over them
 * @param kc      the deepest k slice when operands are packed on the stack; with mc it bounds
 *                the stack a unit uses: an A block of mc x kc floats (64 KiB) and a B panel of
 *                kc x nr (48 KiB)
 */
record GemmBlocking(int lanes, int mr, int vectors, int mc, int kc) {

    /** Columns of a B panel. */
    int nr() { return vectors * lanes; }

    /**
     * 32 vector registers (AVX-512, NEON) hold an 8 x 3-vector tile: 24 accumulators, 3 B
     * vectors and a broadcast A value (measured on Zen 5 against 12 x 2, 14 x 2 and 6 x 4);
     * 16 registers (AVX2, SSE) hold 4 x 3.
     */
    static GemmBlocking forTarget(NativeTarget t) {
        int mr = !t.isX86() || t.lanes() >= 16 ? 8 : 4;
        return new GemmBlocking(t.lanes(), mr, 3, 64, 256);
    }
}
