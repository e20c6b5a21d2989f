package dev.nnc.codegen.cuda;

import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The CUDA backend's entry point: kernel IR in; PTX, or a model running on this machine's GPU, out. */
public final class CudaBackend {
    private CudaBackend() {}

    /** The NVPTX module. @throws UnsupportedByCuda when the model needs a dtype the backend does not compute in */
    public static PtxModule emit(KernelProgram program, CudaTarget target) {
        return PtxModuleEmitter.emit(program, target);
    }

    /** The PTX text for {@code target}: needs no GPU. */
    public static String ptx(KernelProgram program, CudaTarget target) {
        return PtxCompiler.ptx(emit(program, target), target);
    }

    /**
     * Compiles for {@code target}, loads the PTX on device 0 and uploads the weights; close the
     * model to free the device memory.
     *
     * @throws CudaUnavailable when there is no CUDA driver or device (checked before compiling)
     */
    public static CudaModel load(KernelProgram program, CudaTarget target, Map<String, Tensor> weights) {
        CudaDriver driver = CudaDriver.open();
        Device device = null;
        try {
            if (driver.computeCapability() < target.sm()) {
                throw new CudaUnavailable("the GPU " + driver.deviceName() + " is sm_" + driver.computeCapability()
                        + " and cannot run PTX generated for " + target.gpu() + "; compile with --gpu=sm_" + driver.computeCapability());
            }
            PtxModule m = emit(program, target);
            List<String> symbols = new ArrayList<>();
            for (var l : m.prepare()) symbols.add(l.symbol());
            for (var l : m.kernels()) symbols.add(l.symbol());
            device = new GpuDevice(driver, PtxCompiler.ptx(m, target), symbols);
            return new CudaModel(m, target, device, weights);
        } catch (RuntimeException e) {
            // Releasing the primary context frees whatever the model had allocated in it.
            if (device != null) device.close();
            else driver.close();
            throw e;
        }
    }
}
