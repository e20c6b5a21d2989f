package dev.nnc.optimizer.kernel;

import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.Space;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The use/def index of a list of run-time kernels: for each storage (space, name, offset, so
 * that every view of it counts), the kernels that write it and every read of it. Built once
 * from a snapshot; a pass that edits the kernel list builds a new one.
 */
final class BufUses {

    /** What a buf's elements live in, whatever shape the buf views them with. */
    record Storage(Space space, String name, Dim offset) {
        static Storage of(Buf b) { return new Storage(b.space(), b.name(), b.offset()); }
    }

    /** Kernel {@code kernel} reads {@code buf} (once per operand position). */
    record Read(int kernel, Buf buf) {}

    private final Map<Storage, List<Integer>> writers = new HashMap<>();
    private final Map<Storage, List<Read>> reads = new HashMap<>();

    BufUses(List<Kernel> kernels) {
        for (int i = 0; i < kernels.size(); i++) {
            Kernel k = kernels.get(i);
            for (Buf in : k.ins()) reads.computeIfAbsent(Storage.of(in), s -> new ArrayList<>()).add(new Read(i, in));
            writers.computeIfAbsent(Storage.of(k.out()), s -> new ArrayList<>()).add(i);
        }
    }

    /** Indices of the kernels writing {@code b}'s storage, in order. */
    List<Integer> writers(Buf b) { return writers.getOrDefault(Storage.of(b), List.of()); }

    /** Every read of {@code b}'s storage, views included, in kernel order. */
    List<Read> reads(Buf b) { return reads.getOrDefault(Storage.of(b), List.of()); }

    /**
     * Whether {@code b} is an intermediate that only kernel {@code writer} produces: an arena
     * storage (never a program output) written exactly once, by that kernel.
     */
    boolean producedOnlyBy(Buf b, int writer) {
        return b.space() == Space.ARENA && writers(b).equals(List.of(writer));
    }

    /** Whether every read of {@code b}'s storage is in kernel {@code reader} (and there is one). */
    boolean readOnlyBy(Buf b, int reader) {
        List<Read> r = reads(b);
        return !r.isEmpty() && r.stream().allMatch(x -> x.kernel() == reader);
    }

    /** Whether some kernel in {@code (from, to]} writes {@code b}'s storage: its value would change in between. */
    boolean writtenBetween(Buf b, int from, int to) {
        return writers(b).stream().anyMatch(w -> w > from && w <= to);
    }

    /** Whether {@code b} holds its value at kernel {@code at}: a weight or input, or written only before it. */
    boolean availableAt(Buf b, int at) {
        List<Integer> w = writers(b);
        if (b.space() == Space.INPUT || b.space() == Space.WEIGHT) return w.isEmpty();
        return w.size() == 1 && w.getFirst() < at;
    }
}
