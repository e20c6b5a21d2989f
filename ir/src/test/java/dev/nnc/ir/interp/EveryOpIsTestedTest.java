package dev.nnc.ir.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nnc.ir.Op;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The interpreter's exhaustive switch makes a new op fail to compile until it has a rule;
 * this makes it fail the build until that rule has a test here, by looking for
 * {@code Op.NAME} in this package's test sources.
 */
class EveryOpIsTestedTest {
    @Test
    void everyOpIsNamedInSomeInterpreterTest() throws IOException {
        // Surefire runs in the module directory.
        Path dir = Path.of("src/test/java/dev/nnc/ir/interp");
        assumeTrue(Files.isDirectory(dir), "test sources not found from " + Path.of("").toAbsolutePath());
        String self = EveryOpIsTestedTest.class.getSimpleName() + ".java";
        String sources;
        try (Stream<Path> files = Files.list(dir)) {
            sources = files.filter(f -> f.toString().endsWith("Test.java") && !f.endsWith(self))
                    .map(f -> {
                        try {
                            return Files.readString(f);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .collect(Collectors.joining("\n"));
        }
        List<Op> untested = Arrays.stream(Op.values())
                .filter(op -> !sources.matches("(?s).*\\bOp\\." + op.name() + "\\b.*"))
                .toList();
        assertEquals(List.of(), untested, "ops without an interpreter test");
    }
}
