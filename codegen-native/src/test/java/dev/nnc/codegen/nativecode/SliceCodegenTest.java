package dev.nnc.codegen.nativecode;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SliceCodegenTest {
    /** x : f32[B,7,33,17]; B is taken whole (start 0, step 1) so that the output keeps it. */
    private static final List<Integer> X = List.of(7, 33, 17);

    @Test
    void stepsAndStartsInEachDim() {
        long seed = 0;
        for (int d = 0; d < X.size(); d++) {
            for (int[] startStep : new int[][] {{1, 1}, {0, 2}, {2, 3}, {X.get(d) - 1, 1}}) {
                int[] starts = {0, 0, 0}, steps = {1, 1, 1};
                starts[d] = startStep[0];
                steps[d] = startStep[1];
                check(starts, steps, seed++);
            }
        }
    }

    @Test
    void severalDimsAtOnce() {
        check(new int[] {1, 2, 3}, new int[] {2, 3, 4}, 100);
        check(new int[] {0, 5, 0}, new int[] {3, 1, 1}, 101);
        check(new int[] {6, 0, 16}, new int[] {1, 32, 1}, 102);
        check(new int[] {1, 1, 1}, new int[] {1, 1, 1}, 103);
        check(new int[] {0, 0, 0}, new int[] {1, 1, 1}, 104);
    }

    @Test
    void endsBeforeTheEndOfTheDims() {
        check(new int[] {2, 3, 1}, new int[] {1, 1, 1}, new int[] {3, 15, 15}, 300);
        check(new int[] {1, 0, 4}, new int[] {2, 4, 3}, new int[] {2, 1, 3}, 301);
    }

    @Test
    void longRowsAreSplitIntoChunks() {
        String kir = """
                kernels Slice {
                  input x : f32[B,10000]
                  output y : f32[B,9000]
                  arena 0
                  slice(in:x : f32[B,10000]) -> out:y : f32[B,9000] {starts=[0,999], steps=[1,1]}
                }
                """;
        for (int batch : new int[] {1, 3}) Differential.check(kir, batch, 200);
    }

    /** Slices dims 1..3 of x with the given starts and steps to the end of each dim. */
    private static void check(int[] starts, int[] steps, long seed) {
        int[] counts = new int[X.size()];
        for (int d = 0; d < X.size(); d++) counts[d] = (X.get(d) - starts[d] + steps[d] - 1) / steps[d];
        check(starts, steps, counts, seed);
    }

    /** Slices {@code counts[d]} elements of dims 1..3 of x with the given starts and steps, with batch 1 and 3. */
    private static void check(int[] starts, int[] steps, int[] counts, long seed) {
        List<String> out = new ArrayList<>(List.of("B"));
        for (int c : counts) out.add(String.valueOf(c));
        String x = "f32[B,7,33,17]", y = "f32[" + String.join(",", out) + "]";
        String kir = """
                kernels Slice {
                  input x : %1$s
                  output y : %2$s
                  arena 0
                  slice(in:x : %1$s) -> out:y : %2$s {starts=[0,%3$d,%4$d,%5$d], steps=[1,%6$d,%7$d,%8$d]}
                }
                """.formatted(x, y, starts[0], starts[1], starts[2], steps[0], steps[1], steps[2]);
        for (int batch : new int[] {1, 3}) Differential.check(kir, batch, seed);
    }
}
