package dev.nnc.codegen.jvm;

/** JVM internal names and descriptors of what generated code refers to. */
final class Names {
    private Names() {}

    static final String COMPILED_MODEL = "dev/nnc/runtime/CompiledModel";
    static final String NATIVE_COMPILED_MODEL = "dev/nnc/runtime/NativeCompiledModel";
    static final String CUDA_COMPILED_MODEL = "dev/nnc/runtime/cuda/CudaCompiledModel";
    static final String CUDA_DEVICE = "dev/nnc/runtime/cuda/Device";
    static final String KERNELS = "dev/nnc/runtime/kernels/";
    static final String PACKED = KERNELS + "PackedMatrix";
    static final String VECTOR_MATH = KERNELS + "VectorMath";
    static final String SCALAR_MATH = KERNELS + "ScalarMath";
    static final String VECTOR_SUPPORT = KERNELS + "VectorSupport";
    static final String FLOAT_VECTOR = "jdk/incubator/vector/FloatVector";
    static final String SPECIES = "jdk/incubator/vector/VectorSpecies";
    static final String FV = "L" + FLOAT_VECTOR + ";";
    static final String SPECIES_DESC = "L" + SPECIES + ";";
    static final String PACKED_DESC = "L" + PACKED + ";";
}
