package dev.nnc.codegen.nativecode.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * A shared library built from a small program (an input x: f32[B,3], a weight, an output
 * y: f32[B,5,3] filled by iota), driven from C by a test program built with the system
 * {@code cc}: results, every misuse coming back as a message, bad weights files, thread
 * counts, and that only the API is exported.
 */
class AotLibraryTest {
    static final String PROGRAM = """
            kernels Iota {
              input x : f32[B,3]
              weight w : f32[2,2]
              output y : f32[B,5,3]
              arena 0
              iota() -> out:y : f32[B,5,3] {axis=1}
            }
            """;

    /** Modes: predict WEIGHTS BATCH; misuse WEIGHTS; concurrent WEIGHTS; create WEIGHTS; exports. Failures print the message. */
    static final String DRIVER = """
            #include <dlfcn.h>
            #include <pthread.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include "iota.h"

            static void report(const char* call, int status) {
                printf("%s -> %d: %s\\n", call, status, status == 0 ? "ok" : iota_last_error());
            }

            /* Predicts 200 times with batches 1..9, checking every value; changes the thread count on the way. */
            static void* hammer(void* model) {
                static const float x[27];
                long wrong = 0;
                for (int i = 0; i < 200; i++) {
                    int64_t batch = 1 + i % 9;
                    float out[135];
                    if (i % 50 == 49 && iota_set_threads(model, 1 + i % 4) != 0) wrong++;
                    if (iota_predict(model, batch, x, batch * 3, out, batch * 15) != 0) wrong++;
                    for (int k = 0; k < batch * 15; k++) wrong += out[k] != (float) (k / 3 % 5);
                }
                return (void*) wrong;
            }

            int main(int argc, char** argv) {
                if (strcmp(argv[1], "exports") == 0) {
                    printf("api=%d nnc_run=%d runtime=%d\\n", dlsym(RTLD_DEFAULT, "iota_create") != NULL,
                           dlsym(RTLD_DEFAULT, "nnc_run") != NULL, dlsym(RTLD_DEFAULT, "nnc_rt_create") != NULL);
                    return 0;
                }
                iota_model* m = iota_create(argv[2]);
                if (m == NULL) {
                    printf("create failed: %s\\n", iota_last_error());
                    return 2;
                }
                if (strcmp(argv[1], "predict") == 0) {
                    int64_t batch = atoll(argv[3]);
                    float* x = calloc(IOTA_IN_X_ELEMENTS(batch), sizeof(float));
                    float* y = calloc(IOTA_OUT_Y_ELEMENTS(batch), sizeof(float));
                    if (iota_predict(m, batch, x, IOTA_IN_X_ELEMENTS(batch), y, IOTA_OUT_Y_ELEMENTS(batch)) != 0) {
                        printf("predict failed: %s\\n", iota_last_error());
                        return 3;
                    }
                    for (int64_t i = 0; i < IOTA_OUT_Y_ELEMENTS(batch); i++) printf("%g ", y[i]);
                    printf("\\n");
                } else if (strcmp(argv[1], "concurrent") == 0) {
                    pthread_t threads[4];
                    long wrong = 0;
                    for (int t = 0; t < 4; t++) pthread_create(&threads[t], NULL, hammer, m);
                    for (int t = 0; t < 4; t++) {
                        void* result;
                        pthread_join(threads[t], &result);
                        wrong += (long) result;
                    }
                    printf("wrong=%ld\\n", wrong);
                } else if (strcmp(argv[1], "misuse") == 0) {
                    float x[6] = {0}, y[30];
                    int64_t sizes[1] = {2}, short_lengths[1] = {5}, lengths_out[1] = {30};
                    const void* inputs[1] = {x};
                    float* outputs[1] = {y};
                    report("short input", iota_predict(m, 2, x, 5, y, 30));
                    report("long output", iota_predict(m, 2, x, 6, y, 31));
                    report("batch 0", iota_predict(m, 0, x, 0, y, 0));
                    report("NULL input", iota_predict(m, 2, NULL, 6, y, 30));
                    report("overlap", iota_predict(m, 1, y, 3, y + 2, 15));
                    report("NULL model", iota_predict(NULL, 2, x, 6, y, 30));
                    report("threads -1", iota_set_threads(m, -1));
                    report("run NULL sizes", iota_run(m, NULL, inputs, short_lengths, outputs, lengths_out));
                    report("run short", iota_run(m, sizes, inputs, short_lengths, outputs, lengths_out));
                    report("threads 3", iota_set_threads(m, 3));
                    report("fine", iota_predict(m, 2, x, 6, y, 30));
                }
                iota_destroy(m);
                return 0;
            }
            """;

