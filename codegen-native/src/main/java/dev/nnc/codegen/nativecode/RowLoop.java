package dev.nnc.codegen.nativecode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Vector loops along a contiguous row of {@code n} floats: whole vectors, then one masked
 * vector for the elements past the last whole one (left out when n is a known multiple of
 * the vector width). The body sees each position as {@link Lanes}.
 */
final class RowLoop {
    /** Vectors per iteration of a reduction's main loop, each with its own accumulators (hides the add latency). */
    static final int UNROLL = 4;

    private RowLoop() {}

    /** One vector of the row: its first element and the mask of lanes inside the row (null: all of them). */
    record Lanes(Simd simd, String index, String mask) {
        /** The row's elements here, starting from element 0 at {@code row}; lanes outside the row read as 0. */
        String load(String row) { return simd.load(row, index, mask); }

        /** Writes the lanes inside the row. */
        void store(String value, String row) { simd.store(value, row, index, mask); }

        /** {@code v} in the lanes inside the row, {@code outside} elsewhere. */
        String keep(String v, String outside) { return mask == null ? v : simd.ops().select(mask, v, outside); }
    }

    /**
     * A vector accumulated along a row: {@code identity} stands in for lanes outside the row,
     * {@code combine} merges an accumulator with a new contribution (and partial accumulators with each other).
     */
    record Accumulator(String identity, BinaryOperator<String> combine) {
        /** A sum. Its identity is -0.0, not 0.0: x + -0.0 is x for every x, so adding it folds away. */
        static Accumulator sum(VectorOps o) { return new Accumulator(o.c(-0.0), o::add); }

        /** A maximum that propagates NaN, as Java's {@code Math.max}. */
        static Accumulator max(VectorOps o) { return new Accumulator(o.c(Double.NEGATIVE_INFINITY), o::maximum); }

        /**
         * A maximum as the x86 max instruction computes it ({@code a > b ? a : b}, one instruction
         * where {@link #max} takes several): a NaN may be dropped, and -0 and +0 tie. For uses
         * where a NaN spoils the result anyway.
         */
        static Accumulator fastMax(VectorOps o) {
            return new Accumulator(o.c(Double.NEGATIVE_INFINITY), (a, b) -> o.select(o.gt(a, b), a, b));
        }
    }

    /** Runs {@code body} on every vector of the row. */
    static void forEach(Simd v, String n, Consumer<Lanes> body) {
        FunctionWriter f = v.f();
        String whole = roundDown(f, n, v.lanes());
        f.loop("0", whole, v.lanes(), i -> body.accept(new Lanes(v, i, null)));
        if (hasTail(n, v.lanes())) body.accept(new Lanes(v, whole, v.lanesBelow(whole, n)));
    }

    /**
     * Folds the row into accumulators: {@code step} returns one contribution per accumulator
     * for a vector of the row. Returns the accumulators (still vectors: the caller reduces the lanes).
     */
    static List<String> reduce(Simd v, String n, List<Accumulator> accs, Function<Lanes, List<String>> step) {
        FunctionWriter f = v.f();
        int l = v.lanes();
        String unrolled = roundDown(f, n, l * UNROLL);
        List<String[]> copies = new ArrayList<>();
        for (int u = 0; u < UNROLL; u++) for (Accumulator a : accs) copies.add(new String[] {v.ops().type(), a.identity()});
        List<String> partial = f.loopCarrying("0", unrolled, String.valueOf(l * UNROLL), copies, (i, values) -> {
            List<String> next = new ArrayList<>();
            for (int u = 0; u < UNROLL; u++) {
                String index = u == 0 ? i : f.let("add i64 %s, %d", i, u * l);
                next.addAll(combine(accs, copy(values, u, accs.size()), step.apply(new Lanes(v, index, null))));
            }
            return next;
        });
        List<String> merged = copy(partial, 0, accs.size());
        for (int u = 1; u < UNROLL; u++) merged = combine(accs, merged, copy(partial, u, accs.size()));

        String whole = roundDown(f, n, l);
        List<String[]> carried = new ArrayList<>();
        for (String m : merged) carried.add(new String[] {v.ops().type(), m});
        List<String> result = f.loopCarrying(unrolled, whole, String.valueOf(l), carried,
                (i, values) -> combine(accs, values, step.apply(new Lanes(v, i, null))));
        if (!hasTail(n, l)) return result;
        Lanes tail = new Lanes(v, whole, v.lanesBelow(whole, n));
        List<String> contributions = step.apply(tail);
        List<String> kept = new ArrayList<>();
        for (int k = 0; k < accs.size(); k++) kept.add(tail.keep(contributions.get(k), accs.get(k).identity()));
        return combine(accs, result, kept);
    }

    /** Copy {@code u} of the accumulators in a list of {@code UNROLL} copies of {@code size} each. */
    private static List<String> copy(List<String> copies, int u, int size) {
        return copies.subList(u * size, (u + 1) * size);
    }

    private static List<String> combine(List<Accumulator> accs, List<String> values, List<String> contributions) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < accs.size(); k++) out.add(accs.get(k).combine().apply(values.get(k), contributions.get(k)));
        return out;
    }

    /** {@code n} rounded down to a multiple of {@code m} (a power of two). */
    private static String roundDown(FunctionWriter f, String n, int m) {
        if (isLiteral(n)) return String.valueOf(Long.parseLong(n) / m * m);
        return f.let("and i64 %s, %d", n, -m);
    }

    /** Whether the row may end inside a vector: false only for a known multiple of the width. */
    private static boolean hasTail(String n, int lanes) {
        return !isLiteral(n) || Long.parseLong(n) % lanes != 0;
    }

    private static boolean isLiteral(String n) {
        return !n.startsWith("%");
    }
}
