package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.NativeTarget;
import java.util.List;

/**
 * The GPU architecture PTX is generated for, {@code sm_80} or {@code sm_90} and their
 * neighbours. PTX ISA 7.8 is the oldest that has every one of them (sm_90 needs it), so the
 * driver must be CUDA 11.8 or newer.
 */
public record CudaTarget(String gpu) {
    public static final String TRIPLE = "nvptx64-nvidia-cuda";
    public static final List<String> SUPPORTED = List.of("sm_75", "sm_80", "sm_86", "sm_87", "sm_89", "sm_90");
    public static final CudaTarget DEFAULT = new CudaTarget("sm_80");
    static final String PTX_FEATURE = "+ptx78";

    public CudaTarget {
        if (!SUPPORTED.contains(gpu)) {
            throw new IllegalArgumentException("unknown GPU architecture '" + gpu + "'; expected one of " + String.join(", ", SUPPORTED));
        }
    }

    /** The compute capability as a number: 80 for sm_80. */
    public int sm() { return Integer.parseInt(gpu.substring(3)); }

    /** Tensor cores with f16 and bf16 inputs (mma/wmma with bf16 needs sm_80). */
    public boolean hasBf16TensorCores() { return sm() >= 80; }

    /** The target as the native backend's IR writer sees it: scalar code (one lane per thread). */
    public NativeTarget nativeTarget() { return new NativeTarget(TRIPLE, gpu, PTX_FEATURE, 32); }

    @Override public String toString() { return gpu; }
}
