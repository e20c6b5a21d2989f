package dev.nnc.codegen.nativecode.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.codegen.nativecode.NativeTarget;
import dev.nnc.ir.kernel.KernelParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated header: names, size macros, which functions exist, and that it compiles as strict C and C++. */
class HeaderSourceTest {
    /** Two sizes, an index input, two outputs: no predict shortcut. */
    static final String MULTI = """
            kernels Multi {
              input ids : i64[B,S]
              input "attention mask" : f32[B,S]
              weight emb : f32[100,8]
              output h : f32[B,S,8]
              output m : f32[B,S]
              arena 0
              gather(w:emb : f32[100,8], in:ids : i64[B*S]) -> out:h : f32[B*S,8] {axis=0}
              iota() -> out:m : f32[B,S] {axis=1}
            }
            """;

    @TempDir Path dir;

    static String header(String program, String prefix) {
        return HeaderSource.text(ApiModel.of(prefix, KernelParser.parse(program)), NativeTarget.host(), "lib" + prefix + ".so");
    }

    @Test
    void prefixComesFromTheFileName() {
        assertEquals("mnist_cnn", AotLibrary.apiPrefix(Path.of("build/libmnist_cnn.so")));
        assertEquals("model", AotLibrary.apiPrefix(Path.of("model.o")));
        assertEquals("lib", AotLibrary.apiPrefix(Path.of("lib.so")));
        assertEquals("n3d_net", AotLibrary.apiPrefix(Path.of("lib3d-net.so.1")));
    }

    @Test
    void singleInputModelHasPredictAndSizeMacros() {
        String h = header(AotLibraryTest.PROGRAM, "iota");
        assertTrue(h.contains("#define IOTA_IN_X_ELEMENTS(B) ((int64_t) (B) * INT64_C(3))"), h);
        assertTrue(h.contains("#define IOTA_OUT_Y_ELEMENTS(B) ((int64_t) (B) * INT64_C(15))"), h);
        assertTrue(h.contains("""
                int iota_predict(iota_model* model, int64_t batch, const float* input, int64_t input_length,
                                 float* output, int64_t output_length);
                """), h);
    }

    @Test
    void multiInputModelHasRunOnlyAndUniqueMacros() {
        String h = header(MULTI, "multi");
        assertFalse(h.contains("multi_predict"), h);
        assertTrue(h.contains("#define MULTI_IN_IDS_ELEMENTS(B, S) ((int64_t) (B) * (int64_t) (S))"), h);
        assertTrue(h.contains("/* Input 0, 'ids': i64[B,S], int64_t elements. */"), h);
        assertTrue(h.contains("#define MULTI_IN_ATTENTION_MASK 1"), h);
        assertTrue(h.contains("#define MULTI_OUT_H_ELEMENTS(B, S) (((int64_t) (B) * (int64_t) (S)) * INT64_C(8))"), h);
        assertTrue(h.contains("in the order multi_run() takes them: B, S."), h);
    }

    @Test
    void stringsAreEscapedForC() {
        assertEquals("\"a\\\"b\\\\c\\?\\303\\251\\012\"", CSyntax.string("a\"b\\c?é\n"));
    }

    /** Every macro and function used with the types the documentation gives, as C99 and C++, warnings as errors. */
    @Test
    void headersCompileAsStrictCAndCpp() throws IOException {
        SystemCc.require();
        Files.writeString(dir.resolve("iota.h"), header(AotLibraryTest.PROGRAM, "iota"));
        Files.writeString(dir.resolve("multi.h"), header(MULTI, "multi"));
        String use = """
                #include "iota.h"
                #include "multi.h"
                #include "iota.h"
                int64_t lengths[] = {IOTA_IN_X_ELEMENTS(2), IOTA_OUT_Y_ELEMENTS(2), MULTI_IN_IDS_ELEMENTS(2, 3),
                                     MULTI_OUT_M_ELEMENTS(2, 3), IOTA_IN_X, MULTI_OUT_H, MULTI_SYMBOL_COUNT, MULTI_INPUT_COUNT};
                iota_model* (*create)(const char*) = iota_create;
                int (*set_threads)(iota_model*, int) = iota_set_threads;
                int (*predict)(iota_model*, int64_t, const float*, int64_t, float*, int64_t) = iota_predict;
                int (*run)(multi_model*, const int64_t*, const void* const*, const int64_t*, float* const*, const int64_t*) = multi_run;
                void (*destroy)(multi_model*) = multi_destroy;
                const char* (*last_error)(void) = multi_last_error;
                """;
        Files.writeString(dir.resolve("use.c"), use);
        SystemCc.cc("-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-I", dir.toString(), dir.resolve("use.c").toString());
        if (SystemCc.available("c++")) {
            Files.writeString(dir.resolve("use.cpp"), use);
            SystemCc.compiler("c++", "-std=c++11", "-pedantic", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-I", dir.toString(),
                    dir.resolve("use.cpp").toString());
        }
    }
}
