package dev.nnc.codegen.cuda;

import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.cuda.CudaCompiledModel;
import dev.nnc.runtime.cuda.Device;
import java.util.Map;

/**
 * A compiled {@link PtxModule} running on a {@link Device}: the runtime's CUDA host
 * ({@link CudaCompiledModel}, which the classes of {@code nnc build --backend=cuda} extend too)
 * given the module's signature and launch table.
 */
public final class CudaModel extends CudaCompiledModel {

    /** Takes ownership of {@code device}, on which the module's kernels are loaded: closing the model closes it. */
    public CudaModel(PtxModule module, Device device, Map<String, Tensor> weightsByName) {
        super(weightsByName, module.signature(), module.launchTable().text(), device);
    }
}
