package dev.nnc.cli;

import dev.nnc.codegen.cuda.CudaTarget;
import picocli.CommandLine.Option;

/** Options of the CUDA backend: the GPU architecture PTX is generated for. */
final class CudaOptions {
    @Option(names = "--gpu", paramLabel = "SM", defaultValue = "sm_80",
            description = "GPU architecture of --backend=cuda and --emit=ptx: sm_75, sm_80 (default), sm_86, sm_87, sm_89 or sm_90.")
    String gpu;

    CudaTarget target() {
        try {
            return new CudaTarget(gpu);
        } catch (IllegalArgumentException e) {
            throw new UserError("--gpu: " + e.getMessage());
        }
    }
}
