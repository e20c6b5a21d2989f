package dev.nnc.codegen.nativecode;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransposeCodegenTest {
    @Test
    void matricesOfOddSizes() {
        String[] sizes = {"1", "3", "15", "17", "33", "300"};
        long seed = 0;
        for (String r : sizes) {
            for (String c : sizes) check("w", List.of(r, c), List.of(1, 0), seed++);
        }
    }

    @Test
    void everyPermOfThreeDims() {
        long seed = 100;
        for (List<Integer> perm : perms(3)) {
            check("in", List.of("B", "17", "33"), perm, seed++);
            check("in", List.of("3", "B", "20"), perm, seed++);
        }
    }

    @Test
    void everyPermOfFourDims() {
        long seed = 200;
        for (List<Integer> perm : perms(4)) {
            check("in", List.of("B", "3", "17", "5"), perm, seed++);
            check("in", List.of("2", "B", "1", "33"), perm, seed++);
        }
    }

    @Test
    void attentionHeads() {
        check("in", List.of("B", "128", "12", "64"), List.of(0, 2, 1, 3), 300);
        check("in", List.of("B", "12", "128", "64"), List.of(0, 1, 3, 2), 301);
    }

    /** x : f32[dims] (B symbolic) in space {@code space} ("in" or "w") permuted by perm, with batch 1 and 3. */
    private static void check(String space, List<String> dims, List<Integer> perm, long seed) {
        List<String> out = new ArrayList<>();
        for (int p : perm) out.add(dims.get(p));
        String x = "f32[" + String.join(",", dims) + "]", y = "f32[" + String.join(",", out) + "]";
        String kir = """
                kernels Transpose {
                  %1$s x : %2$s
                  output y : %3$s
                  arena 0
                  transpose(%4$s:x : %2$s) -> out:y : %3$s {perm=%5$s}
                }
                """.formatted(space.equals("w") ? "weight" : "input", x, y, space, perm.toString().replace(" ", ""));
        for (int batch : new int[] {1, 3}) Differential.check(kir, batch, seed);
    }

    /** Every permutation of 0..n-1. */
    static List<List<Integer>> perms(int n) {
        List<List<Integer>> all = new ArrayList<>();
        permute(new ArrayList<>(), n, all);
        return all;
    }

    private static void permute(List<Integer> prefix, int n, List<List<Integer>> all) {
        if (prefix.size() == n) {
            all.add(List.copyOf(prefix));
            return;
        }
        for (int i = 0; i < n; i++) {
            if (prefix.contains(i)) continue;
            prefix.add(i);
            permute(prefix, n, all);
            prefix.removeLast();
        }
    }
}
