package dev.nnc.codegen.nativecode;

import org.junit.jupiter.api.Test;

class IotaCodegenTest {
    @Test
    void everyAxisOfASymbolicShape() {
        for (int axis = 0; axis < 3; axis++) {
            String kir = """
                    kernels Iota {
                      input x : f32[B,3]
                      output y : f32[B,5,3]
                      arena 0
                      iota() -> out:y : f32[B,5,3] {axis=%d}
                    }
                    """.formatted(axis);
            for (int batch : new int[] {1, 4}) Differential.check(kir, batch, axis);
        }
    }
}
