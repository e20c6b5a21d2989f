package dev.nnc.codegen.nativecode.aot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.codegen.nativecode.NativeBackend;
import dev.nnc.codegen.nativecode.NativeTarget;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs other than a host shared library: AArch64 libraries and objects built on this machine, and host objects linked statically. */
class AotTargetsTest {
    static final short EM_X86_64 = 62, EM_AARCH64 = 183;
    static final short ET_REL = 1, ET_DYN = 3;

    @TempDir Path dir;

    static AotLibrary.Written build(NativeTarget target, Path output) {
        return AotLibrary.write(NativeBackend.emit(KernelParser.parse(AotLibraryTest.PROGRAM), target), target, output);
    }

    @Test
    void aarch64SharedLibraryIsAnAArch64ElfWithItsHeader() throws IOException {
        AotLibrary.Written w = build(NativeTarget.of("aarch64-linux-gnu", null), dir.resolve("libiota.so"));
        assertEquals(AotLibrary.Kind.SHARED_LIBRARY, w.kind());
        assertElf(w.binary(), ET_DYN, EM_AARCH64);
        assertTrue(Files.readString(w.header()).contains("for aarch64-unknown-linux-gnu (CPU generic)"));
    }

    @Test
    void aarch64ObjectIsAnAArch64Elf() throws IOException {
        AotLibrary.Written w = build(NativeTarget.of("aarch64-linux-gnu", null), dir.resolve("iota.o"));
        assertEquals(AotLibrary.Kind.OBJECT, w.kind());
        assertElf(w.binary(), ET_REL, EM_AARCH64);
        assertEquals(dir.resolve("iota.h"), w.header());
    }

    @Test
    void hostObjectLinksStaticallyIntoAProgram() throws IOException {
        SystemCc.require();
        AotLibrary.Written w = build(NativeTarget.host(), dir.resolve("iota.o"));
        assertElf(w.binary(), ET_REL, EM_X86_64);
        Files.writeString(dir.resolve("main.c"), """
                #include <stdio.h>
                #include "iota.h"
                int main(int argc, char** argv) {
                    float x[3] = {0}, y[15];
                    iota_model* m = iota_create(argv[1]);
                    if (m == NULL || iota_predict(m, 1, x, 3, y, 15) != 0) {
                        printf("%s\\n", iota_last_error());
                        return 1;
                    }
                    for (int i = 0; i < 15; i++) printf("%g ", y[i]);
                    iota_destroy(m);
                    return 0;
                }
                """);
        Path exe = dir.resolve("main");
        SystemCc.cc("-I", dir.toString(), dir.resolve("main.c").toString(), w.binary().toString(), "-o", exe.toString(), "-lpthread", "-lm");
        Path weights = dir.resolve("w.safetensors");
        Safetensors.write(weights, new LinkedHashMap<>(Map.of("w", Tensor.ofFloats(DType.F32, new int[] {2, 2}, new float[4]))));
        assertEquals(AotLibraryTest.iota(1), SystemCc.expect(0, List.of(exe.toString(), weights.toString()), Map.of()).out().strip());
    }

    /** Where an AArch64 cross compiler and qemu are installed, the AArch64 library runs the driver's checks under emulation. */
    @Test
    void aarch64LibraryRunsUnderQemu() throws IOException {
        Assumptions.assumeTrue(SystemCc.available("aarch64-linux-gnu-gcc") && SystemCc.available("qemu-aarch64"),
                "no aarch64-linux-gnu-gcc and qemu-aarch64 to run an AArch64 program (Debian: gcc-aarch64-linux-gnu qemu-user)");
        build(NativeTarget.of("aarch64-linux-gnu", null), dir.resolve("libiota.so"));
        Files.writeString(dir.resolve("driver.c"), AotLibraryTest.DRIVER);
        Path exe = dir.resolve("driver");
        SystemCc.compiler("aarch64-linux-gnu-gcc", "-I", dir.toString(), dir.resolve("driver.c").toString(), "-o", exe.toString(),
                "-L", dir.toString(), "-liota", "-Wl,-rpath," + dir, "-ldl", "-pthread");
        Path weights = dir.resolve("w.safetensors");
        Safetensors.write(weights, new LinkedHashMap<>(Map.of("w", Tensor.ofFloats(DType.F32, new int[] {2, 2}, new float[4]))));
        Map<String, String> env = Map.of("QEMU_LD_PREFIX", "/usr/aarch64-linux-gnu", "NNC_THREADS", "3");
        assertEquals(AotLibraryTest.iota(7), SystemCc.expect(0, List.of("qemu-aarch64", exe.toString(), "predict", weights.toString(), "7"), env)
                .out().strip());
        assertEquals("wrong=0", SystemCc.expect(0, List.of("qemu-aarch64", exe.toString(), "concurrent", weights.toString()), env).out().strip());
        AotLibraryTest.assertLine(SystemCc.expect(0, List.of("qemu-aarch64", exe.toString(), "misuse", weights.toString()), env).out(),
                "short input -> -1: input 'x' (f32[B,3]) needs 6 elements for B = 2, but its length is 5");
    }

    /** ELF64, little-endian, of the given file type and machine. */
    static void assertElf(Path file, short type, short machine) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] ident = new byte[6];
        b.get(0, ident);
        assertArrayEquals(new byte[] {0x7F, 'E', 'L', 'F', 2, 1}, ident, "ELF64 little-endian magic");
        assertEquals(type, b.getShort(16), "e_type");
        assertEquals(machine, b.getShort(18), "e_machine");
    }
}
