package dev.nnc.cli;

import dev.nnc.codegen.nativecode.NativeCompileException;
import dev.nnc.codegen.nativecode.NativeTarget;
import picocli.CommandLine.Option;

/** Options of the native backend: what machine the code is for. */
final class NativeOptions {
    @Option(names = "--target", paramLabel = "TRIPLE",
            description = "Target triple of native code, e.g. x86_64-linux-gnu or aarch64-linux-gnu (default: this machine).")
    String triple;

    @Option(names = "--cpu", paramLabel = "NAME",
            description = "CPU to tune native code for, e.g. znver4, skylake-avx512, neoverse-v1 (default: this machine's, "
                    + "or generic for another architecture).")
    String cpu;

    /** The target asked for: this machine unless --target or --cpu says otherwise. */
    NativeTarget target() {
        if (triple == null && cpu == null) return NativeTarget.host();
        try {
            return NativeTarget.of(triple == null ? NativeTarget.host().triple() : triple, cpu);
        } catch (NativeCompileException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** A target whose code can run in this process, or a user error saying why not. */
    NativeTarget runnableTarget() {
        NativeTarget t = target();
        NativeTarget host = NativeTarget.host();
        if (!t.arch().equals(host.arch())) {
            throw new UserError("code for " + t.triple() + " cannot run on this " + host.arch() + " machine; "
                    + "write it with 'nnc build --backend=native --target=" + t.triple() + "' instead");
        }
        return t;
    }
}
