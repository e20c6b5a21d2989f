package dev.nnc.codegen.nativecode;

import dev.nnc.codegen.nativecode.RowLoop.Lanes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Work along the middle axis of {@code [outer, axis, inner]} with {@code inner > 1}, done
 * across the columns: a unit is one outer index and a block of {@link #VECTORS} vectors of
 * adjacent columns, whose per-column state (a sum, a max) stays in registers while the unit
 * walks the axis one row (stride {@code inner}) at a time, reading memory in order.
 */
final class ColumnBlocks {
    /** Vectors of columns per unit: enough independent work to hide latencies, few enough registers. */
    static final int VECTORS = 4;

    private ColumnBlocks() {}

    /** The number of units: outer times the column blocks of inner. */
    static String units(Simd v, String outer, String inner) {
        return v.f().let("mul i64 %s, %s", outer, blocks(v, inner));
    }

    /**
     * Runs {@code body} for each unit in {@code [from, to)} with its outer index and its
     * column vectors ({@link Lanes} indexed by column, masked at {@code inner}).
     */
    static void forEach(Simd v, String outer, String inner, String from, String to, BiConsumer<String, List<Lanes>> body) {
        FunctionWriter f = v.f();
        int width = VECTORS * v.lanes();
        Odometer.forEach(f, List.of(outer, blocks(v, inner)), from, to, at -> {
            String first = f.let("mul i64 %s, %d", at.get(1), width);
            List<Lanes> columns = new ArrayList<>();
            for (int u = 0; u < VECTORS; u++) {
                String column = f.let("add i64 %s, %d", first, u * v.lanes());
                columns.add(new Lanes(v, column, v.lanesBelow(column, inner)));
            }
            body.accept(at.get(0), columns);
        });
    }

    /** What a pass does to column vector {@code c} at one row of the axis (its element offset in the slab), given its running value. */
    interface Step {
        String apply(int c, String offset, String value);
    }

    /** Folds the rows of the axis into one running vector per column vector of {@code columns}, each starting at {@code init}. */
    static List<String> fold(Simd v, String axis, String inner, List<Lanes> columns, String init, Step step) {
        FunctionWriter f = v.f();
        List<String[]> carried = new ArrayList<>();
        for (Lanes ignored : columns) carried.add(new String[] {v.ops().type(), init});
        return f.loopCarrying("0", axis, "1", carried, (a, values) -> {
            String offset = f.let("mul i64 %s, %s", a, inner);
            List<String> next = new ArrayList<>();
            for (int c = 0; c < columns.size(); c++) next.add(step.apply(c, offset, values.get(c)));
            return next;
        });
    }

    private static String blocks(Simd v, String inner) {
        int width = VECTORS * v.lanes();
        return v.f().let("udiv i64 %s, %d", v.f().let("add i64 %s, %d", inner, width - 1), width);
    }
}
