package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.codegen.nativecode.ModuleLayout;
import dev.nnc.codegen.nativecode.ModuleWriter;
import dev.nnc.ir.kernel.F32Support;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the NVPTX module of a kernel program. Load-time ({@code prepare}) kernels are
 * compiled like the others and run on the GPU once when the weights are uploaded, so derived
 * weights never cross the bus and there is one code generator per kernel kind.
 */
public final class PtxModuleEmitter {
    private PtxModuleEmitter() {}

    /** @throws UnsupportedByCuda when the model needs a dtype the backend does not compute in */
    public static PtxModule emit(KernelProgram p, CudaTarget target) {
        F32Support.problem(p, "the CUDA backend").ifPresent(why -> {
            throw new UnsupportedByCuda(why);
        });
        ModuleLayout layout = new ModuleLayout(p);
        ModuleWriter m = new ModuleWriter(target.nativeTarget());
        List<PtxModule.Launch> prepare = new ArrayList<>(), kernels = new ArrayList<>();
        for (int i = 0; i < p.prepare().size(); i++) {
            prepare.add(kernel(m, layout, target, p.prepare().get(i), PtxModule.prepareSymbol(i)));
        }
        for (int i = 0; i < p.kernels().size(); i++) {
            kernels.add(kernel(m, layout, target, p.kernels().get(i), PtxModule.kernelSymbol(i)));
        }
        maxThreads(m, prepare, kernels);
        return new PtxModule(p.name(), m.text(p.name()), layout, prepare, kernels, p, target);
    }

    /**
     * Tells ptxas each kernel's block size ({@code .maxntid}): it may then give a thread up to
     * 65536 / threads registers instead of assuming 1024-thread blocks, and a launch can never
     * ask for more registers than a block has.
     */
    private static void maxThreads(ModuleWriter m, List<PtxModule.Launch> prepare, List<PtxModule.Launch> kernels) {
        List<PtxModule.Launch> all = new ArrayList<>(prepare);
        all.addAll(kernels);
        if (all.isEmpty()) return;
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            nodes.add("!" + i);
            m.global("!" + i + " = !{ptr @" + all.get(i).symbol() + ", !\"maxntidx\", i32 " + all.get(i).grid().threads() + "}");
        }
        m.global("!nvvm.annotations = !{" + String.join(", ", nodes) + "}");
    }

    @SuppressWarnings("unchecked")
    private static <K extends Kernel> PtxModule.Launch kernel(ModuleWriter m, ModuleLayout layout, CudaTarget target, K k, String name) {
        CudaKernel<K> rule = (CudaKernel<K>) CudaKernels.of(k);
        KernelEnv env = new KernelEnv(layout, target.nativeTarget(), name);
        m.function("define ptx_kernel void @" + name + "(ptr %ctx)", f -> rule.body(k, env, f));
        return new PtxModule.Launch(name, rule.grid(k));
    }
}
