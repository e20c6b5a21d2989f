package dev.nnc.cli;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.UnsupportedByBackend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Lowering;
import java.io.PrintWriter;

/** Graph IR to JVM classes, with the backend's warnings printed (or, with --strict, refused). */
final class JvmCompilation {
    private JvmCompilation() {}

    static KernelProgram lower(Graph g) {
        KernelProgram p = Lowering.lower(g);
        Reproducer.reached("kernel IR of " + g.name(), KernelPrinter.print(p));
        return p;
    }

    static JvmBackend.Result compile(Graph g, String packageName, boolean strict, PrintWriter err) {
        String className = (packageName == null || packageName.isEmpty() ? "" : packageName + ".") + JvmBackend.className(g.name());
        JvmBackend.Result result;
        try {
            result = JvmBackend.compile(lower(g), className);
        } catch (UnsupportedByBackend e) {
            throw new UserError("model " + g.name() + " cannot be compiled for the JVM backend: " + e.getMessage()
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
