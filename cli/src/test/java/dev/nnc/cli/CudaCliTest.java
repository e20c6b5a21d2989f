package dev.nnc.cli;

import static dev.nnc.cli.MainTest.EXAMPLES;
import static dev.nnc.cli.MainTest.nnc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CUDA backend as a user meets it through the nnc command, on a machine with or without a GPU. */
class CudaCliTest {

    /** True when the NVIDIA driver library is installed (then the no-device test does not apply). */
    private static boolean driverInstalled() {
        for (String dir : new String[] {"/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/cuda/lib64"}) {
            if (Files.exists(Path.of(dir, "libcuda.so.1"))) return true;
        }
        return false;
    }

    @Test
    void runWithoutADriverSaysSoClearly() {
        assumeFalse(driverInstalled(), "this machine has the CUDA driver");
        MainTest.Run r = nnc("run", "--backend=cuda", EXAMPLES.resolve("mlp.nn").toString(), "--synthetic-weights",
                "--input", EXAMPLES.resolve("fixtures/mlp/x.npy").toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("error: no CUDA driver found"), r.err());
        assertTrue(r.err().contains("no CUDA device"), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void verifyWithCudaWithoutADriverSaysSo() {
        assumeFalse(driverInstalled(), "this machine has the CUDA driver");
        MainTest.Run r = nnc("verify", "--cuda", EXAMPLES.resolve("mlp.nn").toString(), "--synthetic-weights",
                "--input", EXAMPLES.resolve("fixtures/mlp/x.npy").toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("error: no CUDA driver found"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void emitPtxPrintsAModuleForTheChosenGpu() {
        MainTest.Run r = nnc(EXAMPLES.resolve("mnist_cnn.nn").toString(), "--emit=ptx", "--gpu=sm_90");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(".target sm_90"), r.out());
        assertTrue(r.out().contains(".entry nnc_k0"), r.out());
    }

    @Test
    void emitPtxWritesAFileWithO(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("mlp.ptx");
        MainTest.Run r = nnc(EXAMPLES.resolve("mlp.nn").toString(), "--emit=ptx", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(out).contains(".target sm_80"), "sm_80 by default");
    }

    @Test
    void anUnknownGpuIsAUserError() {
        MainTest.Run r = nnc(EXAMPLES.resolve("mlp.nn").toString(), "--emit=ptx", "--gpu=sm_61");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--gpu: unknown GPU architecture 'sm_61'; expected one of sm_75, sm_80"), r.err());
    }
}
