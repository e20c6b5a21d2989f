package com.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.example.models.Mlp;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScorerTest {
    /**
     * The reference outputs of examples/fixtures/mlp/output.npy (PyTorch, from the same weights and
     * x.npy); `./nnc run examples/mlp.nn --weights examples/fixtures/mlp/weights.safetensors
     * --input examples/fixtures/mlp/x.npy` prints the same: 0.506422, 0.518363.
     */
    private static final float[] EXPECTED = {0.5064218f, 0.51836336f};

    @Test
    void generatedClassLoadsItsWeightsFromTheClassPathAndPredicts() {
        Tensor x = Npy.read(Path.of("src/test/resources/x.npy"));
        assertEquals(200, x.size());
        float[] y = Mlp.load().predict(x.floats());
        assertArrayEquals(EXPECTED, y, 1e-5f);
    }

    @Test
    void applicationCodeUsesTheModel() {
        float[] y = new Scorer().score(Npy.read(Path.of("src/test/resources/x.npy")).floats());
        assertArrayEquals(EXPECTED, y, 1e-5f);
        assertEquals("f32[B,100]", Mlp.X_TYPE);
    }
}