    @TempDir static Path dir;
    static Path library, driver;

    @BeforeAll
    static void build() throws IOException {
        var module = NativeBackend.emit(KernelParser.parse(PROGRAM), NativeTarget.host());
        AotLibrary.Written w = AotLibrary.write(module, NativeTarget.host(), dir.resolve("libiota.so"));
        library = w.binary();
        assertEquals(dir.resolve("iota.h"), w.header());
        assertEquals("iota", w.prefix());
        weights("weights.safetensors", Map.of("w", Tensor.ofFloats(DType.F32, new int[] {2, 2}, new float[4])));
    }

    static Path weights(String name, Map<String, Tensor> tensors) {
        Path p = dir.resolve(name);
        Safetensors.write(p, new LinkedHashMap<>(tensors));
        return p;
    }

    /** The driver, compiled on first use: tests that do not run C need no C compiler. */
    static synchronized Path driver() {
        SystemCc.require();
        if (driver == null) {
            try {
                Files.writeString(dir.resolve("driver.c"), DRIVER);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            Path exe = dir.resolve("driver");
            SystemCc.cc("-std=c99", "-Wall", "-Werror", "-I", dir.toString(), dir.resolve("driver.c").toString(), "-o", exe.toString(),
                    "-L", dir.toString(), "-liota", "-Wl,-rpath," + dir, "-ldl", "-pthread");
            driver = exe;
        }
        return driver;
    }

    static SystemCc.Run drive(int exit, Map<String, String> env, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(driver().toString()));
        command.addAll(List.of(args));
        return SystemCc.expect(exit, command, env);
    }

    static String iota(int batch) {
        StringBuilder s = new StringBuilder();
        for (int b = 0; b < batch; b++) for (int i = 0; i < 5; i++) s.append((i + " ").repeat(3));
        return s.toString().strip();
    }

    @Test
    void predictsFromC() {
        for (int batch : new int[] {1, 2, 7}) {
            assertEquals(iota(batch), drive(0, Map.of(), "predict", dir.resolve("weights.safetensors").toString(), "" + batch).out().strip());
        }
    }

    @Test
    void predictsWithEveryThreadCount() {
        for (String threads : List.of("1", "2", "3", "16")) {
            assertEquals(iota(13), drive(0, Map.of("NNC_THREADS", threads), "predict",
                    dir.resolve("weights.safetensors").toString(), "13").out().strip(), "NNC_THREADS=" + threads);
        }
    }

    @Test
    void concurrentCallsOnOneModelAreCorrect() {
        assertEquals("wrong=0", drive(0, Map.of("NNC_THREADS", "3"), "concurrent", dir.resolve("weights.safetensors").toString()).out().strip());
    }

    @Test
    void misuseComesBackAsMessages() {
        String out = drive(0, Map.of(), "misuse", dir.resolve("weights.safetensors").toString()).out();
        assertLine(out, "short input -> -1: input 'x' (f32[B,3]) needs 6 elements for B = 2, but its length is 5");
        assertLine(out, "long output -> -1: output 'y' (f32[B,5,3]) needs 30 elements for B = 2, but its length is 31");
        assertLine(out, "batch 0 -> -1: size B = 0 is out of range: it must be from 1 to 2147483647");
        assertLine(out, "NULL input -> -1: input 'x' (f32[B,3]) is NULL");
        assertLine(out, "overlap -> -1: output 'y' overlaps input 'x': outputs need memory of their own");
        assertLine(out, "NULL model -> -1: the model is NULL");
        assertLine(out, "threads -1 -> -1: cannot use -1 threads: the count must be from 1 to 1024, or 0 for the default");
        assertLine(out, "run NULL sizes -> -1: sizes is NULL, but the model takes 1 of them");
        assertLine(out, "run short -> -1: input 'x' (f32[B,3]) needs 6 elements for B = 2, but its length is 5");
        assertLine(out, "threads 3 -> 0: ok");
        assertLine(out, "fine -> 0: ok");
    }

