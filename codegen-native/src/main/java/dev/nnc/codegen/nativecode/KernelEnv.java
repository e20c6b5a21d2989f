package dev.nnc.codegen.nativecode;

import dev.nnc.runtime.DType;
import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Buf;

/**
 * What a kernel's code generator needs besides the kernel: the target's vector width, sizes
 * as IR values ({@link #dim}), pointers to bufs ({@link #ptr}) and load-time workspaces. All
 * of these are computed once in the function's entry block from {@code %ctx}.
 */
public final class KernelEnv {
    private final ModuleLayout layout;
    private final NativeTarget target;
    private final String kernelName;

    public KernelEnv(ModuleLayout layout, NativeTarget target, String kernelName) {
        this.layout = layout;
        this.target = target;
        this.kernelName = kernelName;
    }

    public NativeTarget target() { return target; }

    /** Floats per vector register: 16 with AVX-512, 8 with AVX2, 4 with NEON or SSE. */
    public int lanes() { return target.lanes(); }

    /** The float vector type, e.g. {@code <16 x float>}. */
    public String vf() { return "<" + lanes() + " x float>"; }

    /** The LLVM name suffix of that vector type for intrinsics, e.g. {@code v16f32}. */
    public String vfSuffix() { return "v" + lanes() + "f32"; }

    /** This kernel's name in the module (e.g. {@code k3}); unique, usable as a prefix for helpers. */
    public String kernelName() { return kernelName; }

    /** A size as an i64 IR value: a literal when known, else computed from the symbols in %ctx. */
    public String dim(FunctionWriter f, Dim d) {
        return switch (d) {
            case Dim.Known k -> Long.toString(k.value());
            case Dim.Sym s -> f.entryValue("sym:" + s.name(), "load i64, ptr %s", slotPointer(f, layout.symbolSlot(s.name())));
            case Dim.Expr e -> {
                String a = dim(f, e.left()), b = dim(f, e.right());
                String op = switch (e.op()) {
                    case '+' -> "add";
                    case '-' -> "sub";
                    case '*' -> "mul";
                    case '/' -> "sdiv";
                    default -> throw new IllegalArgumentException("dim operator " + e.op());
                };
                yield f.entryValue("dim:" + d, "%s i64 %s, %s", op, a, b);
            }
        };
    }

    /** A pointer to the first element of {@code b} (its storage base plus its offset). */
    public String ptr(FunctionWriter f, Buf b) {
        int slot = layout.storageSlot(b);
        String base = f.entryValue("base:" + slot, "load ptr, ptr %s", slotPointer(f, slot));
        if (b.offset().isKnown() && b.offset().known().getAsLong() == 0) return base;
        String offset = dim(f, b.offset());
        return f.entryValue("ptr:" + slot + ":" + b.offset(), "getelementptr inbounds float, ptr %s, i64 %s", base, offset);
    }

    /** The IR element type of a buf's storage: {@code float}, or {@code i64} for integer inputs. */
    public String elementType(Buf b) {
        return isInteger(b.type().dtype()) ? "i64" : "float";
    }

    static boolean isInteger(DType t) {
        return !t.isFloat() && t != DType.BOOL;
    }

    /**
     * A pointer to this kernel's load-time workspace {@code name} of {@code elements} floats,
     * zeroed before {@code nnc_prepare} runs. The kernel fills it in its prepare step and reads
     * it at run time; the same name gives the same memory in both.
     */
    public String workspace(FunctionWriter f, String name, long elements) {
        int slot = layout.workspaceSlot(kernelName + "." + name, elements);
        return f.entryValue("base:" + slot, "load ptr, ptr %s", slotPointer(f, slot));
    }

    private String slotPointer(FunctionWriter f, int slot) {
        return f.entryValue("slot:" + slot, "getelementptr inbounds ptr, ptr %%ctx, i64 %d", slot);
    }
}
