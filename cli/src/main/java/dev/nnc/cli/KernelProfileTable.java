package dev.nnc.cli;

import dev.nnc.ir.IrPrinter;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.report.FlopCounter;
import dev.nnc.runtime.KernelProfile;
import dev.nnc.runtime.NativeCompiledModel;
import dev.nnc.runtime.PreparedCall;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code nnc bench --profile}: the time of each run-time kernel of a native model, as a table. */
final class KernelProfileTable {
    private KernelProfileTable() {}

    /** Runs as many calls as the timed runs made, with every kernel timed, and prints one row per kernel. */
    static void print(KernelProgram program, NativeCompiledModel model, PreparedCall call, BenchTimer.Timing timing,
                      Map<String, Long> dims, PrintWriter out) {
        List<Kernel> kernels = program.kernels();
        KernelProfile profile = new KernelProfile(kernels.size());
        long calls = (long) timing.runs() * timing.callsPerRun();
        model.profile(profile);
        long start = System.nanoTime();
        try {
            for (long c = 0; c < calls; c++) call.run();
        } finally {
            model.profile(null);
        }
        double wallPerCall = (double) (System.nanoTime() - start) / calls;
        long total = 0;
        for (int k = 0; k < kernels.size(); k++) total += profile.nanos(k);
        out.printf(Locale.ROOT, "  kernels over %,d calls (%s per call, %s of it in kernels; the rest is copying inputs and outputs "
                + "and the host's per-call work):%n", calls, BenchCommand.duration(wallPerCall),
                BenchCommand.duration((double) total / calls));
        out.printf(Locale.ROOT, "  %4s  %6s  %10s  %8s  %s%n", "#", "share", "per call", "GFLOP/s", "kernel");
        for (int k = 0; k < kernels.size(); k++) {
            Kernel kernel = kernels.get(k);
            double nanos = (double) profile.nanos(k) / calls;
            long flops = FlopCounter.count(kernel, dims);
            String gflops = flops == 0 || nanos == 0 ? "" : String.format(Locale.ROOT, "%.1f", flops / nanos);
            out.printf(Locale.ROOT, "  %4d  %5.1f%%  %10s  %8s  %s%n", k, total == 0 ? 0 : 100.0 * profile.nanos(k) / total,
                    BenchCommand.duration(nanos), gflops, label(kernel));
        }
    }

    /**
     * The kernel's op, output type, layout, epilogue and fused pooling, e.g.
     * {@code conv2d -> f32[B,13,13,32] nhwc then relu(%0) then max pool 2x2}.
     */
    static String label(Kernel k) {
        String line = KernelPrinter.print(k);
        int paren = line.indexOf('(');
        String op = paren < 0 ? line : line.substring(0, paren).trim();
        StringBuilder sb = new StringBuilder(op).append(" -> ").append(IrPrinter.type(k.out().type()));
        if (line.contains("layout=nhwc")) sb.append(" nhwc");
        int epilogue = line.indexOf("epilogue(");
        if (epilogue >= 0) {
            String e = line.substring(line.indexOf('=', epilogue) + 1).trim();
            if (!e.equals("%0")) sb.append(" then ").append(e);
        }
        if (k instanceof Kernel.Conv2d c && c.pooled()) {
            sb.append(" then max pool ").append(c.pool().get(0)).append('x').append(c.pool().get(1));
        }
        return sb.toString();
    }
}
