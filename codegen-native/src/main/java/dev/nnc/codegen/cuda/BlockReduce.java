package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import java.util.function.BinaryOperator;

/**
 * A reduction across the threads of a block (for the rows of softmax and layer norm): each
 * warp combines its 32 values with butterfly shuffles, lane 0 of each warp leaves the warp's
 * result in shared memory, and after a barrier every thread combines those (in the same order,
 * so all threads get the same bits). A second barrier lets the next reduction reuse the memory.
 */
final class BlockReduce {
    private final FunctionWriter f;
    private final String shared;
    private final int warps;

    /** @param name a module-unique name for the block's shared scratch */
    BlockReduce(FunctionWriter f, String name, int threads) {
        this.f = f;
        this.warps = threads / 32;
        this.shared = Gpu.sharedArray(f, name, warps);
    }

    /** The combination of every thread's {@code value} by {@code op}, in every thread. */
    String reduce(String value, BinaryOperator<String> op) {
        String v = value;
        for (int mask = 16; mask >= 1; mask /= 2) v = op.apply(v, Gpu.shuffleXor(f, v, mask));
        String tid = Gpu.tid(f);
        String lane = f.let("and i64 %s, 31", tid), warp = f.let("lshr i64 %s, 5", tid);
        String warpResult = v;
        f.ifThen(f.let("icmp eq i64 %s, 0", lane), () -> Gpu.storeShared(f, warpResult, Gpu.sharedAt(f, shared, warps, warp)));
        Gpu.barrier(f);
        String total = Gpu.loadShared(f, Gpu.sharedAt(f, shared, warps, "0"));
        for (int w = 1; w < warps; w++) total = op.apply(total, Gpu.loadShared(f, Gpu.sharedAt(f, shared, warps, String.valueOf(w))));
        Gpu.barrier(f);
        return total;
    }

    static BinaryOperator<String> sum(FunctionWriter f) { return (a, b) -> f.let("fadd float %s, %s", a, b); }

    static BinaryOperator<String> max(FunctionWriter f) { return (a, b) -> Gpu.maximum(f, a, b); }
}
