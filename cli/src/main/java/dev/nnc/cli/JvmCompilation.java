package dev.nnc.cli;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.UnsupportedByBackend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import java.io.PrintWriter;

/** Graph IR through the optimizer to JVM classes, with the backend's warnings printed (or, with --strict, refused). */
final class JvmCompilation {
    private JvmCompilation() {}

    /** The optimized kernel program of the chosen -O level. */
    static KernelProgram lower(Graph g, OptimizeOptions optimize, PrintWriter err) {
        KernelProgram p = optimize.optimize(g, err);
        Reproducer.reached("kernel IR of " + g.name(), KernelPrinter.print(p));
        return p;
    }

    static JvmBackend.Result compile(Graph g, OptimizeOptions optimize, String packageName, boolean strict, PrintWriter err) {
        return compile(lower(g, optimize, err), packageName, strict, err);
    }

    /** An already optimized program to classes. */
    static JvmBackend.Result compile(KernelProgram p, String packageName, boolean strict, PrintWriter err) {
        String className = (packageName == null || packageName.isEmpty() ? "" : packageName + ".") + JvmBackend.className(p.name());
        JvmBackend.Result result;
        try {
            result = JvmBackend.compile(p, className);
        } catch (UnsupportedByBackend e) {
            throw new UserError("model " + p.name() + " cannot be compiled for the JVM backend: " + e.getMessage()
                    + " (run it with --backend=interp)");
        }
        for (String w : result.warnings()) {
            if (strict) throw new UserError(w + " (--strict makes this an error)");
            err.println("warning: " + w);
        }
        err.flush();
        return result;
    }
}
