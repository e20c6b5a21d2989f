package dev.nnc.optimizer.kernel;

import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.Space;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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

    /**
     * Whether distinct arena storages never share elements, as lowering leaves them; memory
     * planning makes storages with disjoint lifetimes share. Passes that move a read or a write
     * to another kernel rely on it, since they track values by storage name. Checked with the
     * i-th symbol bound to 5040 (i+1), which exact divisions of sizes divide; sizes that do not
     * evaluate count as shared.
     */
    static boolean separateSlots(List<Kernel> kernels) {
        Map<Storage, Buf> arena = new HashMap<>();
        Set<String> symbols = new TreeSet<>();
        for (Kernel k : kernels) {
            List<Buf> bufs = new ArrayList<>(k.ins());
            bufs.add(k.out());
            for (Buf b : bufs) {
                if (b.space() != Space.ARENA) continue;
                arena.putIfAbsent(Storage.of(b), b);
                symbols(b.offset(), symbols);
                for (Dim d : b.type().shape().dims()) symbols(d, symbols);
            }
        }
        Map<String, Long> binding = new HashMap<>();
        for (String s : symbols) binding.put(s, 5040L * (binding.size() + 1));
        List<long[]> spans = new ArrayList<>();
        try {
            for (Buf b : arena.values()) {
                long start = b.offset().eval(binding), size = b.type().shape().numel().eval(binding);
                if (size > 0) spans.add(new long[] {start, Math.addExact(start, size)});
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            return false;
        }
        spans.sort(Comparator.comparingLong(x -> x[0]));
        for (int i = 1; i < spans.size(); i++) if (spans.get(i)[0] < spans.get(i - 1)[1]) return false;
        return true;
    }

    private static void symbols(Dim d, Set<String> out) {
        switch (d) {
            case Dim.Known k -> { }
            case Dim.Sym s -> out.add(s.name());
            case Dim.Expr e -> {
                symbols(e.left(), out);
                symbols(e.right(), out);
            }
        }
    }

    /** Whether {@code b} holds its value at kernel {@code at}: a weight or input, or written only before it. */
    boolean availableAt(Buf b, int at) {
        List<Integer> w = writers(b);
        if (b.space() == Space.INPUT || b.space() == Space.WEIGHT) return w.isEmpty();
        return w.size() == 1 && w.getFirst() < at;
    }
}
