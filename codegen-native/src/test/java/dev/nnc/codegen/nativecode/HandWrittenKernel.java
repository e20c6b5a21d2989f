package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.Tensor;
import java.util.Map;

/**
 * Compiles a one-kernel program through the real LLVM path with a test's own {@link KernelCodegen}
 * in place of the registered one: how tests run generated helpers (vector math, epilogues) on
 * data of their choosing. The program supplies the bufs and their slots; its kernel only says
 * which bufs the hand-written code may use.
 */
final class HandWrittenKernel {
    private HandWrittenKernel() {}

    static <K extends Kernel> NativeModel load(String kir, KernelCodegen<K> codegen, Map<String, Tensor> weights) {
        KernelProgram p = KernelParser.parse(kir);
        NativeTarget target = NativeTarget.host();
        return NativeBackend.load(NativeModuleEmitter.emit(p, target, k -> codegen), target, weights);
    }
}
