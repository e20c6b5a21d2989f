package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Writes the LLVM module of a kernel program: one function per kernel plus the drivers {@link NativeModule} lists. */
public final class NativeModuleEmitter {
    private NativeModuleEmitter() {}

    public static NativeModule emit(KernelProgram p, NativeTarget target) {
        return emit(p, target, KernelCodegens::of);
    }

    /** As {@link #emit(KernelProgram, NativeTarget)}, with the code generators {@code codegens} chooses (tests supply their own). */
    static NativeModule emit(KernelProgram p, NativeTarget target, Function<Kernel, KernelCodegen<? extends Kernel>> codegens) {
        NativeSupport.check(p);
        ModuleLayout layout = new ModuleLayout(p);
        ModuleWriter m = new ModuleWriter(target);
        List<String> prepareSteps = new ArrayList<>();
        for (int i = 0; i < p.prepare().size(); i++) {
            String name = "nnc_p" + i;
            String pack = kernel(m, layout, codegens, p.prepare().get(i), name);
            if (pack != null) prepareSteps.add("call void @" + pack + "(ptr %ctx)");
            prepareSteps.add(name);
        }
        List<String> packs = new ArrayList<>();
        for (int i = 0; i < p.kernels().size(); i++) {
            String pack = kernel(m, layout, codegens, p.kernels().get(i), NativeModule.kernelSymbol(i));
            if (pack != null) packs.add("call void @" + pack + "(ptr %ctx)");
        }
        // Derived weights first (in order, each over its whole range), then the run-time kernels' packing, which may read them.
        m.function("define void @" + NativeModule.PREPARE + "(ptr %ctx)", f -> {
            for (String step : prepareSteps) {
                if (step.startsWith("call ")) {
                    f.emit("%s", step);
                } else {
                    String n = f.let("call i64 @%s_units(ptr %%ctx)", step);
                    f.emit("call void @%s(ptr %%ctx, i64 0, i64 %s)", step, n);
                }
            }
            for (String pack : packs) f.emit("%s", pack);
        });
        m.function("define i64 @" + NativeModule.ARENA_ELEMENTS + "(ptr %ctx)", f ->
                f.emit("ret i64 %s", new KernelEnv(layout, target, "arena").dim(f, p.arenaSize())));
        m.function("define void @" + NativeModule.SCHEDULE + "(ptr %ctx, ptr %out)", f -> {
            KernelEnv env = new KernelEnv(layout, target, "schedule");
            for (int i = 0; i < p.kernels().size(); i++) {
                String n = f.let("call i64 @%s(ptr %%ctx)", NativeModule.unitsSymbol(i));
                String split = f.let("zext i1 %s to i64", KernelCost.of(p.kernels().get(i)).worthSplitting(env, f));
                f.emit("store i64 %s, ptr %s", n, f.let("getelementptr inbounds i64, ptr %%out, i64 %d", 2 * i));
                f.emit("store i64 %s, ptr %s", split, f.let("getelementptr inbounds i64, ptr %%out, i64 %d", 2 * i + 1));
            }
        });
        m.function("define void @" + NativeModule.RUN + "(ptr %ctx, ptr %pfor, ptr %pool)", f -> {
            KernelEnv env = new KernelEnv(layout, target, "run");
            for (int i = 0; i < p.kernels().size(); i++) {
                String kernel = NativeModule.kernelSymbol(i);
                String n = f.let("call i64 @%s(ptr %%ctx)", NativeModule.unitsSymbol(i));
                String split = KernelCost.of(p.kernels().get(i)).worthSplitting(env, f);
                f.ifElse(split, "i1", () -> {
                    f.emit("call void %%pfor(ptr %%pool, ptr @%s, ptr %%ctx, i64 %s)", kernel, n);
                    return "true";
                }, () -> {
                    f.emit("call void @%s(ptr %%ctx, i64 0, i64 %s)", kernel, n);
                    return "false";
                });
            }
        });
        return new NativeModule(p.name(), m.text(p.name()), layout, p.kernels().size(), p);
    }

    /** Writes the kernel's function and its units function; returns the name of its load-time function, or null. */
    @SuppressWarnings("unchecked")
    private static <K extends Kernel> String kernel(ModuleWriter m, ModuleLayout layout,
                                                    Function<Kernel, KernelCodegen<? extends Kernel>> codegens, K k, String name) {
        KernelCodegen<K> c = (KernelCodegen<K>) codegens.apply(k);
        KernelEnv env = new KernelEnv(layout, m.target(), name);
        m.function("define void @" + name + "(ptr %ctx, i64 %from, i64 %to)", f -> c.body(k, env, f, "%from", "%to"));
        m.function("define i64 @" + name + "_units(ptr %ctx)", f -> f.emit("ret i64 %s", c.units(k, env, f)));
        if (c.hasPrepare(k)) {
            m.function("define void @" + name + "_pack(ptr %ctx)", f -> c.prepare(k, env, f));
            return name + "_pack";
        }
        return null;
    }
}
