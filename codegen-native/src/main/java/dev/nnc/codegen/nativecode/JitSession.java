package dev.nnc.codegen.nativecode;

import static org.bytedeco.llvm.global.LLVM.*;

import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMOrcLLJITBuilderRef;
import org.bytedeco.llvm.LLVM.LLVMOrcLLJITRef;
import org.bytedeco.llvm.LLVM.LLVMOrcThreadSafeContextRef;

/**
 * One ORC LLJIT instance holding one module: its machine code lives as long as the session,
 * and {@link #address} finds a function in it. Closing frees the code, so every function
 * pointer taken from it must be dropped first.
 */
final class JitSession implements AutoCloseable {
    private LLVMOrcLLJITRef jit;

    /**
     * Takes ownership of {@code module} (created in {@code context}'s LLVM context) and compiles
     * it for {@code target}; machine code is generated at the first lookup of each symbol.
     */
    JitSession(LLVMModuleRef module, LLVMOrcThreadSafeContextRef context, NativeTarget target) {
        LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder();
        // Both calls take ownership: the machine goes to the builder, the builder to the JIT.
        LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(builder,
                LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(Llvm.targetMachine(target)));
        LLVMOrcLLJITRef j = new LLVMOrcLLJITRef();
        Llvm.check(LLVMOrcCreateLLJIT(j, builder), "creating the JIT");
        jit = j;
        Llvm.check(LLVMOrcLLJITAddLLVMIRModule(jit, LLVMOrcLLJITGetMainJITDylib(jit),
                LLVMOrcCreateNewThreadSafeModule(module, context)), "adding the module");
    }

    /** The address of a function of the module (compiling it if it was not yet). */
    long address(String symbol) {
        if (jit == null) throw new IllegalStateException("the JIT session is closed");
        long[] address = new long[1];
        Llvm.check(LLVMOrcLLJITLookup(jit, address, symbol), "looking up " + symbol);
        return address[0];
    }

    @Override
    public void close() {
        if (jit != null) {
            LLVMOrcDisposeLLJIT(jit);
            jit = null;
        }
    }
}
