package dev.nnc.codegen.nativecode;

import dev.nnc.runtime.NativeCompiledModel;
import dev.nnc.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Map;

/**
 * A model JIT-compiled in this process: {@link NativeCompiledModel} (the runtime's host for
 * native kernels) plus ownership of the machine code, which {@link #close} frees after the
 * native memory. Close it only when no call is running.
 */
public final class NativeModel extends NativeCompiledModel {
    private final NativeCompiler.Jitted code;

    /** Takes ownership of {@code code}. */
    NativeModel(NativeModule module, NativeTarget target, NativeCompiler.Jitted code, Map<String, Tensor> weightsByName) {
        super(weightsByName, module.signature(), entryPoints(code), target.toString());
        this.code = code;
    }

    private static EntryPoints entryPoints(NativeCompiler.Jitted code) {
        return new EntryPoints(MemorySegment.ofAddress(code.prepare()), MemorySegment.ofAddress(code.arenaElements()),
                MemorySegment.ofAddress(code.schedule()), Arrays.stream(code.kernels()).mapToObj(MemorySegment::ofAddress).toList());
    }

    /** Seconds LLVM took to optimize and generate the machine code. */
    public double compileSeconds() { return code.seconds(); }

    @Override
    public void close() {
        super.close();
        code.close();
    }
}
