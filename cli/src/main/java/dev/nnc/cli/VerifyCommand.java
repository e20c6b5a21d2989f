package dev.nnc.cli;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.runtime.Tensor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nnc verify FILE --weights W --input X.npy}: the optimized model on every backend against the reference interpreter. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Checks the optimized model on every backend against the reference interpreter.",
                "Compiles with the chosen -O level, runs the result on each backend (jvm and",
                "native, and cuda with --cuda) and the unoptimized model on the interpreter, and prints per backend",
                "and output the largest absolute and relative error and PASS or FAIL.",
                "An element passes when |got - expected| <= TOL*|expected| + ABS",
                "(default: 1e-4 relative + 1e-5 absolute). On a failure it bisects the",
                "pass pipeline, names the first pass whose output diverges, and exits with 1."})
final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The .nn file with the model.")
    Path file;

    @Mixin
    ModelData data;

    @Option(names = "--tolerance", paramLabel = "TOL", defaultValue = "1e-4",
            description = "Relative tolerance per element (default ${DEFAULT-VALUE}).")
    double relative;

    @Option(names = "--abs-tolerance", paramLabel = "ABS", defaultValue = "1e-5",
            description = "Absolute tolerance per element, added to the relative one (default ${DEFAULT-VALUE}).")
    double absolute;

    @Option(names = "--cuda", description = "Also run the CUDA backend on this machine's GPU (PTX for --gpu).")
    boolean cuda;

    @Mixin
    CudaOptions cudaOptions;

    @Mixin
    CompileOptions options;

    @Mixin
    OptimizeOptions optimize;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Tolerance tolerance = new Tolerance(relative, absolute);
        optimize.check();
        Frontend.Result r = options.compile(file, err);
        Graph g = options.single(r);
        Map<String, Tensor> params = data.params(g, err);
        Map<String, Tensor> in = data.inputs(g);
        List<Verification.Backend> backends = new java.util.ArrayList<>(List.of(Verification.Backend.JVM, Verification.Backend.NATIVE));
        if (cuda) {
            CudaCompilation.requireDevice();
            backends.add(Verification.Backend.cuda(cudaOptions.target()));
        }
        return new Verification(g, params, in, tolerance, backends)
                .run(m -> JvmCompilation.lower(m, optimize, err), optimize.pipeline(), "-" + optimize.level, out, err);
    }
}
