package dev.nnc.codegen.nativecode;

import java.util.ArrayList;
import java.util.List;

/**
 * The micro-kernel of the convolutions: a block of {@code rows x vectors} float vectors kept in
 * registers while {@code acc[r][v] += a(r, p) * b(p, v)} runs over the GEMM depth p, a(r, p)
 * broadcast from memory and b(p, v) a vector. Accumulators are listed row by row
 * ({@code r * vectors + v}).
 *
 * <p>A tile starts from the bias (first depth block) or from what an earlier depth block
 * stored, and ends with a masked store, after the ReLU when the last block asks for it: the
 * output is written once per depth block, and with one block (the usual case) it is never
 * read back.
 */
final class ConvRegisterTile {
    /** A per-cell IR value (pointer, mask or vector) of row r, vector v. */
    @FunctionalInterface
    interface Cells {
        String at(int row, int vector);
    }

    /** Pointer to a(r, p): the scalar broadcast along row r at depth step p. */
    @FunctionalInterface
    interface RowScalars {
        String at(String step, int row);
    }

    /** The vector b(p, v) at depth step p. */
    @FunctionalInterface
    interface StepVectors {
        String at(String step, int vector);
    }

    private final int rows, vectors;

    ConvRegisterTile(int rows, int vectors) {
        this.rows = rows;
        this.vectors = vectors;
    }

    int rows() { return rows; }

    int vectors() { return vectors; }

    /**
     * The most rows of a tile {@code vectors} wide that leave registers for the b vectors and
     * one broadcast: 12 of 32 (AVX-512, NEON) or 6 of 16 (AVX2) at two vectors.
     */
    static int maxRows(KernelEnv env, int vectors) {
        int registers = env.target().isX86() && env.lanes() < 16 ? 16 : 32;
        return Math.max(1, Math.min(12, (registers - vectors - 2) / vectors));
    }

    /**
     * The accumulators at the start of a depth block: {@code bias} (null: zero) when
     * {@code first} holds, else what the previous block stored at {@code out}.
     */
    List<String> begin(FunctionWriter f, KernelEnv env, String first, Cells bias, Cells out, Cells mask) {
        List<String> acc = new ArrayList<>(rows * vectors);
        for (int r = 0; r < rows; r++) {
            for (int v = 0; v < vectors; v++) {
                String initial = bias == null ? "zeroinitializer" : bias.at(r, v);
                if (!first.equals("true")) {
                    String stored = VectorOps.floats(f, env.lanes()).maskedLoad(out.at(r, v), mask.at(r, v));
                    initial = f.let("select i1 %s, %s %s, %s %s", first, env.vf(), initial, env.vf(), stored);
                }
                acc.add(initial);
            }
        }
        return acc;
    }

    /** Runs {@code steps} depth steps over the accumulators and returns them. */
    List<String> accumulate(FunctionWriter f, KernelEnv env, List<String> acc, String steps, RowScalars a, StepVectors b) {
        VectorOps ops = VectorOps.floats(f, env.lanes());
        List<String[]> carried = new ArrayList<>();
        for (String init : acc) carried.add(new String[] {env.vf(), init});
        return f.loopCarrying("0", steps, "1", carried, (p, current) -> {
            List<String> bs = new ArrayList<>(vectors);
            for (int v = 0; v < vectors; v++) bs.add(b.at(p, v));
            List<String> next = new ArrayList<>(current.size());
            for (int r = 0; r < rows; r++) {
                String scalar = f.let("load float, ptr %s, align 4", a.at(p, r));
                String broadcast = ops.splat(scalar);
                for (int v = 0; v < vectors; v++) {
                    next.add(ops.fma(broadcast, bs.get(v), current.get(r * vectors + v)));
                }
            }
            return next;
        });
    }

    /**
     * As {@link #end(FunctionWriter, KernelEnv, List, String, boolean, Cells, Cells)}, with the
     * masks of a whole tile when {@code whole} (an i1) holds, else those of a partial one. Whole
     * tiles' masks are usually all-true constants, so their stores are plain ones, which write a
     * large output much faster than masked stores (measured on Zen 5: 11 ms to 7 ms for the
     * first convolution of catsdogs_cnn at batch 32).
     */
    void end(FunctionWriter f, KernelEnv env, List<String> acc, String last, boolean relu, Cells out,
             String whole, Cells wholeMask, Cells partMask) {
        ConvIr.either(f, whole, () -> end(f, env, acc, last, relu, out, wholeMask), () -> end(f, env, acc, last, relu, out, partMask));
    }

    /** Stores the accumulators where {@code mask} allows, through a ReLU when {@code relu} and {@code last} (an i1) hold. */
    void end(FunctionWriter f, KernelEnv env, List<String> acc, String last, boolean relu, Cells out, Cells mask) {
        VectorOps ops = VectorOps.floats(f, env.lanes());
        for (int r = 0; r < rows; r++) {
            for (int v = 0; v < vectors; v++) {
                String value = acc.get(r * vectors + v);
                if (relu) {
                    // Keeps NaN, as the JVM's Math.max(v, 0f) does.
                    String clamped = ops.select(ops.lt(value, "zeroinitializer"), "zeroinitializer", value);
                    value = last.equals("true") ? clamped
                            : f.let("select i1 %s, %s %s, %s %s", last, env.vf(), clamped, env.vf(), value);
                }
                ops.maskedStore(value, out.at(r, v), mask.at(r, v));
            }
        }
    }
}
