package dev.nnc.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.ModelLoader;
import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.interp.Interpreter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.SyntheticWeights;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.WeightBinder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example model at every optimization level, with the IR verifiers after every pass,
 * compiled to bytecode, matches the reference interpreter and PyTorch's fixture output:
 * |actual - expected| <= 1e-4 * |expected| + 1e-5 per element (f32 kernels sum in a different
 * order than the interpreter's double accumulation and PyTorch's kernels).
 */
class OptimizedExamplesTest {
    static final Path EXAMPLES = Path.of("..", "examples");

    static List<Object[]> cases() {
        List<Object[]> out = new ArrayList<>();
        String[][] models = {{"mlp", "x"}, {"mnist_cnn", "image"}, {"cifar_cnn", "image"}, {"catsdogs_cnn", "image"},
                {"transformer_small", "x"}, {"bert_small", "input_ids token_type_ids attention_mask"}, {"resnet_small", "image"}};
        for (String[] m : models) for (OptLevel l : OptLevel.values()) out.add(new Object[] {m[0], m[1], l});
        return out;
    }

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

    @ParameterizedTest(name = "{0} -{2}")
    @MethodSource("cases")
    void matchesInterpreterAndPyTorch(String model, String inputs, OptLevel level) {
        Graph g = compile(model);
        Map<String, Tensor> w = weights(model, g);
        Map<String, Tensor> x = new LinkedHashMap<>();
        for (String name : inputs.split(" ")) x.put(name, Npy.read(EXAMPLES.resolve("fixtures").resolve(model).resolve(name + ".npy")));
        KernelProgram p = PassManager.forLevel(level).verifyEach(true).run(g);
        CompiledModel m = ModelLoader.instantiate(JvmBackend.compile(p, JvmBackend.className(g.name())), w);
        Tensor actual = m.run(x).get("output");
        Tensor reference = Interpreter.run(g, x, WeightBinder.bind(g.paramSpecs(), w, model)).get("output");
        Tensor torch = Npy.read(EXAMPLES.resolve("fixtures").resolve(model).resolve("output.npy"));
        assertClose(reference, actual);
        assertClose(torch, actual);
    }

    static void assertClose(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i), a = actual.getDouble(i);
            int index = i;
            assertTrue(Math.abs(e - a) <= 1e-4 * Math.abs(e) + 1e-5, () -> "element " + index + ": expected " + e + " got " + a);
        }
    }
}
