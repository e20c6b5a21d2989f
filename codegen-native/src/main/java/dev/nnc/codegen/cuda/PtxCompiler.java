package dev.nnc.codegen.cuda;

import static org.bytedeco.llvm.global.LLVM.*;

import dev.nnc.codegen.nativecode.Llvm;
import java.nio.charset.StandardCharsets;
import org.bytedeco.llvm.LLVM.LLVMContextRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMTargetMachineRef;

/** NVPTX LLVM IR to PTX text through LLVM's NVPTX target: parse, verify, {@code default<O3>}, assembly. */
public final class PtxCompiler {
    private PtxCompiler() {}

    /** The PTX of a module (failures are {@code NativeCompileException}s with LLVM's message). */
    public static String ptx(String ir, String name, CudaTarget target) {
        LLVMContextRef context = LLVMContextCreate();
        try {
            LLVMModuleRef module = Llvm.parse(context, ir, name);
            try {
                Llvm.verify(module, name);
                LLVMTargetMachineRef tm = Llvm.targetMachine(target.nativeTarget());
                try {
                    LLVMSetTarget(module, CudaTarget.TRIPLE);
                    var layout = LLVMCreateTargetDataLayout(tm);
                    LLVMSetModuleDataLayout(module, layout);
                    LLVMDisposeTargetData(layout);
                    Llvm.optimize(module, tm, "default<O3>");
                    return new String(Llvm.emit(tm, module, LLVMAssemblyFile), StandardCharsets.UTF_8);
                } finally {
                    LLVMDisposeTargetMachine(tm);
                }
            } finally {
                LLVMDisposeModule(module);
            }
        } finally {
            LLVMContextDispose(context);
        }
    }

    public static String ptx(PtxModule m, CudaTarget target) {
        return ptx(m.ir(), m.name(), target);
    }
}
