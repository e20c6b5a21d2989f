package dev.nnc.codegen.nativecode;

import static org.bytedeco.llvm.global.LLVM.*;

import java.nio.charset.StandardCharsets;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.llvm.LLVM.LLVMContextRef;
import org.bytedeco.llvm.LLVM.LLVMErrorRef;
import org.bytedeco.llvm.LLVM.LLVMMemoryBufferRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMPassBuilderOptionsRef;
import org.bytedeco.llvm.LLVM.LLVMTargetMachineRef;
import org.bytedeco.llvm.LLVM.LLVMTargetRef;

/**
 * The few LLVM C API calls the backend makes, each checked: parse IR text into a module,
 * verify it, run the {@code -O3} pipeline for a target machine, and print or emit the result.
 * Every failure comes back as a {@link NativeCompileException} with LLVM's message.
 */
public final class Llvm {
    private static boolean initialized;

    private Llvm() {}

    /** Registers every target the bindings carry (X86, AArch64, NVPTX, ...). */
    public static synchronized void initialize() {
        if (initialized) return;
        LLVMInitializeAllTargetInfos();
        LLVMInitializeAllTargets();
        LLVMInitializeAllTargetMCs();
        LLVMInitializeAllAsmPrinters();
        LLVMInitializeAllAsmParsers();
        initialized = true;
    }

    /** Parses IR text into a new module of {@code context}; the text's own errors name line and column. */
    public static LLVMModuleRef parse(LLVMContextRef context, String ir, String name) {
        initialize();
        byte[] bytes = ir.getBytes(StandardCharsets.UTF_8);
        BytePointer data = new BytePointer(bytes.length);
        data.put(bytes);
        LLVMMemoryBufferRef buffer = LLVMCreateMemoryBufferWithMemoryRangeCopy(data, bytes.length, new BytePointer(name));
        data.close();
        LLVMModuleRef module = new LLVMModuleRef();
        BytePointer error = new BytePointer((Pointer) null);
        // The parser takes ownership of the buffer.
        if (LLVMParseIRInContext(context, buffer, module, error) != 0) {
            throw new NativeCompileException("LLVM rejected the generated IR of " + name + ": " + message(error));
        }
        return module;
    }

    /** Checks the module; a broken module is a backend bug, reported with LLVM's reasons. */
    public static void verify(LLVMModuleRef module, String name) {
        BytePointer error = new BytePointer((Pointer) null);
        if (LLVMVerifyModule(module, LLVMReturnStatusAction, error) != 0) {
            throw new NativeCompileException("the generated LLVM module " + name + " is invalid: " + message(error));
        }
        if (error.address() != 0) LLVMDisposeMessage(error);
    }

    /** A target machine for {@code target} at the aggressive code-generation level, position independent. */
    public static LLVMTargetMachineRef targetMachine(NativeTarget target) {
        initialize();
        LLVMTargetRef t = new LLVMTargetRef();
        BytePointer error = new BytePointer((Pointer) null);
        if (LLVMGetTargetFromTriple(new BytePointer(target.triple()), t, error) != 0) {
            throw new NativeCompileException("unknown target '" + target.triple() + "': " + message(error));
        }
        LLVMTargetMachineRef tm = LLVMCreateTargetMachine(t, target.triple(), target.cpu(), target.features(),
                LLVMCodeGenLevelAggressive, LLVMRelocPIC, LLVMCodeModelDefault);
        if (tm == null || tm.isNull()) throw new NativeCompileException("LLVM cannot make a target machine for " + target);
        return tm;
    }

    /** Runs LLVM's {@code default<O3>} pipeline (or another pass pipeline text) for the machine. */
    public static void optimize(LLVMModuleRef module, LLVMTargetMachineRef tm, String pipeline) {
        LLVMPassBuilderOptionsRef options = LLVMCreatePassBuilderOptions();
        try {
            check(LLVMRunPasses(module, pipeline, tm, options), "optimizing");
        } finally {
            LLVMDisposePassBuilderOptions(options);
        }
    }

    /** The module as IR text. */
    public static String print(LLVMModuleRef module) {
        BytePointer p = LLVMPrintModuleToString(module);
        String s = p.getString();
        LLVMDisposeMessage(p);
        return s;
    }

    /** Assembly ({@code LLVMAssemblyFile}) or an object file ({@code LLVMObjectFile}) of the module. */
    public static byte[] emit(LLVMTargetMachineRef tm, LLVMModuleRef module, int fileType) {
        LLVMMemoryBufferRef out = new LLVMMemoryBufferRef();
        BytePointer error = new BytePointer((Pointer) null);
        if (LLVMTargetMachineEmitToMemoryBuffer(tm, module, fileType, error, out) != 0) {
            throw new NativeCompileException("LLVM code generation failed: " + message(error));
        }
        try {
            long size = LLVMGetBufferSize(out);
            byte[] bytes = new byte[Math.toIntExact(size)];
            LLVMGetBufferStart(out).get(bytes);
            return bytes;
        } finally {
            LLVMDisposeMemoryBuffer(out);
        }
    }

    /** Throws with LLVM's message when {@code error} is set. */
    static void check(LLVMErrorRef error, String doing) {
        if (error == null || error.isNull()) return;
        BytePointer m = LLVMGetErrorMessage(error);
        String s = m.getString();
        LLVMDisposeErrorMessage(m);
        throw new NativeCompileException("LLVM failed " + doing + ": " + s);
    }

    private static String message(BytePointer error) {
        if (error == null || error.address() == 0) return "(no message)";
        String s = error.getString();
        LLVMDisposeMessage(error);
        return s.strip();
    }
}
