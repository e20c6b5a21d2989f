package dev.nnc.codegen.nativecode.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.ModelLoader;
import dev.nnc.codegen.nativecode.NativeBackend;
import dev.nnc.codegen.nativecode.NativeTarget;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.ProgramSignature;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A kernel program compiled into a shared library and run from C through the general
 * {@code model_run} entry, its outputs compared with the JVM backend's on the same seeded
 * random weights and inputs (|library - jvm| <= 1e-4 |jvm| + 1e-5). This covers what only the
 * library does: weights read from safetensors, derived weights and packed workspaces prepared
 * at load time, the arena sized from its expression, kernels split over the C thread pool.
 * Programs have f32 inputs and at most the one size B.
 */
final class LibraryDifferential {
    /** driver WEIGHTS B (IN.raw LENGTH)... (OUT.raw LENGTH)...: runs the model once; writes each output's floats. */
    static final String DRIVER = """
            #include <stdio.h>
            #include <stdlib.h>
            #include "model.h"

            static void* slurp(const char* path, size_t bytes) {
                void* data = malloc(bytes ? bytes : 1);
                FILE* f = fopen(path, "rb");
                if (f == NULL || fread(data, 1, bytes, f) != bytes) exit(4);
                fclose(f);
                return data;
            }

            int main(int argc, char** argv) {
                int64_t sizes[1] = {atoll(argv[2])};
                const void* inputs[MODEL_INPUT_COUNT + 1];
                float* outputs[MODEL_OUTPUT_COUNT + 1];
                int64_t input_lengths[MODEL_INPUT_COUNT + 1], output_lengths[MODEL_OUTPUT_COUNT + 1];
                int a = 3;
                for (int i = 0; i < MODEL_INPUT_COUNT; i++, a += 2) {
                    input_lengths[i] = atoll(argv[a + 1]);
                    inputs[i] = slurp(argv[a], (size_t) input_lengths[i] * sizeof(float));
                }
                for (int i = 0; i < MODEL_OUTPUT_COUNT; i++) {
                    output_lengths[i] = atoll(argv[a + 2 * i + 1]);
                    outputs[i] = malloc((size_t) output_lengths[i] * sizeof(float) + 1);
                }
                model_model* m = model_create(argv[1]);
                if (m == NULL || model_run(m, sizes, inputs, input_lengths, outputs, output_lengths) != 0) {
                    printf("%s\\n", model_last_error());
                    return 2;
                }
                for (int i = 0; i < MODEL_OUTPUT_COUNT; i++) {
                    FILE* f = fopen(argv[a + 2 * i], "wb");
                    fwrite(outputs[i], sizeof(float), (size_t) output_lengths[i], f);
                    fclose(f);
                }
                model_destroy(m);
                return 0;
            }
            """;

    private LibraryDifferential() {}

    /** Builds {@code kir} into {@code dir}/libmodel.so and compares its outputs with the JVM's for B = each batch. */
    static void check(String kir, Path dir, long seed, int... batches) throws IOException {
        SystemCc.require();
        KernelProgram p = KernelParser.parse(kir);
        AotLibrary.write(NativeBackend.emit(p, NativeTarget.host()), NativeTarget.host(), dir.resolve("libmodel.so"));
        Files.writeString(dir.resolve("driver.c"), DRIVER);
        Path exe = dir.resolve("driver");
        SystemCc.cc("-std=c99", "-Wall", "-Werror", "-I", dir.toString(), dir.resolve("driver.c").toString(), "-o", exe.toString(),
                "-L", dir.toString(), "-lmodel", "-Wl,-rpath," + dir);
        Random rng = new Random(seed);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Buf w : p.weights()) weights.put(w.name(), random(w, Map.of(), rng));
        Path weightsFile = dir.resolve("weights.safetensors");
        Safetensors.write(weightsFile, weights);
        var jvm = ModelLoader.instantiate(JvmBackend.compile(p, "Reference"), weights);
        for (int batch : batches) {
            Map<String, Long> bindings = ProgramSignature.symbols(p).isEmpty() ? Map.of() : Map.of("B", (long) batch);
            List<String> command = new ArrayList<>(List.of(exe.toString(), weightsFile.toString(), "" + batch));
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            for (Buf in : p.inputs()) {
                Tensor t = random(in, bindings, rng);
                inputs.put(in.name(), t);
                Path raw = dir.resolve("in-" + inputs.size() + ".raw");
                Files.write(raw, bytes(t.floats()));
                command.addAll(List.of(raw.toString(), "" + t.size()));
            }
            Map<String, Tensor> expected = jvm.run(inputs);
            for (Buf out : p.outputs()) command.addAll(List.of(dir.resolve("out-" + out.name() + ".raw").toString(), "" + expected.get(out.name()).size()));
            SystemCc.expect(0, command, Map.of("NNC_THREADS", "3"));
            for (Buf out : p.outputs()) {
                Tensor e = expected.get(out.name());
                ByteBuffer actual = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("out-" + out.name() + ".raw"))).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(4L * e.size(), actual.capacity(), out.name());
                for (int i = 0; i < e.size(); i++) {
                    double x = e.getDouble(i), y = actual.getFloat(4 * i);
                    int at = i;
                    assertTrue(Math.abs(x - y) <= 1e-4 * Math.abs(x) + 1e-5,
                            () -> "output " + out.name() + " element " + at + ": jvm " + x + ", library " + y + " (B = " + batch + ")");
                }
            }
        }
    }

    /** Gaussian floats (sd 0.5), positive for variances. */
    static Tensor random(Buf b, Map<String, Long> bindings, Random rng) {
        int[] shape = b.type().shape().eval(bindings);
        float[] data = new float[Math.toIntExact(java.util.Arrays.stream(shape).asLongStream().reduce(1, (x, y) -> x * y))];
        boolean positive = b.name().endsWith("running_var");
        for (int i = 0; i < data.length; i++) data[i] = (float) (positive ? Math.abs(rng.nextGaussian()) : rng.nextGaussian() * 0.5);
        return Tensor.ofFloats(DType.F32, shape, data);
    }

    private static byte[] bytes(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }
}
