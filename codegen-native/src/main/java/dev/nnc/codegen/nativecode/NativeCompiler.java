package dev.nnc.codegen.nativecode;

import static org.bytedeco.llvm.global.LLVM.*;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.llvm.LLVM.LLVMContextRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMOrcThreadSafeContextRef;
import org.bytedeco.llvm.LLVM.LLVMTargetMachineRef;
import java.util.function.Function;

/**
 * Turns a {@link NativeModule} into machine code: parse the IR text, verify it, run LLVM's
 * {@code default<O3>} pipeline for the target machine, then JIT it in process or write
 * assembly or an object file.
 */
public final class NativeCompiler {
    /** The pass pipeline every module goes through. */
    public static final String PIPELINE = "default<O3>";

    private NativeCompiler() {}

    /** Code compiled in process: the JIT session and every exported function's address. */
    public record Jitted(JitSession session, long prepare, long arenaElements, long schedule, long[] kernels,
                         double seconds) implements AutoCloseable {
        @Override public void close() { session.close(); }
    }

    /** Compiles in process: verification, -O3, machine code for every exported function. */
    public static Jitted jit(NativeModule m, NativeTarget target) {
        long start = System.nanoTime();
        LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
        JitSession session;
        try {
            LLVMModuleRef module = optimized(LLVMOrcThreadSafeContextGetContext(tsc), m.ir(), m.name(), target);
            session = new JitSession(module, tsc, target);
        } finally {
            // The module keeps its own reference to the context.
            LLVMOrcDisposeThreadSafeContext(tsc);
        }
        try {
            long[] kernels = new long[m.kernelCount()];
            for (int i = 0; i < kernels.length; i++) kernels[i] = session.address(NativeModule.kernelSymbol(i));
            long prepare = session.address(NativeModule.PREPARE);
            long arena = session.address(NativeModule.ARENA_ELEMENTS);
            long schedule = session.address(NativeModule.SCHEDULE);
            return new Jitted(session, prepare, arena, schedule, kernels, (System.nanoTime() - start) / 1e9);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Machine code of an IR module of its own (tools and tests that write their own modules): the functions' addresses by name. */
    public static final class JitCode implements AutoCloseable {
        private final JitSession session;

        private JitCode(JitSession session) {
            this.session = session;
        }

        public long address(String symbol) { return session.address(symbol); }

        @Override public void close() { session.close(); }
    }

    /** Compiles IR text in process for {@code target} (verified, -O3). */
    public static JitCode jit(String ir, String name, NativeTarget target) {
        LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
        try {
            return new JitCode(new JitSession(optimized(LLVMOrcThreadSafeContextGetContext(tsc), ir, name, target), tsc, target));
        } finally {
            LLVMOrcDisposeThreadSafeContext(tsc);
        }
    }

    /** The module's IR after the -O3 pipeline. */
    public static String optimizedIr(NativeModule m, NativeTarget target) {
        return withModule(m, target, Llvm::print);
    }

    /** Assembly for the target. */
    public static String assembly(NativeModule m, NativeTarget target) {
        return withModule(m, target, module -> {
            LLVMTargetMachineRef tm = Llvm.targetMachine(target);
            try {
                return new String(Llvm.emit(tm, module, LLVMAssemblyFile), java.nio.charset.StandardCharsets.UTF_8);
            } finally {
                LLVMDisposeTargetMachine(tm);
            }
        });
    }

    /** A relocatable object file (ELF on Linux targets) for the target. */
    public static byte[] object(NativeModule m, NativeTarget target) {
        return withModule(m, target, module -> {
            LLVMTargetMachineRef tm = Llvm.targetMachine(target);
            try {
                return Llvm.emit(tm, module, LLVMObjectFile);
            } finally {
                LLVMDisposeTargetMachine(tm);
            }
        });
    }

    private static <T> T withModule(NativeModule m, NativeTarget target, Function<LLVMModuleRef, T> use) {
        LLVMContextRef context = LLVMContextCreate();
        try {
            LLVMModuleRef module = optimized(context, m.ir(), m.name(), target);
            try {
                return use.apply(module);
            } finally {
                LLVMDisposeModule(module);
            }
        } finally {
            LLVMContextDispose(context);
        }
    }

    private static LLVMModuleRef optimized(LLVMContextRef context, String ir, String name, NativeTarget target) {
        LLVMModuleRef module = Llvm.parse(context, ir, name);
        try {
            Llvm.verify(module, name);
            LLVMTargetMachineRef tm = Llvm.targetMachine(target);
            try {
                LLVMSetTarget(module, target.triple());
                var layout = LLVMCreateTargetDataLayout(tm);
                LLVMSetModuleDataLayout(module, layout);
                LLVMDisposeTargetData(layout);
                Llvm.optimize(module, tm, PIPELINE);
            } finally {
                LLVMDisposeTargetMachine(tm);
            }
            return module;
        } catch (RuntimeException e) {
            LLVMDisposeModule(module);
            throw e;
        }
    }

    /** The functions a native module exports (see {@link NativeModule}). */
    public static List<String> exportedSymbols(NativeModule m) {
        List<String> s = new ArrayList<>(List.of(NativeModule.PREPARE, NativeModule.ARENA_ELEMENTS, NativeModule.SCHEDULE,
                NativeModule.RUN));
        for (int i = 0; i < m.kernelCount(); i++) {
            s.add(NativeModule.kernelSymbol(i));
            s.add(NativeModule.unitsSymbol(i));
        }
        return s;
    }
}
