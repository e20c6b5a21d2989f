package dev.nnc.codegen.nativecode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Walks work units {@code [from, to)} as multi-indices over {@code sizes} (row-major, the
 * last index fastest): the first unit is decomposed with divisions, the next ones are
 * reached by incrementing with carries, so a unit costs a few adds and selects instead of
 * a division per dim.
 */
final class Odometer {
    private Odometer() {}

    /** Runs {@code body} with the indices (i64 values, one per size) of each unit in {@code [from, to)}. */
    static void forEach(FunctionWriter f, List<String> sizes, String from, String to, Consumer<List<String>> body) {
        int n = sizes.size();
        if (n == 1) {
            f.loop(from, to, 1, i -> body.accept(List.of(i)));
            return;
        }
        List<String[]> start = new ArrayList<>();
        String rest = from;
        String[] first = new String[n];
        for (int d = n - 1; d > 0; d--) {
            first[d] = f.let("urem i64 %s, %s", rest, sizes.get(d));
            rest = f.let("udiv i64 %s, %s", rest, sizes.get(d));
        }
        first[0] = rest;
        for (String s : first) start.add(new String[] {"i64", s});
        f.loopCarrying(from, to, "1", start, (unit, indices) -> {
            body.accept(indices);
            return next(f, sizes, indices);
        });
    }

    /** The indices one unit further on. */
    private static List<String> next(FunctionWriter f, List<String> sizes, List<String> indices) {
        int n = sizes.size();
        String[] next = new String[n];
        String carry = "true";
        for (int d = n - 1; d >= 0; d--) {
            String bumped = f.let("add i64 %s, %s", indices.get(d), f.let("zext i1 %s to i64", carry));
            if (d == 0) {
                next[d] = bumped;
                break;
            }
            carry = f.let("icmp eq i64 %s, %s", bumped, sizes.get(d));
            next[d] = f.let("select i1 %s, i64 0, i64 %s", carry, bumped);
        }
        return List.of(next);
    }
}
