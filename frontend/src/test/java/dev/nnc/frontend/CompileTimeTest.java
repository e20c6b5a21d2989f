package dev.nnc.frontend;

import static dev.nnc.frontend.ElaborationTest.compile;
import static dev.nnc.frontend.ElaborationTest.example;
import static dev.nnc.frontend.ElaborationTest.nodes;
import static dev.nnc.frontend.ElaborationTest.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.Graph;
import dev.nnc.ir.Node;
import dev.nnc.ir.Op;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Compile-time evaluation: 'if' with comparisons and logic, math.* functions, and the layers built on them. */
class CompileTimeTest {

    /** The value of a compile-time condition, seen through which branch a model built (neg only in the else branch). */
    static boolean decides(String condition) {
        Graph g = compile("model M(x: f32[B, 4]) -> f32[B, 4] { if " + condition + " { x } else { -x } }");
        return nodes(g, Op.NEG).isEmpty();
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = ';', value = {
            "1 < 2 ; true", "2 <= 2 ; true", "3 > 4 ; false", "2.5 >= 2 ; true", "1 == 1.0 ; true", "0.0 == -0.0 ; true",
            "7 != 7 ; false", "\"same\" == \"same\" ; true", "\"a\" != \"b\" ; true", "true == false ; false",
            "!(1 == 1) || 3 > 2 ; true", "1 < 2 && 2 < 1 ; false", "!true ; false", "2 * 3 == 6 && 10 / 5 == 2 ; true",
            // && and || do not evaluate their right side when the left decides: 1 / 0 is never computed.
            "false && 1 / 0 == 0 ; false", "true || 1 / 0 == 0 ; true"})
    void conditionsAreDecidedAtCompileTime(String condition, boolean value) {
        assertEquals(value, decides(condition));
    }

    @Test
    void onlyTheBranchTakenIsElaborated() {
        Graph g = compile("""
                layer scaled(learned: bool)(x: T[N, C]) -> T[N, C] {
                    if learned {
                        param scale: T[C] = ones
                        x * scale
                    } else {
                        param shift: T[C] = zeros
                        x + shift
                    }
                }
                model M(x: f32[B, 4]) -> f32[B, 4] {
                    x |> a: scaled(true) |> b: scaled(false)
                }
                """);
        assertEquals(List.of("a.scale [4]", "b.shift [4]"), params(g));
    }

    @Test
    void elseIfChainsPickTheFirstTrueCondition() {
        Graph g = compile("""
                layer act(kind: str)(x: T[...]) -> T[...] {
                    if kind == "relu" { op.relu(x) } else if kind == "tanh" { op.tanh(x) } else { op.sigmoid(x) }
                }
                model M(x: f32[B, 4]) -> f32[B, 4] { x |> act("tanh") |> act("other") }
                """);
        assertEquals(List.of(Op.INPUT, Op.TANH, Op.SIGMOID), g.nodes().stream().map(Node::op).toList());
    }

    @Test
    void aBranchParameterMayShadowTheConfigThatChoseIt() {
        Graph g = compile("""
                import std.nn.*
                model M(x: f32[B, 3, 8, 8]) -> f32[B, 2] {
                    x |> conv: conv2d(4, kernel: 3, bias: false) |> flatten |> fc: dense(2, bias: false)
                }
                """);
        assertEquals(List.of("conv.weight [4,3,3,3]", "fc.weight [2,144]"), params(g));
        assertEquals(2, nodes(g, Op.CONV2D).getFirst().operands().size(), "a conv2d with no bias operand");
        assertTrue(nodes(g, Op.ADD).isEmpty(), "no bias add after the matmul");
    }

    @Test
    void biasIsStillThereByDefault() {
        Graph g = compile("""
                import std.nn.*
                model M(x: f32[B, 3, 8, 8]) -> f32[B, 4, 6, 6] { x |> conv: conv2d(4, kernel: 3) }
                """);
        assertEquals(List.of("conv.weight [4,3,3,3]", "conv.bias [4]"), params(g));
    }

    @Test
    void mathFunctionsComputeConfigurationAtCompileTime() {
        Graph g = compile("""
                import std.nn.*
                model M(x: f32[B, 4]) -> f32[B, 7] {
                    x * (1.0 / math.sqrt(16)) * math.pow(2, 10) + math.exp(0) - math.log(1)
                      |> fc: dense(math.max(3, 7) + math.min(2, -1) * 0 + math.abs(-0) + math.floor(0.5) + math.ceil(-0.5))
                }
                """);
        List<Double> constants = nodes(g, Op.CONSTANT).stream().map(n -> n.attrs().getFloat("value")).toList();
        assertEquals(List.of(0.25, 1024.0, 1.0, 0.0), constants);
        assertEquals(List.of("fc.weight [7,4]", "fc.bias [7]"), params(g));
    }

    /** torchvision builds downsample.0 / .1 exactly when the stride or the channel count changes. */
    @Test
    void bottleneckBlocksDownsampleAsTorchvisionDoes() {
        List<String> names = params(example("resnet50")).stream().map(p -> p.substring(0, p.indexOf(' '))).toList();
        for (String block : List.of("layer1.0", "layer2.0", "layer3.0", "layer4.0")) {
            assertTrue(names.contains(block + ".downsample.0.weight"), block);
            assertTrue(names.contains(block + ".downsample.1.running_var"), block);
            assertFalse(names.contains(block + ".conv1.bias"), block + ": torchvision's convolutions have no bias");
        }
        for (String block : List.of("layer1.1", "layer2.3", "layer3.5", "layer4.2")) {
            assertFalse(names.stream().anyMatch(n -> n.startsWith(block + ".downsample")), block);
        }
    }

    /** The attention scale is 1 / sqrt(head dim), computed by math.sqrt in std.transformer. */
    @Test
    void attentionScalesScoresByOneOverTheSquareRootOfTheHeadDim() {
        // transformer_small: d_model 64, 4 heads, head dim 16.
        List<Double> constants = nodes(example("transformer_small"), Op.CONSTANT).stream()
                .map(n -> n.attrs().getFloat("value")).toList();
        assertTrue(constants.contains(0.25), constants.toString());
        // bert_base: 768 / 12 = 64.
        assertTrue(nodes(example("bert_base"), Op.CONSTANT).stream().anyMatch(n -> n.attrs().getFloat("value") == 0.125));
    }

    /** norm_first picks the pre-norm layer: the same parameters, with each norm before its sublayer. */
    @Test
    void preNormEncoderLayerHasThePostNormParameters() {
        String model = """
                import std.transformer.*
                model M(x: f32[B, S, 32]) -> f32[B, S, 32] { x |> layer: transformer_encoder_layer(4, 64, norm_first: %s) }
                """;
        Graph post = compile(model.formatted("false")), pre = compile(model.formatted("true"));
        assertEquals(params(post).stream().sorted().toList(), params(pre).stream().sorted().toList());
        // Pre-norm: the model's input feeds the first layer norm directly; post-norm: a residual add does.
        Node firstNorm = nodes(pre, Op.LAYER_NORM).getFirst();
        assertEquals(Op.INPUT, producer(pre, firstNorm.operand(0).id()));
        assertEquals(Op.ADD, producer(post, nodes(post, Op.LAYER_NORM).getFirst().operand(0).id()));
    }

    private static Op producer(Graph g, int id) {
        return g.nodes().stream().filter(n -> n.result().id() == id).findFirst().orElseThrow().op();
    }
}
