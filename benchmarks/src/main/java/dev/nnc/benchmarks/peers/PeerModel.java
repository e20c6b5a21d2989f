package dev.nnc.benchmarks.peers;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.ModelLoader;
import dev.nnc.codegen.nativecode.NativeBackend;
import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.SampleInputs;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.Model;
import dev.nnc.runtime.ParamSpec;
import dev.nnc.runtime.SyntheticWeights;
import dev.nnc.runtime.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One example model as the peer benchmarks use it: {@code examples/NAME.nn} with the
 * reference script's synthetic weights (seed 0, as in {@code benchmarks/onnx/NAME.onnx}),
 * and seeded sample inputs at a batch size, the same for nnc, ONNX Runtime and PyTorch.
 * Paths are relative to the repository root (the benchmarks run from there).
 */
public record PeerModel(String name, Graph graph, Map<String, Long> dims, Map<String, Tensor> inputs) {
    /** Symbolic dims other than the batch (a sequence length) take the length the ONNX files are exported with. */
    static final long SEQUENCE = 128;

    public static PeerModel load(String name, int batch) {
        Graph g = graph(name);
        Map<String, Long> dims = dims(g, batch);
        return new PeerModel(name, g, dims, SampleInputs.generate(g, dims, 1));
    }

    /** The model of {@code examples/NAME.nn}. */
    public static Graph graph(String name) {
        Path source = Path.of(System.getProperty("nnc.examples", "examples"), name + ".nn");
        if (!Files.isRegularFile(source)) throw new IllegalArgumentException("no example model " + source);
        Frontend.Result r = new Frontend().compile(source);
        if (!r.ok()) throw new IllegalStateException(r.diagnostics().render());
        return r.models().values().iterator().next();
    }

    /** The first symbolic dim of the inputs is the batch; any other is {@link #SEQUENCE}. */
    public static Map<String, Long> dims(Graph g, int batch) {
        Map<String, Long> dims = new LinkedHashMap<>();
        List<String> symbols = SampleInputs.symbols(g);
        for (int i = 0; i < symbols.size(); i++) dims.put(symbols.get(i), i == 0 ? (long) batch : SEQUENCE);
        return dims;
    }

    public static Path onnxFile(String name) {
        return Path.of(System.getProperty("nnc.onnx", "benchmarks/onnx"), name + ".onnx");
    }

    public Map<String, Tensor> weights() {
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (ParamSpec p : graph.paramSpecs()) w.put(p.name(), SyntheticWeights.generate(p.name(), p.shape(), 0));
        return w;
    }

    /** The shape of the first output for these inputs. */
    public int[] outputShape() {
        return graph.outputs().getFirst().value().type().shape().eval(dims);
    }

    /** nnc's model at -O2 on {@code backend} (jvm or native); close native models. */
    public Model compile(String backend) {
        KernelProgram program = PassManager.forLevel(OptLevel.O2).run(graph);
        return switch (backend) {
            case "jvm" -> ModelLoader.instantiate(JvmBackend.compile(program, JvmBackend.className(graph.name())), weights());
            case "native" -> NativeBackend.load(program, weights());
            default -> throw new IllegalArgumentException("unknown nnc backend " + backend);
        };
    }

    public OrtModel onnxRuntime(int threads) throws Exception {
        return new OrtModel(onnxFile(name), threads, inputs, outputShape());
    }
}
