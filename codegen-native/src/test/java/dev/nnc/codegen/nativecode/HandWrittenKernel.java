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
        ModuleLayout layout = new ModuleLayout(p);
        ModuleWriter m = new ModuleWriter(target);
        @SuppressWarnings("unchecked")
        K k = (K) p.kernels().getFirst();
        String name = NativeModule.kernelSymbol(0);
        KernelEnv env = new KernelEnv(layout, target, name);
        m.function("define void @" + name + "(ptr %ctx, i64 %from, i64 %to)", f -> codegen.body(k, env, f, "%from", "%to"));
        m.function("define i64 @" + NativeModule.unitsSymbol(0) + "(ptr %ctx)", f -> f.emit("ret i64 %s", codegen.units(k, env, f)));
        m.function("define void @" + NativeModule.PREPARE + "(ptr %ctx)", f -> {});
        m.function("define i64 @" + NativeModule.ARENA_ELEMENTS + "(ptr %ctx)", f -> f.emit("ret i64 %s", env.dim(f, p.arenaSize())));
        return NativeBackend.load(new NativeModule(p.name(), m.text(p.name()), layout, 1, p), target, weights);
    }
}
