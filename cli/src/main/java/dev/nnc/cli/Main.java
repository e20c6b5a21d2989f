package dev.nnc.cli;

import dev.nnc.codegen.nativecode.NativeCompiler;
import dev.nnc.frontend.AstPrinter;
import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.IrPrinter;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.optimizer.report.DotWriter;
import dev.nnc.ir.interp.InputError;
import dev.nnc.runtime.TensorFormatException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code nnc} command. With a file and no subcommand it compiles, as javac would, and
 * prints what {@code --emit} asks for. Exit codes: 0 ok, 1 user error, 2 internal error
 * (a compiler bug, reported with a reproducer file).
 */
@Command(name = "nnc", mixinStandardHelpOptions = true, version = "nnc 0.1.0",
        description = {"Compiles neural-network models written in the .nn language.", "",
                "  nnc FILE [-o OUT.jar]        compile to a jar of JVM classes (as nnc build)",
                "  nnc FILE --emit=STAGE        print a stage: ast, ir, kernel-ir, jvm, llvm, asm, ptx, dot, svg",
                "  nnc FILE --stats[=json]      print ops, kernels, memory and flops",
                "  nnc check FILE               report errors only",
                "  nnc run FILE --weights W --input X.npy   run a model",
                "  nnc verify FILE -w W -i X.npy   check the optimized model on every backend",
                "  nnc bench FILE [--batch N] [--backend B]   time a model",
                "  nnc build FILE -o OUT.jar    write the model classes as a jar",
                "  nnc build FILE --backend=native -o libNAME.so   a shared library + C header",
                "Every compiling command takes -O0, -O1 or -O2 (the default), --print-after=PASS,",
                "--print-after-all and --time-passes."},
        subcommands = {CheckCommand.class, RunCommand.class, VerifyCommand.class, BuildCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    /** What {@code --emit} can show. */
    enum Emit {
        AST("ast"), IR("ir"), KERNEL_IR("kernel-ir"), JVM("jvm"), LLVM("llvm"), ASM("asm"), PTX("ptx"), DOT("dot"), SVG("svg");

        final String text;

        Emit(String text) { this.text = text; }

        @Override public String toString() { return text; }

        static Emit parse(String s) {
            for (Emit e : values()) if (e.text.equalsIgnoreCase(s)) return e;
            throw new CommandLine.TypeConversionException("expected one of ast, ir, kernel-ir, jvm, llvm, asm, ptx, dot, svg but found '" + s + "'");
        }
    }

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The .nn file to compile.")
    Path file;

    @Option(names = "--emit", paramLabel = "STAGE", converter = EmitConverter.class,
            description = "Print a stage instead of writing a jar: ast, ir, kernel-ir (optimized), jvm (a bytecode "
                    + "listing), llvm (the native backend's LLVM IR after -O3), asm (its assembly for --target/--cpu), ptx (the CUDA backend's PTX for --gpu), dot (the optimized kernels as a Graphviz graph) or svg (that graph rendered by "
                    + "Graphviz's dot, which must be installed).")
    Emit emit;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "Where to write: the jar (default: the model's name .jar), or the emitted text (default: standard output).")
    Path output;

    @Mixin
    CompileOptions options;

    @Mixin
    BackendOptions backend;

    @Mixin
    OptimizeOptions optimize;

    @Mixin
    StatsOptions stats;

    @Mixin
    NativeOptions nativeOptions;

    @Mixin
    OutputBackend outputBackend;

    @Mixin
    CudaOptions cudaOptions;

    static final class EmitConverter implements CommandLine.ITypeConverter<Emit> {
        @Override public Emit convert(String value) { return Emit.parse(value); }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (file == null) {
            spec.commandLine().usage(spec.commandLine().getErr());
            return 1;
        }
        optimize.check();
        if (stats.requested()) {
            if (emit != null) throw new UserError("--stats and --emit each print a report; give one of them");
            Frontend.Result r = options.compile(file, spec.commandLine().getErr());
            stats.report(options.selectedModels(r), optimize, spec.commandLine().getOut(), spec.commandLine().getErr());
            return 0;
        }
        if (emit == null) {
            BuildCommand build = new BuildCommand();
            build.file = file;
            build.output = output;
            build.options = options;
            build.backend = backend;
            build.outputBackend = outputBackend;
            build.nativeOptions = nativeOptions;
            build.cudaOptions = cudaOptions;
            build.optimize = optimize;
            build.spec = spec;
            return build.call();
        }
        String text;
        if (emit == Emit.AST) {
            // The AST is shown even when later checks fail; the exit code still reports them.
            Frontend.Result r = options.compileKeepingErrors(file, spec.commandLine().getErr());
            if (r.ast() == null) throw new CompileFailed();
            Output.write(AstPrinter.print(r.ast()), output, spec.commandLine().getOut());
            if (!r.ok()) throw new CompileFailed();
            return 0;
        } else {
            PrintWriter err = spec.commandLine().getErr();
            Frontend.Result r = options.compile(file, err);
            List<Graph> models = options.selectedModels(r);
            if (emit == Emit.SVG && models.size() > 1) {
                throw new UserError("--emit=svg draws one model, but the file defines " + models.size()
                        + "; choose one with --model NAME (or use --emit=dot)");
            }
            StringBuilder out = new StringBuilder();
            for (Graph g : models) {
                out.append(switch (emit) {
                    case IR -> IrPrinter.print(g);
                    case KERNEL_IR -> KernelPrinter.print(JvmCompilation.lower(g, optimize, err));
                    case JVM -> BytecodeListing.of(JvmCompilation.compile(g, optimize, backend.packageName, backend.strict, err));
                    case LLVM -> NativeCompiler.optimizedIr(NativeCompilation.emit(JvmCompilation.lower(g, optimize, err),
                            nativeOptions.target()), nativeOptions.target());
                    case ASM -> NativeCompiler.assembly(NativeCompilation.emit(JvmCompilation.lower(g, optimize, err),
                            nativeOptions.target()), nativeOptions.target());
                    case PTX -> CudaCompilation.ptx(JvmCompilation.lower(g, optimize, err), cudaOptions.target());
                    case DOT -> DotWriter.write(JvmCompilation.lower(g, optimize, err));
                    case SVG -> Graphviz.svg(DotWriter.write(JvmCompilation.lower(g, optimize, err)));
                    case AST -> throw new IllegalStateException("handled above");
                });
            }
            text = out.toString();
        }
        Output.write(text, output, spec.commandLine().getOut());
        return 0;
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code; never throws. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + ex.getMessage());
            err.println("Try 'nnc " + (ex.getCommandLine() == cli ? "" : ex.getCommandLine().getCommandName() + " ")
                    + "--help' for usage.");
            return 1;
        });
        cli.setExecutionExceptionHandler((ex, command, parsed) -> handle(ex, args, err));
        return cli.execute(args);
    }

    /** Maps an exception from a command to its message and exit code; anything unexpected is a compiler bug. */
    static int handle(Exception ex, String[] args, PrintWriter err) {
        switch (ex) {
            case CompileFailed c -> {
                return 1;
            }
            case UserError u -> err.println("error: " + u.getMessage());
            case TensorFormatException t -> err.println("error: " + t.getMessage());
            case InputError i -> err.println("error: " + i.getMessage());
            case dev.nnc.runtime.InputMismatchException i -> err.println("error: " + i.getMessage());
            default -> {
                Path report = Reproducer.write(args, ex);
                err.println("internal compiler error: " + ex);
                err.println("This is a bug in nnc, not in your model.");
                err.println(report == null ? "(the reproducer file could not be written)"
                        : "A reproducer (input, IR reached, stack trace) was written to " + report);
                return 2;
            }
        }
        return 1;
    }
}
