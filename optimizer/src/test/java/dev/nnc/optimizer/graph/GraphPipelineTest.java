package dev.nnc.optimizer.graph;

import static dev.nnc.optimizer.graph.GraphPassTesting.assertSameOutputs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.IrParser;
import dev.nnc.ir.IrPrinter;
import dev.nnc.ir.Verifier;
import dev.nnc.optimizer.GraphPass;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.SyntheticWeights;
import dev.nnc.runtime.Tensor;
import dev.nnc.runtime.WeightBinder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** All five graph passes in pipeline order, on the example models and on a graph that gives each work. */
class GraphPipelineTest {
    static final Path EXAMPLES = Path.of("..", "examples");

    static final List<GraphPass> PASSES = List.of(new ConstantFolding(), new AlgebraicSimplification(),
            new BatchNormFolding(), new CommonSubexpressionElimination(), new DeadCodeElimination());

    static Graph runAll(Graph g) {
        for (GraphPass p : PASSES) {
            g = p.run(g);
            Verifier.verify(g);
        }
        return g;
    }

    /** The example models' outputs are unchanged (within 1e-6 relative) after every pass, and their weights still bind. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"mlp, x", "mnist_cnn, image", "cifar_cnn, image", "catsdogs_cnn, image"})
    void exampleModelsKeepTheirOutputs(String model, String input) {
        Frontend.Result r = new Frontend().compile(EXAMPLES.resolve(model + ".nn"));
        assertTrue(r.ok(), () -> r.diagnostics().render());
        Graph g = r.models().values().iterator().next();
        Map<String, Tensor> file = weights(model, g);
        Graph optimized = runAll(g);
        assertEquals(g.paramSpecs(), optimized.paramSpecs(), "the weight file still binds");
        Tensor x = Npy.read(EXAMPLES.resolve("fixtures").resolve(model).resolve(input + ".npy"));
        assertSameOutputs(g, optimized, Map.of(input, x), WeightBinder.bind(optimized.paramSpecs(), file, model), 1e-6);
    }

    private static Map<String, Tensor> weights(String model, Graph g) {
        if (model.equals("catsdogs_cnn")) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (var p : g.paramSpecs()) out.put(p.name(), SyntheticWeights.generate(p.name(), p.shape(), 0));
            return out;
        }
        return Safetensors.read(EXAMPLES.resolve("fixtures").resolve(model).resolve("weights.safetensors"));
    }

    /**
     * A residual block where every pass has work: constants fold into the scale, the dropout and
     * the multiply by one go, the batch norm folds, the duplicated relu merges, and what is left
     * unused disappears; the unused input and every parameter stay.
     */
    static final String BLOCK = """
            graph Block {
              %0 = input {name="image"} : f32[B,2,5,5]
              %1 = input {name="unused"} : f32[1]
              %2 = param {name="conv.weight", init="zeros"} : f32[2,2,3,3]
              %3 = conv2d(%0, %2) {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1} : f32[B,2,5,5]
              %4 = param {name="bn.weight", init="ones"} : f32[2]
              %5 = param {name="bn.bias", init="zeros"} : f32[2]
              %6 = param {name="bn.running_mean", init="zeros"} : f32[2]
              %7 = param {name="bn.running_var", init="ones"} : f32[2]
              %8 = batch_norm(%3, %4, %5, %6, %7) {eps=1.0E-5} : f32[B,2,5,5]
              %9 = dropout(%8) {rate=0.1} : f32[B,2,5,5]
              %10 = relu(%9) : f32[B,2,5,5]
              %11 = relu(%8) : f32[B,2,5,5]
              %12 = constant {value=0.5} : f32[]
              %13 = constant {value=2.0} : f32[]
              %14 = mul(%12, %13) : f32[]
              %15 = mul(%11, %14) : f32[B,2,5,5]
              %16 = add(%10, %15) : f32[B,2,5,5]
              %17 = add(%16, %0) : f32[B,2,5,5]
              %18 = exp(%0) : f32[B,2,5,5]
              return y=%17
            }
            """;

    @Test void everyPassOnABlock() {
        Graph before = IrParser.parse(BLOCK);
        Graph after = runAll(before);
        assertEquals("""
                graph Block {
                  %0 = input {name="image"} : f32[B,2,5,5]
                  %1 = input {name="unused"} : f32[1]
                  %2 = param {name="conv.weight", init="zeros"} : f32[2,2,3,3]
                  %3 = param {name="bn.weight", init="ones"} : f32[2]
                  %4 = param {name="bn.bias", init="zeros"} : f32[2]
                  %5 = param {name="bn.running_mean", init="zeros"} : f32[2]
                  %6 = param {name="bn.running_var", init="ones"} : f32[2]
                  %7 = constant {value=1.0E-5} : f32[]
                  %8 = add(%6, %7) : f32[2]
                  %9 = rsqrt(%8) : f32[2]
                  %10 = mul(%3, %9) : f32[2]
                  %11 = reshape(%10) {shape=[2,1,1,1]} : f32[2,1,1,1]
                  %12 = mul(%2, %11) : f32[2,2,3,3]
                  %13 = mul(%5, %10) : f32[2]
                  %14 = sub(%4, %13) : f32[2]
                  %15 = conv2d(%0, %12, %14) {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1} : f32[B,2,5,5]
                  %16 = relu(%15) : f32[B,2,5,5]
                  %17 = add(%16, %16) : f32[B,2,5,5]
                  %18 = add(%17, %0) : f32[B,2,5,5]
                  return y=%18
                }
                """, IrPrinter.print(after));
        Random rnd = new Random(5);
        assertSameOutputs(before, after, GraphPassTesting.randomInputs(before, rnd, 2),
                GraphPassTesting.randomWeights(before, rnd), BatchNormFoldingTest.TOLERANCE);
    }
}
