/**
 * Native backend: kernel IR to LLVM IR for SIMD CPUs through the bytedeco LLVM C API: JIT code, shared libraries,
 * objects. The CUDA backend ({@code dev.nnc.codegen.cuda}) reuses its IR writer, context layout and math for NVPTX.
 */
package dev.nnc.codegen.nativecode;