    @Test
    void badThreadCountInTheEnvironmentIsAMessage() {
        String out = drive(2, Map.of("NNC_THREADS", "lots"), "predict", dir.resolve("weights.safetensors").toString(), "1").out();
        assertLine(out, "create failed: NNC_THREADS is 'lots', but it must be a whole number of threads from 1 to 1024");
    }

    @Test
    void missingWeightsFileIsAMessage() {
        String out = drive(2, Map.of(), "create", dir.resolve("absent.safetensors").toString()).out();
        assertLine(out, "create failed: cannot open weights file '" + dir.resolve("absent.safetensors") + "': No such file or directory");
    }

    @Test
    void fileThatIsNotSafetensorsIsAMessage() throws IOException {
        Path garbage = dir.resolve("garbage.safetensors");
        Files.writeString(garbage, "\u0010\0\0\0\0\0\0\0{\"w\": [1, 2,}   ");
        String out = drive(2, Map.of(), "create", garbage.toString()).out();
        assertLine(out, "create failed: weights file '" + garbage + "' is not a safetensors file: its JSON header is malformed at byte 6 (expected a tensor description {\"dtype\", \"shape\", \"data_offsets\"})");
        Files.writeString(garbage, "tiny");
        assertTrue(drive(2, Map.of(), "create", garbage.toString()).out().contains("shorter than the 8-byte header length"));
    }

    @Test
    void everyWeightProblemIsListed() {
        Path bad = weights("bad.safetensors", Map.of(
                "v", Tensor.ofFloats(DType.F32, new int[] {3}, new float[3]),
                "bn.num_batches_tracked", Tensor.ofLongs(DType.I64, new int[] {}, new long[1])));
        String out = drive(2, Map.of(), "create", bad.toString()).out();
        assertLine(out, "create failed: The weights in " + bad + " do not match the model Iota (2 problems):");
        assertLine(out, "weight 'w' is missing: the model expects f32[2,2].");
        assertLine(out, "unexpected weight 'v' (F32[3]): the model has no parameter named 'v'.");
        Path misshaped = weights("misshaped.safetensors", Map.of("w", Tensor.ofFloats(DType.F32, new int[] {4}, new float[4])));
        assertLine(drive(2, Map.of(), "create", misshaped.toString()).out(), "weight 'w': expected f32[2,2] but the file has F32[4].");
        Path integers = weights("integers.safetensors", Map.of("w", Tensor.ofLongs(DType.I64, new int[] {2, 2}, new long[4])));
        assertLine(drive(2, Map.of(), "create", integers.toString()).out(),
                "weight 'w': expected f32[2,2] but the file has I64[2,2] (only F32, F16 and BF16 data can be loaded into an f32 weight).");
    }

    @Test
    void halfPrecisionWeightsLoad() {
        for (DType t : List.of(DType.F16, DType.BF16)) {
            Path half = weights(t + ".safetensors", Map.of("w", Tensor.ofFloats(t, new int[] {2, 2}, new float[] {1, -2, 0.5f, 3})));
            assertEquals(iota(1), drive(0, Map.of(), "predict", half.toString(), "1").out().strip());
        }
    }

    @Test
    void truncatedWeightsFileIsAMessage() throws IOException {
        Path whole = dir.resolve("weights.safetensors"), cut = dir.resolve("cut.safetensors");
        byte[] bytes = Files.readAllBytes(whole);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        String out = drive(2, Map.of(), "create", cut.toString()).out();
        assertTrue(out.contains("weights file '" + cut + "' is damaged: tensor 'w' has data_offsets [0, 16] outside its data section of 12 bytes"), out);
    }

    @Test
    void onlyTheApiIsExported() {
        assertEquals("api=1 nnc_run=0 runtime=0", drive(0, Map.of(), "exports").out().strip());
    }

    static void assertLine(String output, String line) {
        assertTrue(output.lines().anyMatch(l -> l.equals(line)), () -> "no line\n" + line + "\nin\n" + output);
    }
}
