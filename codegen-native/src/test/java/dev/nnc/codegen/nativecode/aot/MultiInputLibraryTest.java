package dev.nnc.codegen.nativecode.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.codegen.nativecode.NativeBackend;
import dev.nnc.codegen.nativecode.NativeTarget;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The general entry point from C: a model with two sizes (B, S), an int64 index input, a float
 * input (transposed) and two outputs, whose weights are gathered (so their values, read from F32, F16 or
 * BF16 files, reach the output) and whose indices are checked before anything runs.
 */
class MultiInputLibraryTest {
    static final String PROGRAM = """
            kernels Multi {
              input ids : i64[B,S]
              input scale : f32[B,S]
              weight emb : f32[10,4]
              output h : f32[B,S,4]
              output m : f32[S,B]
              arena 0
              gather(w:emb : f32[10,4], in:ids : i64[B*S]) -> out:h : f32[B*S,4] {axis=0}
              transpose(in:scale : f32[B,S]) -> out:m : f32[S,B] {perm=[1,0]}
            }
            """;

    /** run WEIGHTS ID...: B = 2, S = 3 with the six ids given; prints h and m, or the error. */
    static final String DRIVER = """
            #include <stdio.h>
            #include <stdlib.h>
            #include "multi.h"

            int main(int argc, char** argv) {
                multi_model* m = multi_create(argv[1]);
                if (m == NULL) {
                    printf("create failed: %s\\n", multi_last_error());
                    return 2;
                }
                int64_t sizes[MULTI_SYMBOL_COUNT] = {2, 3};
                int64_t ids[6];
                float scale[6], h[MULTI_OUT_H_ELEMENTS(2, 3)], mm[MULTI_OUT_M_ELEMENTS(2, 3)];
                for (int i = 0; i < 6; i++) {
                    ids[i] = atoll(argv[2 + i]);
                    scale[i] = (float) i;
                }
                const void* inputs[MULTI_INPUT_COUNT];
                int64_t input_lengths[MULTI_INPUT_COUNT] = {MULTI_IN_IDS_ELEMENTS(2, 3), MULTI_IN_SCALE_ELEMENTS(2, 3)};
                float* outputs[MULTI_OUTPUT_COUNT];
                int64_t output_lengths[MULTI_OUTPUT_COUNT] = {MULTI_OUT_H_ELEMENTS(2, 3), MULTI_OUT_M_ELEMENTS(2, 3)};
                inputs[MULTI_IN_IDS] = ids;
                inputs[MULTI_IN_SCALE] = scale;
                outputs[MULTI_OUT_H] = h;
                outputs[MULTI_OUT_M] = mm;
                if (multi_run(m, sizes, inputs, input_lengths, outputs, output_lengths) != 0) {
                    printf("run failed: %s\\n", multi_last_error());
                    return 3;
                }
                for (int i = 0; i < 24; i++) printf("%g ", h[i]);
                printf("\\n");
                for (int i = 0; i < 6; i++) printf("%g ", mm[i]);
                printf("\\n");
                multi_destroy(m);
                return 0;
            }
            """;

    @TempDir static Path dir;
    static Path driver;

    @BeforeAll
    static void build() throws IOException {
        SystemCc.require();
        var module = NativeBackend.emit(KernelParser.parse(PROGRAM), NativeTarget.host());
        AotLibrary.write(module, NativeTarget.host(), dir.resolve("libmulti.so"));
        Files.writeString(dir.resolve("driver.c"), DRIVER);
        driver = dir.resolve("driver");
        SystemCc.cc("-std=c99", "-Wall", "-Werror", "-I", dir.toString(), dir.resolve("driver.c").toString(), "-o", driver.toString(),
                "-L", dir.toString(), "-lmulti", "-Wl,-rpath," + dir);
    }

    /** emb[i][j] = 10 i + j: whole numbers below 100, exact in F16 and BF16. */
    static Path weights(DType type) {
        float[] emb = new float[40];
        for (int i = 0; i < 40; i++) emb[i] = 10 * (i / 4) + i % 4;
        Path p = dir.resolve(type + ".safetensors");
        Safetensors.write(p, new LinkedHashMap<>(Map.of("emb", Tensor.ofFloats(type, new int[] {10, 4}, emb))));
        return p;
    }

    static SystemCc.Run run(int exit, DType weights, String... ids) {
        List<String> command = new java.util.ArrayList<>(List.of(driver.toString(), weights(weights).toString()));
        command.addAll(List.of(ids));
        return SystemCc.expect(exit, command, Map.of());
    }

    @Test
    void gathersRowsFromWeightsOfEveryFloatType() {
        for (DType t : List.of(DType.F32, DType.F16, DType.BF16)) {
            List<String> lines = run(0, t, "3", "-1", "0", "9", "2", "-10").out().lines().toList();
            assertEquals("30 31 32 33 90 91 92 93 0 1 2 3 90 91 92 93 20 21 22 23 0 1 2 3", lines.get(0).strip(), t.toString());
            assertEquals("0 3 1 4 2 5", lines.get(1).strip());
        }
    }

    @Test
    void indicesOutOfRangeAreRefusedBeforeAnythingRuns() {
        assertEquals("run failed: input 'ids' element 4 is 10, out of range for an axis of length 10; valid indices are [-10, 9]",
                run(3, DType.F32, "0", "1", "2", "3", "10", "5").out().strip());
        assertEquals("run failed: input 'ids' element 0 is -11, out of range for an axis of length 10; valid indices are [-10, 9]",
                run(3, DType.F32, "-11", "1", "2", "3", "4", "5").out().strip());
    }
}
