package dev.nnc.codegen.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.interp.Interpreter;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Lowering;
import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.InputMismatchException;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.SyntheticWeights;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.WeightBinder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every example model compiled to bytecode matches the reference interpreter, and PyTorch's
 * fixture output: |jvm - expected| <= 1e-4 * |expected| + 1e-5 per element (f32 kernels with
 * different summation order than the interpreter's double accumulation).
 */
class ExampleModelsTest {
    static final Path EXAMPLES = Path.of("..", "examples");

    static Graph compile(String model) {
        Frontend.Result r = new Frontend().compile(EXAMPLES.resolve(model + ".nn"));
        assertTrue(r.ok(), () -> r.diagnostics().render());
        return r.models().values().iterator().next();
    }

    static Map<String, Tensor> weights(String model, Graph g) {
        if (model.equals("catsdogs_cnn")) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (var p : g.paramSpecs()) out.put(p.name(), SyntheticWeights.generate(p.name(), p.shape(), 0));
            return out;
        }
        return Safetensors.read(EXAMPLES.resolve("fixtures").resolve(model).resolve("weights.safetensors"));
    }

    /** The fixture's inputs, named as in {@code inputs} (separated by spaces). */
    static Map<String, Tensor> inputs(String model, String inputs) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (String name : inputs.split(" ")) in.put(name, Npy.read(EXAMPLES.resolve("fixtures").resolve(model).resolve(name + ".npy")));
        return in;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"mlp, x", "mnist_cnn, image", "cifar_cnn, image", "catsdogs_cnn, image", "transformer_small, x",
            "bert_small, input_ids token_type_ids attention_mask", "resnet_small, image"})
    void matchesInterpreterAndPyTorch(String model, String inputs) {
        Graph g = compile(model);
        Map<String, Tensor> w = weights(model, g);
        Map<String, Tensor> x = inputs(model, inputs);
        JvmBackend.Result compiled = JvmBackend.compile(verified(Lowering.lower(g)), JvmBackend.className(g.name()));
        CompiledModel m = ModelLoader.instantiate(compiled, w);
        Tensor actual = m.run(x).get("output");
        Tensor reference = Interpreter.run(g, x, WeightBinder.bind(g.paramSpecs(), w, model)).get("output");
        Tensor torch = Npy.read(EXAMPLES.resolve("fixtures").resolve(model).resolve("output.npy"));
        assertClose(reference, actual);
        assertClose(torch, actual);
    }

    /** BERT reads the first S rows of its position table: a longer sequence is refused, naming the size and the table. */
    @Test
    void aSequenceLongerThanThePositionTableIsRefused() {
        Graph g = compile("bert_small");
        CompiledModel m = ModelLoader.instantiate(JvmBackend.compile(verified(Lowering.lower(g)), "BertSmallLimit"),
                weights("bert_small", g));
        Tensor ids = Tensor.ofLongs(DType.I64, new int[] {1, 65}, new long[65]);
        var e = assertThrows(InputMismatchException.class,
                () -> m.run(Map.of("input_ids", ids, "token_type_ids", ids, "attention_mask", ids)));
        assertEquals("size S = 65 is larger than 64, the most this model supports: the model reads the first S entries "
                + "of axis 0 of 'embeddings.position_embeddings.weight' (f32[64,128])", e.getMessage());
        Tensor fits = Tensor.ofLongs(DType.I64, new int[] {1, 64}, new long[64]);
        assertArrayEquals(new int[] {1, 64, 128},
                m.run(Map.of("input_ids", fits, "token_type_ids", fits, "attention_mask", fits)).get("output").shape());
    }

    /** mnist_cnn as the optimizer fuses it (relu, bias and transposed weights in the conv and matmul kernels), written by hand. */
    static KernelProgram fusedMnist() throws java.io.IOException {
        return KernelParser.parse(java.nio.file.Files.readString(Path.of("src/test/resources/golden/mnist_cnn_fused.kernels")));
    }

    @Test
    void handFusedMnistMatchesInterpreterAndPyTorch() throws Exception {
        Graph g = compile("mnist_cnn");
        Map<String, Tensor> w = weights("mnist_cnn", g);
        Tensor x = Npy.read(EXAMPLES.resolve("fixtures/mnist_cnn/image.npy"));
        KernelProgram fused = verified(fusedMnist());
        assertEquals(Lowering.lower(g).weights(), fused.weights());
        CompiledModel m = ModelLoader.instantiate(JvmBackend.compile(fused, "MnistCnnFused"), w);
        Tensor actual = m.run(Map.of("image", x)).get("output");
        assertClose(Interpreter.run(g, Map.of("image", x), WeightBinder.bind(g.paramSpecs(), w, "mnist_cnn")).get("output"), actual);
        assertClose(Npy.read(EXAMPLES.resolve("fixtures/mnist_cnn/output.npy")), actual);
    }

    static void assertClose(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i), a = actual.getDouble(i);
            int index = i;
            assertTrue(Math.abs(e - a) <= 1e-4 * Math.abs(e) + 1e-5, () -> "element " + index + ": expected " + e + " got " + a);
        }
    }

    /** The verifier runs on every lowered program. */
    static dev.nnc.ir.kernel.KernelProgram verified(dev.nnc.ir.kernel.KernelProgram p) {
        dev.nnc.ir.kernel.KernelVerifier.verify(p);
        return p;
    }
}
