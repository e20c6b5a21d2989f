package dev.nnc.codegen.nativecode;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConcatCodegenTest {
    /** Lengths along the axis of the inputs of each case: 2, 3 and 4 inputs, odd lengths. */
    private static final int[][] LENGTHS = {{3, 17}, {1, 15, 33}, {5, 1, 2, 3}};

    @Test
    void everyAxisOfInputs() {
        long seed = 0;
        for (int axis = 1; axis < 4; axis++) {
            for (int[] lengths : LENGTHS) check(axis, lengths, false, seed++);
        }
    }

    @Test
    void weightsAmongTheInputs() {
        long seed = 100;
        for (int axis = 1; axis < 4; axis++) {
            for (int[] lengths : LENGTHS) check(axis, lengths, true, seed++);
        }
    }

    @Test
    void alongTheFirstAxisOfConstantShapes() {
        String kir = """
                kernels Concat {
                  input a : f32[3,300]
                  weight w : f32[17,300]
                  input c : f32[1,300]
                  output y : f32[21,300]
                  arena 0
                  concat(in:a : f32[3,300], w:w : f32[17,300], in:c : f32[1,300]) -> out:y : f32[21,300] {axis=0}
                }
                """;
        Differential.check(kir, 1, 200);
        String symbolic = """
                kernels Concat {
                  input a : f32[B,33]
                  weight w : f32[3,33]
                  output y : f32[B+3,33]
                  arena 0
                  concat(in:a : f32[B,33], w:w : f32[3,33]) -> out:y : f32[B+3,33] {axis=0}
                }
                """;
        for (int batch : new int[] {1, 3}) Differential.check(symbolic, batch, 201);
    }

    /**
     * Joins inputs of shape [B,4,6,5] with dim {@code axis} set to each length, along axis,
     * with batch 1 and 3; with {@code weights}, the batch is 2 and every other input is a weight.
     */
    private static void check(int axis, int[] lengths, boolean weights, long seed) {
        StringBuilder decls = new StringBuilder(), operands = new StringBuilder();
        int total = 0;
        for (int i = 0; i < lengths.length; i++) {
            boolean weight = weights && i % 2 == 1;
            String type = shape(weights ? "2" : "B", axis, lengths[i]);
            decls.append(weight ? "  weight x" : "  input x").append(i).append(" : ").append(type).append('\n');
            operands.append(i == 0 ? "" : ", ").append(weight ? "w:x" : "in:x").append(i).append(" : ").append(type);
            total += lengths[i];
        }
        String y = shape(weights ? "2" : "B", axis, total);
        String kir = """
                kernels Concat {
                %1$s  output y : %2$s
                  arena 0
                  concat(%3$s) -> out:y : %2$s {axis=%4$d}
                }
                """.formatted(decls, y, operands, axis);
        for (int batch : weights ? new int[] {1} : new int[] {1, 3}) Differential.check(kir, batch, seed);
    }

    private static String shape(String batch, int axis, int length) {
        List<String> dims = new ArrayList<>(List.of(batch, "4", "6", "5"));
        dims.set(axis, String.valueOf(length));
        return "f32[" + String.join(",", dims) + "]";
    }
}
