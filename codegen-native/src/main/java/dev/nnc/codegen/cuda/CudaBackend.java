package dev.nnc.codegen.cuda;

import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.cuda.CudaDriver;
import dev.nnc.runtime.cuda.CudaUnavailable;
import dev.nnc.runtime.cuda.Device;
import dev.nnc.runtime.cuda.GpuDevice;
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

    /** The PTX text of an emitted module, for the module's target. */
    public static String ptx(PtxModule module) {
        return PtxCompiler.ptx(module, module.target());
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
            driver.requireArchitecture(target.sm(), target.gpu());
            PtxModule m = emit(program, target);
            device = new GpuDevice(driver, ptx(m), m.launchTable().symbols());
            return new CudaModel(m, device, weights);
        } catch (RuntimeException e) {
            // Releasing the primary context frees whatever the model had allocated in it.
            if (device != null) device.close();
            else driver.close();
            throw e;
        }
    }
}
