package dev.nnc.optimizer.kernel;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Offsets for buffers with known lifetimes, in one arena whose size may be symbolic. A
 * buffer's size is a coefficient times a monomial: the product of its known dims times the
 * product of its symbolic ones ({@code f32[B,32,26,26]} is 21632 x {@code B}). Buffers with
 * the same monomial share a pool planned in integer coefficients, greedy by size: largest
 * first, each at the lowest offset where it overlaps no placed buffer whose lifetime overlaps
 * its own. Coefficients round up to {@value #ALIGN} elements (64 bytes of f32). Pool k starts
 * where pool k-1 ends: pools of symbolic monomials first (by name), then the constant pool,
 * then one pool per buffer with a computed dim such as {@code S/2}, which is never shared.
 */
final class ArenaPools {
    private ArenaPools() {}

    static final int ALIGN = 16;

    /** A buffer to place: its shape (for its size) and the kernels [start, end] it is live over. */
    record Slot(String name, Shape shape, int start, int end) {
        boolean overlaps(Slot o) { return start <= o.end && o.start <= end; }
    }

    record Placed(Dim offset) {}

    /** Each slot's offset (by identity) and the arena size. */
    record Plan(Map<Slot, Placed> placed, Dim size) {}

    /** The monomial's symbols in name order (empty: a constant size), or null for a shape with a computed dim. */
    private static List<String> monomial(Shape s) {
        List<String> syms = new ArrayList<>();
        for (Dim d : s.dims()) {
            if (d instanceof Dim.Expr) return null;
            if (d instanceof Dim.Sym sym) syms.add(sym.name());
        }
        return syms.stream().sorted().toList();
    }

    private static long coefficient(Shape s) {
        long c = 1;
        for (Dim d : s.dims()) if (d instanceof Dim.Known k) c = Math.multiplyExact(c, k.value());
        return c;
    }

    /** Whether two shapes would take the same pool and the same space there (so one may take the other's place). */
    static boolean samePool(Shape a, Shape b) {
        List<String> ma = monomial(a), mb = monomial(b);
        if (ma == null || mb == null) return a.numel().equals(b.numel());
        return ma.equals(mb) && coefficient(a) == coefficient(b);
    }

    static Plan plan(List<Slot> slots) {
        Map<String, List<Slot>> symbolic = new TreeMap<>();
        List<Slot> constant = new ArrayList<>(), computed = new ArrayList<>();
        for (Slot s : slots) {
            List<String> m = monomial(s.shape());
            if (m == null) computed.add(s);
            else if (m.isEmpty()) constant.add(s);
            else symbolic.computeIfAbsent(String.join("*", m), k -> new ArrayList<>()).add(s);
        }
        Map<Slot, Placed> placed = new IdentityHashMap<>();
        Dim base = Dim.of(0);
        for (List<Slot> pool : symbolic.values()) base = pool(pool, monomial(pool.getFirst().shape()), base, placed);
        base = pool(constant, List.of(), base, placed);
        for (Slot s : computed) {
            placed.put(s, new Placed(base));
            base = base.plus(s.shape().numel());
        }
        return new Plan(placed, base);
    }

    /** Places one pool's slots after {@code base}; returns where the pool ends. */
    private static Dim pool(List<Slot> slots, List<String> monomial, Dim base, Map<Slot, Placed> placed) {
        if (slots.isEmpty()) return base;
        Dim unit = Dim.of(1);
        for (String s : monomial) unit = unit.times(Dim.sym(s));
        List<Slot> order = new ArrayList<>(slots);
        order.sort(Comparator.comparingLong((Slot s) -> -rounded(s)).thenComparingInt(Slot::start).thenComparing(Slot::name));
        List<long[]> taken = new ArrayList<>(); // offset, size, index into order
        long end = 0;
        for (int i = 0; i < order.size(); i++) {
            Slot s = order.get(i);
            long size = rounded(s), offset = 0;
            if (size > 0) {
                List<long[]> conflicts = new ArrayList<>();
                for (long[] t : taken) if (order.get((int) t[2]).overlaps(s)) conflicts.add(t);
                conflicts.sort(Comparator.comparingLong(t -> t[0]));
                for (long[] t : conflicts) {
                    if (offset + size <= t[0]) break;
                    offset = Math.max(offset, t[0] + t[1]);
                }
                taken.add(new long[] {offset, size, i});
                end = Math.max(end, offset + size);
            }
            placed.put(s, new Placed(base.plus(unit.times(Dim.of(offset)))));
        }
        return base.plus(unit.times(Dim.of(end)));
    }

    private static long rounded(Slot s) {
        long c = coefficient(s.shape());
        return (c + ALIGN - 1) / ALIGN * ALIGN;
    }
}
