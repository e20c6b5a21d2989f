/**
 * Native backend: LLVM IR through the bytedeco LLVM C API for SIMD CPUs and NVPTX. Takes kernel IR, produces JIT code, shared libraries and PTX. Its emitters arrive with the native and CUDA backend issues.
 */
package dev.nnc.codegen.nativecode;
