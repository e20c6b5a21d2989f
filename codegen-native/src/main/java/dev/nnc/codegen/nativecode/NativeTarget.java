package dev.nnc.codegen.nativecode;

import static org.bytedeco.llvm.global.LLVM.*;

import java.util.Arrays;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;

/**
 * What the native code is compiled for: an LLVM target triple, a CPU name and its feature
 * string ({@code +avx512f,...}). {@link #host()} detects this machine; {@link #of} names
 * another, e.g. {@code aarch64-linux-gnu} with CPU {@code generic}.
 *
 * @param vectorBits the SIMD register width the emitters size their vectors for
 */
public record NativeTarget(String triple, String cpu, String features, int vectorBits) {

    /** This machine, as LLVM detects it. */
    public static NativeTarget host() {
        Llvm.initialize();
        String triple = string(LLVMGetDefaultTargetTriple());
        String cpu = string(LLVMGetHostCPUName());
        String features = string(LLVMGetHostCPUFeatures());
        return new NativeTarget(triple, cpu, features, vectorBits(triple, features));
    }

    /**
     * A named target. A null {@code cpu} means the host CPU when the triple is the host's
     * architecture, else {@code generic}; features follow the CPU.
     */
    public static NativeTarget of(String triple, String cpu) {
        NativeTarget host = host();
        String normalized = string(LLVMNormalizeTargetTriple(new BytePointer(triple)));
        org.bytedeco.llvm.LLVM.LLVMTargetRef t = new org.bytedeco.llvm.LLVM.LLVMTargetRef();
        BytePointer error = new BytePointer((org.bytedeco.javacpp.Pointer) null);
        if (LLVMGetTargetFromTriple(new BytePointer(normalized), t, error) != 0) {
            String why = error.address() == 0 ? "" : ": " + string(error).strip();
            throw new NativeCompileException("unknown target '" + triple + "'" + why
                    + " (this LLVM generates code for x86_64, aarch64 and nvptx64 triples, e.g. aarch64-linux-gnu)");
        }
        boolean sameArch = arch(normalized).equals(arch(host.triple));
        if (cpu == null || cpu.isEmpty()) cpu = sameArch ? host.cpu : "generic";
        String features = sameArch && cpu.equals(host.cpu) ? host.features : "";
        return new NativeTarget(normalized, cpu, features, vectorBits(normalized, features.isEmpty() ? impliedFeatures(normalized, cpu) : features));
    }

    public String arch() { return arch(triple); }

    /** The platform name the runtime's NativeLibrary looks for: {@code linux-x86_64}, {@code linux-aarch64}. */
    public String platform() {
        String os = triple.contains("linux") ? "linux" : triple.substring(triple.lastIndexOf('-') + 1);
        return os + "-" + (isAArch64() ? "aarch64" : arch());
    }

    /** Floats per vector register. */
    public int lanes() { return vectorBits / 32; }

    public boolean isX86() { return arch().equals("x86_64"); }

    public boolean isAArch64() { return arch().equals("aarch64") || arch().equals("arm64"); }

    @Override public String toString() { return triple + " cpu=" + cpu + " (" + vectorBits + "-bit vectors)"; }

    private static String arch(String triple) {
        int dash = triple.indexOf('-');
        return (dash < 0 ? triple : triple.substring(0, dash)).toLowerCase(Locale.ROOT);
    }

    /** The widest vector the features enable (x86: 512 with avx512f, 256 with avx2, else 128; AArch64: 128, NEON). */
    static int vectorBits(String triple, String features) {
        String a = arch(triple);
        if (!a.equals("x86_64")) return 128;
        var f = Arrays.asList(features.split(","));
        if (f.contains("+avx512f")) return 512;
        if (f.contains("+avx2") || f.contains("+avx")) return 256;
        return 128;
    }

    /** Features of a named x86 CPU that we can read off its name without asking LLVM. */
    private static String impliedFeatures(String triple, String cpu) {
        String c = cpu.toLowerCase(Locale.ROOT);
        if (c.startsWith("znver4") || c.startsWith("znver5") || c.contains("avx512") || c.equals("skylake-avx512")
                || c.equals("icelake-server") || c.equals("sapphirerapids") || c.equals("x86-64-v4")) return "+avx512f";
        if (c.startsWith("znver") || c.equals("haswell") || c.equals("skylake") || c.equals("x86-64-v3")) return "+avx2";
        return "";
    }

    private static String string(BytePointer p) {
        String s = p.getString();
        LLVMDisposeMessage(p);
        return s;
    }
}
