/**
 * JVM backend: writes model classes with ASM whose loops use the Vector API. Takes kernel IR, produces .class files. Its emitters arrive with the JVM backend issue; until then models run on the reference interpreter (dev.nnc.ir.interp).
 */
package dev.nnc.codegen.jvm;
