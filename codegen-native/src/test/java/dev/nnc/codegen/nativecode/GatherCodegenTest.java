package dev.nnc.codegen.nativecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.ModelLoader;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.InputMismatchException;
import dev.nnc.runtime.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GatherCodegenTest {
    /** Token embedding: rows of a [V, D] weight picked by a [B, S] index input (S > V, so indices repeat). */
    @Test
    void embeddingAlongTheFirstAxis() {
        long seed = 0;
        for (int d : new int[] {1, 3, 15, 17, 33, 300}) {
            String kir = """
                    kernels Embed {
                      input ids : i64[B,9]
                      weight table : f32[7,%1$d]
                      output y : f32[B,9,%1$d]
                      arena 0
                      gather(w:table : f32[7,%1$d], in:ids : i64[B,9]) -> out:y : f32[B,9,%1$d] {axis=0}
                    }
                    """.formatted(d);
            for (int batch : new int[] {1, 3}) Differential.check(kir, batch, seed++);
        }
    }

    @Test
    void alongAMiddleAxisAndTheLast() {
        long seed = 100;
        for (int axis = 1; axis < 3; axis++) {
            String data = axis == 1 ? "f32[B,5,17]" : "f32[B,17,5]";
            String out = axis == 1 ? "f32[B,2,6,17]" : "f32[B,17,2,6]";
            String kir = """
                    kernels Pick {
                      input x : %1$s
                      input idx : i64[2,6]
                      output y : %2$s
                      arena 0
                      gather(in:x : %1$s, in:idx : i64[2,6]) -> out:y : %2$s {axis=%3$d}
                    }
                    """.formatted(data, out, axis);
            for (int batch : new int[] {1, 3}) Differential.check(kir, batch, seed++);
        }
    }

    @Test
    void negativeIndicesCountFromTheEnd() {
        KernelProgram p = KernelParser.parse(MIDDLE);
        Map<String, Tensor> inputs = Map.of("x", data(), "idx", indices(-1, -5, 0, 4, -3, -3));
        Map<String, Tensor> expected = ModelLoader.instantiate(JvmBackend.compile(p, "Ref"), Map.of()).run(inputs);
        try (NativeModel m = NativeBackend.load(p, Map.of())) {
            assertArrayEquals(expected.get("y").floats(), m.run(inputs).get("y").floats());
        }
    }

    /**
     * Native code cannot throw: the host refuses indices outside [-5, 5) before it runs, as the JVM
     * backend does (the kernel itself fills such rows with NaN rather than read outside the data).
     */
    @Test
    void indicesOutOfRangeAreRefusedBeforeNativeCodeRuns() {
        try (NativeModel m = NativeBackend.load(KernelParser.parse(MIDDLE), Map.of())) {
            for (long bad : new long[] {5, -6, Long.MIN_VALUE, Long.MAX_VALUE}) {
                var e = assertThrows(InputMismatchException.class,
                        () -> m.run(Map.of("x", data(), "idx", indices(1, 2, bad, 0, 4, -5))));
                assertTrue(e.getMessage().contains("index " + bad + " at element 2 is outside [-5, 5)"), e.getMessage());
            }
            assertEquals(36, m.run(Map.of("x", data(), "idx", indices(1, 2, 3, 0, 4, -5))).get("y").size());
        }
    }

    /** x : [2, 5, 3] gathered along axis 1 by six indices. */
    private static final String MIDDLE = """
            kernels Pick {
              input x : f32[2,5,3]
              input idx : i64[6]
              output y : f32[2,6,3]
              arena 0
              gather(in:x : f32[2,5,3], in:idx : i64[6]) -> out:y : f32[2,6,3] {axis=1}
            }
            """;

    private static Tensor data() {
        Random rng = new Random(7);
        float[] values = new float[30];
        for (int i = 0; i < values.length; i++) values[i] = (float) rng.nextGaussian();
        return Tensor.ofFloats(DType.F32, new int[] {2, 5, 3}, values);
    }

    private static Tensor indices(long... values) {
        return Tensor.ofLongs(DType.I64, new int[] {values.length}, values);
    }
}
