/**
 * The CUDA backend's run-time half, shared by the classes of {@code nnc build --backend=cuda} and
 * by models compiled in process: the driver API called through the FFM API ({@link
 * dev.nnc.runtime.cuda.CudaDriver}), the devices kernels run on, and the host model ({@link
 * dev.nnc.runtime.cuda.CudaCompiledModel}) that uploads weights, evaluates each kernel's grid
 * from the {@link dev.nnc.runtime.cuda.LaunchTable} and launches the kernels in order. Nothing
 * here needs LLVM: the compiler (codegen-native) writes the PTX and the launch table.
 */
package dev.nnc.runtime.cuda;
