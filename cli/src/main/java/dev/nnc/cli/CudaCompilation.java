package dev.nnc.cli;

import dev.nnc.codegen.cuda.CudaBackend;
import dev.nnc.runtime.cuda.CudaDriver;
import dev.nnc.runtime.cuda.CudaException;
import dev.nnc.codegen.cuda.CudaModel;
import dev.nnc.codegen.cuda.CudaTarget;
import dev.nnc.codegen.cuda.PtxModule;
import dev.nnc.runtime.cuda.CudaUnavailable;
import dev.nnc.codegen.cuda.UnsupportedByCuda;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.Tensor;
import java.util.Map;

/** An optimized kernel program through the CUDA backend, with its refusals (and a missing GPU) turned into user errors. */
final class CudaCompilation {
    private CudaCompilation() {}

    static String ptx(KernelProgram p, CudaTarget target) {
        return CudaBackend.ptx(emit(p, target));
    }

    static PtxModule emit(KernelProgram p, CudaTarget target) {
        try {
            return CudaBackend.emit(p, target);
        } catch (UnsupportedByCuda e) {
            throw unsupported(p, e);
        }
    }

    /** A user error, saying why, when this machine has no CUDA device. */
    static void requireDevice() {
        try {
            CudaDriver.open().close();
        } catch (CudaUnavailable e) {
            throw new UserError(e.getMessage());
        }
    }

    /** Compiles, loads on this machine's GPU and uploads the weights. */
    static CudaModel load(KernelProgram p, CudaTarget target, Map<String, Tensor> params) {
        try {
            return CudaBackend.load(p, target, params);
        } catch (CudaUnavailable e) {
            throw new UserError(e.getMessage());
        } catch (CudaException e) {
            // The device refused to set up the model (out of memory, a busy GPU, a driver too old for the PTX).
            throw new UserError("the GPU could not load model " + p.name() + ": " + e.getMessage());
        } catch (UnsupportedByCuda e) {
            throw unsupported(p, e);
        }
    }

    private static UserError unsupported(KernelProgram p, UnsupportedByCuda e) {
        return new UserError("model " + p.name() + " cannot be compiled for the CUDA backend: " + e.getMessage()
                + " (run it with --backend=interp)");
    }
}
