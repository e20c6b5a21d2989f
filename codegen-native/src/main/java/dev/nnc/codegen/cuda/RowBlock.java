package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.ir.Dim;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/** One block per row: its threads stride over the row's elements ({@code j = tid, tid + threads, ...}). */
final class RowBlock {
    private RowBlock() {}

    /** Threads per block for rows of {@code length}: a multiple of 32 up to 256, fewer for short known rows. */
    static int threads(Dim length) {
        if (!length.isKnown()) return 256;
        long n = length.known().getAsLong();
        return (int) Math.max(32, Math.min(256, (n + 31) / 32 * 32));
    }

    /** Folds this thread's elements: {@code step(acc, j)} gives the next float; returns this thread's partial result. */
    static String fold(FunctionWriter f, String length, int threads, String identity, BiFunction<String, String, String> step) {
        return f.loopCarrying(Gpu.tid(f), length, String.valueOf(threads), List.<String[]>of(new String[] {"float", identity}),
                (j, acc) -> List.of(step.apply(acc.getFirst(), j))).getFirst();
    }

    /** Runs {@code body(j)} for this thread's elements. */
    static void forEach(FunctionWriter f, String length, int threads, Consumer<String> body) {
        f.loop(Gpu.tid(f), length, threads, body);
    }
}
