package dev.nnc.codegen.nativecode;

import org.junit.jupiter.api.Test;

class LayerNormCodegenTest {
    private static final int[] SIZES = {1, 3, 15, 17, 33, 300};

    @Test
    void lastAxisOfOddWidths() {
        for (int c : SIZES) {
            check(3, c, 2, false, c);
        }
    }

    @Test
    void residualIsAddedFirst() {
        for (int c : SIZES) {
            check(2, c, 2, true, 100 + c);
        }
    }

    @Test
    void normalizesOverSeveralDims() {
        check(3, 5, 1, false, 1);
        check(17, 3, 1, true, 2);
        check(4, 33, 1, false, 3);
    }

    @Test
    void transformerWidth() {
        check(4, 768, 2, true, 4);
    }

    /** x : f32[B,rows,cols] normalized over dims [axis, 3), with batch 1 and 3. */
    private static void check(int rows, int cols, int axis, boolean residual, long seed) {
        String affine = axis == 2 ? "[" + cols + "]" : "[" + rows + "," + cols + "]";
        String x = "f32[B," + rows + "," + cols + "]";
        String kir = """
                kernels LayerNorm {
                  input x : %1$s
                  input r : %1$s
                  weight g : f32%2$s
                  weight b : f32%2$s
                  output y : %1$s
                  arena 0
                  layer_norm(in:x : %1$s, w:g : f32%2$s, w:b : f32%2$s%3$s) -> out:y : %1$s {axis=%4$d, eps=1.0E-5}
                }
                """.formatted(x, affine, residual ? ", in:r : " + x : "", axis);
        for (int batch : new int[] {1, 3}) Differential.check(kir, batch, seed);
    }
}
