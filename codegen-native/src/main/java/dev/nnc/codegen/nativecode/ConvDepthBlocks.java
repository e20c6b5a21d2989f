package dev.nnc.codegen.nativecode;

/**
 * How a group's input channels split into depth blocks: each block's patch panel (its channels
 * times the window's taps, per output pixel) must fit in a stack buffer. Most convolutions
 * have one block; a deep one accumulates block by block in its output.
 *
 * @param channels  input channels per group
 * @param taps      window positions (kernel height times width)
 * @param perBlock  channels per block (the last block may have fewer)
 */
record ConvDepthBlocks(int channels, int taps, int perBlock) {

    /** Blocks of at most {@code maxDepth} depth steps (at least one channel each). */
    static ConvDepthBlocks of(int channels, int taps, int maxDepth) {
        return new ConvDepthBlocks(channels, taps, Math.max(1, Math.min(channels, maxDepth / taps)));
    }

    int count() { return (channels + perBlock - 1) / perBlock; }

    /** Depth steps of the largest block. */
    int maxDepth() { return perBlock * taps; }

    /** What a depth block emits, given its first channel and channel count (i64 values) and whether it is the first and the last (i1 values). */
    @FunctionalInterface
    interface Block {
        void emit(String firstChannel, String channelCount, String first, String last);
    }

    /** Emits {@code block} for every depth block: straight-line code for a single block, else a loop. */
    void forEach(FunctionWriter f, Block block) {
        if (count() == 1) {
            block.emit("0", Integer.toString(channels), "true", "true");
            return;
        }
        f.loop("0", Integer.toString(count()), 1, b -> {
            String first = ConvIr.mul(f, b, Integer.toString(perBlock));
            String n = ConvIr.min(f, Integer.toString(perBlock), ConvIr.sub(f, Integer.toString(channels), first));
            block.emit(first, n, f.let("icmp eq i64 %s, 0", b), f.let("icmp eq i64 %s, %d", b, count() - 1));
        });
    }
}
