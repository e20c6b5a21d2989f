/**
 * CUDA backend: the kernel IR as LLVM IR for {@code nvptx64-nvidia-cuda} (one {@code ptx_kernel}
 * per kernel, each with a {@link dev.nnc.codegen.cuda.Grid} the host launches it on), PTX through
 * LLVM's NVPTX target, and the launch table by which the runtime's CUDA host
 * ({@link dev.nnc.runtime.cuda.CudaCompiledModel}: the driver API through the FFM API) runs it.
 * It reuses the native backend's IR writer, context layout and scalar math, which is why it
 * lives in this module.
 */
package dev.nnc.codegen.cuda;
