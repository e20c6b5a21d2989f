package dev.nnc.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every model of every {@code examples/*.nn} (new files are picked up) compiles to PTX for
 * sm_80 and sm_90 at -O0 and -O2, and the PTX assembles with ptxas (skipped, saying so, when
 * ptxas is not installed). A kernel entry exists for every run-time and load-time kernel.
 */
class PtxExamplesTest {
    static final Path EXAMPLES = Path.of("..", "examples");

    static List<Path> exampleFiles() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(p -> p.toString().endsWith(".nn")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyExampleAssemblesForSm80AndSm90() throws IOException {
        return exampleFiles().stream().flatMap(file -> Stream.of(OptLevel.O0, OptLevel.O2).flatMap(level ->
                Stream.of("sm_80", "sm_90").map(gpu -> DynamicTest.dynamicTest(file.getFileName() + " " + level + " " + gpu,
                        () -> check(file, level, new CudaTarget(gpu))))));
    }

    private static void check(Path file, OptLevel level, CudaTarget target) throws Exception {
        Frontend.Result r = new Frontend().compile(file);
        assertTrue(r.ok(), () -> r.diagnostics().render());
        for (Graph g : r.models().values()) {
            PtxModule m = PtxModuleEmitter.emit(PassManager.forLevel(level).run(g), target);
            String ptx = PtxCompiler.ptx(m, target);
            assertTrue(ptx.contains(".target " + target.gpu()), "PTX for " + target.gpu());
            for (var launch : m.kernels()) assertTrue(ptx.contains(".entry " + launch.symbol()), launch.symbol());
            for (var launch : m.prepare()) assertTrue(ptx.contains(".entry " + launch.symbol()), launch.symbol());
            var ptxas = Ptxas.find();
            assumeTrue(ptxas.isPresent(), Ptxas.MISSING);
            assertNull(Ptxas.assemble(ptxas.get(), ptx, target.gpu()), () -> g.name() + " does not assemble");
        }
    }
}
