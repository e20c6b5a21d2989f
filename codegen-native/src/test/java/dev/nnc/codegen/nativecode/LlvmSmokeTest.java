package dev.nnc.codegen.nativecode;

import static org.junit.jupiter.api.Assertions.*;

import dev.nnc.ir.kernel.KernelParser;
import org.junit.jupiter.api.Test;

class LlvmSmokeTest {
    static final String IOTA = """
            kernels Iota {
              output y : f32[2,3]
              arena 0
              iota() -> out:y : f32[2,3] {axis=1}
            }
            """;

    @Test
    void hostTargetIsDetected() {
        NativeTarget host = NativeTarget.host();
        assertTrue(host.vectorBits() >= 128, host.toString());
        assertFalse(host.cpu().isEmpty());
    }

    @Test
    void brokenIrIsAMessageNotACrash() {
        NativeModule good = NativeBackend.emit(KernelParser.parse(IOTA), NativeTarget.host());
        NativeModule bad = new NativeModule(good.name(), good.ir().replace("ret void", "ret i64 0"), good.layout(),
                good.kernelCount(), good.program());
        var e = assertThrows(NativeCompileException.class, () -> NativeCompiler.jit(bad, NativeTarget.host()));
        assertTrue(e.getMessage().contains("Iota"), e.getMessage());
    }

    @Test
    void unknownTargetIsAMessage() {
        NativeModule good = NativeBackend.emit(KernelParser.parse(IOTA), NativeTarget.host());
        var e = assertThrows(NativeCompileException.class,
                () -> NativeCompiler.object(good, new NativeTarget("quantum64-unknown-linux-gnu", "generic", "", 128)));
        assertTrue(e.getMessage().contains("quantum64"), e.getMessage());
    }
}
