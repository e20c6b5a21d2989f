package dev.nnc.codegen.nativecode;

import java.util.List;
import org.junit.jupiter.api.Test;

class SoftmaxCodegenTest {
    private static final String[] SIZES = {"1", "3", "15", "17", "33", "300"};

    @Test
    void rowsOfOddLengths() {
        long seed = 0;
        for (String n : SIZES) {
            check("softmax", List.of("B", "3", n), 2, 1.0, seed++);
            check("log_softmax", List.of("B", "3", n), 2, 1.0, seed++);
        }
    }

    @Test
    void everyAxis() {
        long seed = 100;
        List<String> dims = List.of("B", "5", "17", "3");
        for (int axis = 0; axis < dims.size(); axis++) {
            check("softmax", dims, axis, 1.0, seed++);
            check("log_softmax", dims, axis, 1.0, seed++);
        }
    }

    @Test
    void columnsOfOddWidths() {
        long seed = 200;
        for (String n : SIZES) {
            check("softmax", List.of("B", "7", n), 1, 1.0, seed++);
            check("log_softmax", List.of("B", "7", n), 1, 1.0, seed++);
        }
    }

    @Test
    void scaledBeforeTheMax() {
        long seed = 300;
        for (double scale : new double[] {0.125, -0.5, 3.0, 40.0}) {
            for (int axis : new int[] {1, 2}) {
                check("softmax", List.of("B", "17", "33"), axis, scale, seed++);
                check("log_softmax", List.of("B", "17", "33"), axis, scale, seed++);
            }
        }
    }

    @Test
    void attentionScores() {
        check("softmax", List.of("B", "12", "128", "128"), 3, 0.125, 400);
        check("softmax", List.of("B", "768"), 1, 1.0, 401);
    }

    /** Normalizes x : f32[dims] (B symbolic) along axis, with batch 1 and 3. */
    private static void check(String op, List<String> dims, int axis, double scale, long seed) {
        String x = "f32[" + String.join(",", dims) + "]";
        String attrs = "axis=" + axis + (scale == 1.0 ? "" : ", scale=" + scale);
        String kir = """
                kernels Softmax {
                  input x : %1$s
                  output y : %1$s
                  arena 0
                  %2$s(in:x : %1$s) -> out:y : %1$s {%3$s}
                }
                """.formatted(x, op, attrs);
        for (int batch : new int[] {1, 3}) Differential.check(kir, batch, seed);
    }
}
