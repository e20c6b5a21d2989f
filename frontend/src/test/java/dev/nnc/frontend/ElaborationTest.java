package dev.nnc.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.Graph;
import dev.nnc.ir.IrParser;
import dev.nnc.ir.IrPrinter;
import dev.nnc.ir.Node;
import dev.nnc.ir.Op;
import dev.nnc.ir.Verifier;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Elaboration of valid programs to graph IR: the examples, parameter naming (which must
 * match PyTorch's state_dict so trained weights load unchanged), shapes with symbolic dims,
 * layer patterns, defaults and imports.
 */
class ElaborationTest {
    /** The examples, from the frontend module's directory (where Maven runs the tests). */
    static final Path EXAMPLES = Path.of("../examples");

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            List<Path> nn = files.filter(p -> p.toString().endsWith(".nn")).sorted().toList();
            assertFalse(nn.isEmpty(), "no examples in " + EXAMPLES.toAbsolutePath());
            return nn.stream();
        }
    }

    /** Compiles {@code source} as a file named test.nn with no directory for imports; asserts it has no diagnostics. */
    static Graph compile(String source) {
        Frontend.Result r = new Frontend().compile(new SourceFile("test.nn", source), null);
        assertEquals("", r.diagnostics().render(), "diagnostics");
        assertEquals(1, r.models().size());
        return r.models().values().iterator().next();
    }

    static Graph example(String name) {
        Frontend.Result r = new Frontend().compile(EXAMPLES.resolve(name + ".nn"));
        assertEquals("", r.diagnostics().render(), "diagnostics of " + name);
        assertEquals(1, r.models().size());
        return r.models().values().iterator().next();
    }

    /** Each parameter as "name shape", in graph order. */
    static List<String> params(Graph g) {
        return g.params().stream().map(n -> n.attrs().values().get("name") + " " + n.type().shape()).toList();
    }

    static List<Node> nodes(Graph g, Op op) { return g.nodes().stream().filter(n -> n.op() == op).toList(); }

    // ---- the examples ----

    @ParameterizedTest
    @MethodSource("examples")
    void exampleCompilesWithNoDiagnosticsToAVerifiedGraph(Path file) {
        Frontend.Result r = new Frontend().compile(file);
        assertEquals("", r.diagnostics().render());
        assertTrue(r.ok());
        assertNotNull(r.ast());
        assertFalse(r.models().isEmpty());
        for (Graph g : r.models().values()) Verifier.verify(g);
    }

    @ParameterizedTest
    @MethodSource("examples")
    void exampleGraphRoundTripsThroughTheIrText(Path file) {
        for (Graph g : new Frontend().compile(file).models().values()) {
            String text = IrPrinter.print(g);
            Graph back = IrParser.parse(text);
            assertEquals(text, IrPrinter.print(back));
            assertEquals(g, back);
            Verifier.verify(back);
        }
    }

    @Test
    void mlpGraphIrMatchesTheGolden() throws Exception {
        String golden = Files.readString(Path.of(ElaborationTest.class.getResource("/golden/mlp.nnir").toURI()));
        assertEquals(golden, IrPrinter.print(example("mlp")));
    }

    static Stream<Arguments> pytorchParameters() {
        return Stream.of(
                Arguments.of("mlp", List.of(
                        "fc1.weight [128,100]", "fc1.bias [128]",
                        "fc2.weight [64,128]", "fc2.bias [64]",
                        "fc3.weight [1,64]", "fc3.bias [1]")),
                Arguments.of("mnist_cnn", List.of(
                        "conv1.weight [32,1,3,3]", "conv1.bias [32]",
                        "conv2.weight [64,32,3,3]", "conv2.bias [64]",
                        "conv3.weight [64,64,3,3]", "conv3.bias [64]",
                        "fc1.weight [64,576]", "fc1.bias [64]",
                        "fc2.weight [10,64]", "fc2.bias [10]")),
                Arguments.of("cifar_cnn", List.of(
                        "conv1.weight [32,3,3,3]", "conv1.bias [32]",
                        "conv2.weight [64,32,3,3]", "conv2.bias [64]",
                        "conv3.weight [64,64,3,3]", "conv3.bias [64]",
                        "fc1.weight [64,1024]", "fc1.bias [64]",
                        "fc2.weight [10,64]", "fc2.bias [10]")),
                Arguments.of("catsdogs_cnn", List.of(
                        "conv1.weight [32,3,3,3]", "conv1.bias [32]",
                        "conv2.weight [64,32,3,3]", "conv2.bias [64]",
                        "conv3.weight [128,64,3,3]", "conv3.bias [128]",
                        "fc1.weight [512,36992]", "fc1.bias [512]",
                        "fc2.weight [1,512]", "fc2.bias [1]")));
    }

    /** PyTorch's names and layouts: dense weights [out, in], conv weights [out, in, kh, kw]. */
    @ParameterizedTest
    @MethodSource("pytorchParameters")
    void parameterNamesAndShapesAreThoseOfThePyTorchStateDict(String name, List<String> expected) {
        assertEquals(expected, params(example(name)));
    }

    /** The same, against the state_dicts PyTorch wrote for the fixtures (where they are committed). */
    @ParameterizedTest
    @ValueSource(strings = {"mlp", "mnist_cnn", "cifar_cnn"})
    void parametersMatchTheCommittedFixtureWeights(String name) {
        Path weights = EXAMPLES.resolve("fixtures").resolve(name).resolve("weights.safetensors");
        List<String> stateDict = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : Safetensors.read(weights).entrySet()) {
            stateDict.add(e.getKey() + " " + Arrays.toString(e.getValue().shape()).replace(" ", ""));
        }
        assertEquals(stateDict, params(example(name)));
    }

    // ---- names ----

    @Test
    void unlabeledLayersAreNumberedPerLayerAsKerasDoes() {
        Graph g = compile("""
                import std.nn.*
                model M(x: f32[B, 8]) -> f32[B, 2] {
                    x |> dense(16) |> relu |> dense(8) |> relu |> dense(2)
                }
                """);
        assertEquals(List.of("dense.weight [16,8]", "dense.bias [16]", "dense_1.weight [8,16]", "dense_1.bias [8]",
                "dense_2.weight [2,8]", "dense_2.bias [2]"), params(g));
    }

    @Test
    void labelsWithDottedPathsPrefixTheParametersOfNestedLayers() {
        Graph g = compile("""
                import std.nn.*
                layer block(units: int)(x: T[..., K]) -> T[..., units] {
                    x |> attention.query: dense(units) |> relu |> dense(units) |> layer_norm
                }
                model M(x: f32[B, 4]) -> f32[B, 4] {
                    x |> encoder.layer.0: block(4) |> encoder.layer.1: block(4) |> block(4)
                }
                """);
        assertEquals(List.of(
                "encoder.layer.0.attention.query.weight [4,4]", "encoder.layer.0.attention.query.bias [4]",
                "encoder.layer.0.dense.weight [4,4]", "encoder.layer.0.dense.bias [4]",
                "encoder.layer.0.layer_norm.weight [4]", "encoder.layer.0.layer_norm.bias [4]",
                "encoder.layer.1.attention.query.weight [4,4]", "encoder.layer.1.attention.query.bias [4]",
                "encoder.layer.1.dense.weight [4,4]", "encoder.layer.1.dense.bias [4]",
                "encoder.layer.1.layer_norm.weight [4]", "encoder.layer.1.layer_norm.bias [4]",
                "block.attention.query.weight [4,4]", "block.attention.query.bias [4]",
                "block.dense.weight [4,4]", "block.dense.bias [4]",
                "block.layer_norm.weight [4]", "block.layer_norm.bias [4]"), params(g));
    }

    @Test
    void parametersRecordTheirInitializers() {
        Graph g = compile("""
                import std.nn.*
                layer scaled(x: T[..., D]) -> T[..., D] {
                    param gamma: T[D] = normal(mean: 1.0, std: 0.02)
                    param beta: T[D]
                    x * gamma + beta
                }
                model M(ids: i64[B, 5]) -> f32[B, 5, 4] {
                    ids |> emb: embedding(10, 4) |> norm: scaled
                }
                """);
        List<String> inits = g.params().stream()
                .map(n -> n.attrs().values().get("name") + "=" + n.attrs().values().get("init")).toList();
        assertEquals(List.of("emb.weight=normal(std=1.0)", "norm.gamma=normal(mean=1.0, std=0.02)", "norm.beta=zeros"), inits);
    }

    // ---- shapes and types ----

    @Test
    void symbolicBatchStaysSymbolicThroughConvPoolAndFlatten() {
        Graph g = example("mnist_cnn");
        assertEquals("f32[B,1,28,28]", g.inputs().getFirst().type().toString());
        assertEquals(List.of("f32[B,32,13,13]", "f32[B,64,5,5]"),
                nodes(g, Op.MAX_POOL2D).stream().map(n -> n.type().toString()).toList());
        assertEquals("f32[B,576]", nodes(g, Op.FLATTEN).getFirst().type().toString());
        assertEquals("f32[B,10]", g.outputs().getFirst().value().type().toString());
    }

    @Test
    void severalSymbolicDimsPassThroughEllipsisPatterns() {
        Graph g = compile("""
                import std.nn.*
                model M(x: f32[B, S, 16]) -> f32[B, S, 8] {
                    x |> layer_norm |> dense(8) |> gelu |> softmax
                }
                """);
        assertEquals("f32[B,S,8]", g.outputs().getFirst().value().type().toString());
    }

    @Test
    void ellipsisMatchesAnyLeadingOrTrailingDims() {
        Graph g = compile("""
                import std.nn.*
                layer rescale(x: T[..., D]) -> T[..., D] {
                    param s: T[D] = ones
                    x * s
                }
                // '...' after fixed dims: batch norm over channel axis 1 of rank 3 and rank 4 inputs.
                model M(a: f32[B, 6], img: f32[B, 3, 8, 8], seq: f32[B, 3, 10]) -> (a: f32[B, 6], img: f32[B, 3, 8, 8], seq: f32[B, 3, 10]) {
                    return a |> r1: rescale, img |> r2: rescale |> bn1: batch_norm, seq |> bn2: batch_norm
                }
                """);
        assertEquals(List.of("r1.s [6]", "r2.s [8]",
                "bn1.weight [3]", "bn1.bias [3]", "bn1.running_mean [3]", "bn1.running_var [3]",
                "bn2.weight [3]", "bn2.bias [3]", "bn2.running_mean [3]", "bn2.running_var [3]"), params(g));
        assertEquals(List.of("a", "img", "seq"), g.outputs().stream().map(Graph.Output::name).toList());
    }

    @Test
    void typeVariablesTakeTheElementTypeOfTheInput() {
        Graph g = compile("""
                import std.nn.*
                model M(x: f16[B, 4], ids: i32[B, 3]) -> (h: f16[B, 2], e: f32[B, 3, 5], r: i32[B, 3]) {
                    return x |> dense(2), ids |> embedding(7, 5), ids |> relu
                }
                """);
        // dense's T is f16, so are its parameters; embedding's table is f32 whatever the id type.
        assertEquals(List.of("f16[2,4]", "f16[2]", "f32[7,5]"), g.params().stream().map(n -> n.type().toString()).toList());
        assertEquals(List.of("f16[B,2]", "f32[B,3,5]", "i32[B,3]"),
                g.outputs().stream().map(o -> o.value().type().toString()).toList());
    }

    @Test
    void configDefaultsMayReferToEarlierConfigParameters() {
        Graph g = compile("""
                import std.nn.*
                model M(x: f32[B, 2, 12, 12]) -> f32[B, 2, 1, 1] {
                    x |> max_pool(2) |> max_pool(3, stride: 1) |> avg_pool(size: 2) |> max_pool(size: 2, stride: 3)
                }
                """);
        List<Node> pools = g.nodes().stream().filter(n -> n.op() == Op.MAX_POOL2D || n.op() == Op.AVG_POOL2D).toList();
        assertEquals(List.of("[2,2]", "[1,1]", "[2,2]", "[3,3]"),
                pools.stream().map(n -> IrPrinter.value(n.attrs().values().get("stride"))).toList());
        assertEquals(List.of("f32[B,2,6,6]", "f32[B,2,4,4]", "f32[B,2,2,2]", "f32[B,2,1,1]"),
                pools.stream().map(n -> n.type().toString()).toList());
    }

    @Test
    void scalarsBesideTensorsBecomeConstantsOfTheTensorsType() {
        Graph g = compile("""
                model M(x: f16[B, 4]) -> f16[B, 4] {
                    let y = 2 * x - 0.5
                    op.maximum(y, 0)
                }
                """);
        assertEquals(3, nodes(g, Op.CONSTANT).size());
        nodes(g, Op.CONSTANT).forEach(n -> assertEquals("f16[]", n.type().toString()));
        Verifier.verify(g);
    }

    // ---- imports ----

    @Test
    void importsFromASiblingFileAndFromASubdirectory(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("blocks.nn"), """
                import std.nn.*
                // A dense layer with its activation, named like a Keras/PyTorch block.
                layer block(units: int)(x: T[..., K]) -> T[..., units] {
                    x |> fc: dense(units) |> relu
                }
                layer unused(x: T[...]) -> T[...] { x }
                """);
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("lib/heads.nn"), """
                import std.nn.*
                layer head(classes: int)(x: T[B, K]) -> T[B, classes] { x |> out: dense(classes) |> softmax }
                """);
        Files.writeString(dir.resolve("main.nn"), """
                import blocks.block
                import lib.heads.*
                model M(x: f32[B, 8]) -> f32[B, 3] {
                    x |> b1: block(16) |> b2: block(16) |> h: head(3)
                }
                """);
        Frontend.Result r = new Frontend().compile(dir.resolve("main.nn"));
        assertEquals("", r.diagnostics().render());
        assertEquals(List.of("b1.fc.weight [16,8]", "b1.fc.bias [16]", "b2.fc.weight [16,16]", "b2.fc.bias [16]",
                "h.out.weight [3,16]", "h.out.bias [3]"), params(r.models().get("M")));
    }

    @Test
    void importedModulesAreAlsoFoundOnTheSearchPath(@TempDir Path dir) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.writeString(lib.resolve("acts.nn"), "layer twice(x: T[...]) -> T[...] { x + x }\n");
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("main.nn"), "import acts.*\nmodel M(x: f32[4]) -> f32[4] { x |> twice }\n");
        assertTrue(new Frontend().compile(app.resolve("main.nn")).diagnostics().hasErrors(), "not found without the search path");
        Frontend.Result r = new Frontend(List.of(lib)).compile(app.resolve("main.nn"));
        assertEquals("", r.diagnostics().render());
        assertEquals(1, nodes(r.models().get("M"), Op.ADD).size());
    }

    @Test
    void aNameImportedOnlyUnqualifiedIsNotVisibleUnlessImported(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("blocks.nn"), "layer a(x: T[...]) -> T[...] { x }\nlayer b(x: T[...]) -> T[...] { x }\n");
        Files.writeString(dir.resolve("main.nn"), "import blocks.a\nmodel M(x: f32[4]) -> f32[4] { x |> a |> b }\n");
        Frontend.Result r = new Frontend().compile(dir.resolve("main.nn"));
        assertEquals(1, r.diagnostics().errorCount());
        assertTrue(r.diagnostics().all().getFirst().message().contains("unknown name 'b' (expected a layer)"), r.diagnostics().render());
    }

    // ---- several errors ----

    @Test
    void independentMistakesAreAllReportedInOneRun() {
        Frontend.Result r = new Frontend().compile(new SourceFile("three.nn", """
                import std.nn.*
                model M(x: f32[B, 4]) -> f32[B, 4] {
                    let a = x |> dens(4)
                    let b = x |> relu(2, 3)
                    let c = x + foo
                    let d = a + b + c
                    x
                }
                """), null);
        List<Diagnostic> errors = r.diagnostics().all();
        assertEquals(List.of("three.nn:3:18", "three.nn:4:18", "three.nn:5:17"),
                errors.stream().map(d -> d.span().location()).toList(), r.diagnostics().render());
        assertTrue(errors.get(0).message().contains("unknown name 'dens' (expected a layer)"));
        assertTrue(errors.get(1).message().contains("takes 1 tensor input but 3 were given"));
        assertTrue(errors.get(2).message().contains("unknown name 'foo'"));
        // The line using all three failed values reports nothing more, and no graph is produced.
        assertTrue(r.models().isEmpty());
        assertTrue(r.diagnostics().render().endsWith("3 errors\n"));
    }

    @Test
    void errorsInSeveralModelsOfOneFileAreAllReported() {
        Frontend.Result r = new Frontend().compile(new SourceFile("two.nn", """
                model A(x: f32[B, 4]) -> f32[B, 5] { x }
                model Ok(x: f32[B, 4]) -> f32[B, 4] { x }
                model C(x: f32[B, 4]) -> f32[B, 4] { op.relux(x) }
                """), null);
        assertEquals(2, r.diagnostics().errorCount(), r.diagnostics().render());
        assertEquals(List.of("Ok"), List.copyOf(r.models().keySet()));
    }
}
