/**
 * Ahead-of-time output of the native backend: {@link dev.nnc.codegen.nativecode.aot.AotLibrary}
 * writes a model as a shared library (or one relocatable object) with a documented C header.
 * The library links the model's machine code with a small generic C runtime (resources of this
 * package: safetensors reader, thread pool, argument checks) and generated tables describing the
 * model, all compiled and linked by the clang and lld bundled in the LLVM jar.
 */
package dev.nnc.codegen.nativecode.aot;
