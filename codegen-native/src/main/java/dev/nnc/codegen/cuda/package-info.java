/**
 * CUDA backend: the kernel IR as LLVM IR for {@code nvptx64-nvidia-cuda} (one {@code ptx_kernel}
 * per kernel, each with a {@link dev.nnc.codegen.cuda.Grid} the host launches it on), PTX through
 * LLVM's NVPTX target, and a host that runs it through the CUDA driver API called with the FFM
 * API ({@link dev.nnc.codegen.cuda.CudaDriver}). It reuses the native backend's IR writer, context
 * layout and scalar math, which is why it lives in this module.
 */
package dev.nnc.codegen.cuda;
