package dev.nnc.codegen.nativecode.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.codegen.nativecode.NativeBackend;
import dev.nnc.codegen.nativecode.NativeTarget;
import dev.nnc.frontend.Frontend;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C example, built as its README says: examples/mnist_cnn.nn compiled at -O2 into
 * libmnist_cnn.so, examples/c/classify.c compiled against it with the system cc, run on the
 * committed Fashion-MNIST images. Its classes must be PyTorch's (the argmax of
 * examples/fashion_mnist/expected.npy, which are also the true labels) and its printed
 * probabilities PyTorch's within 1e-4 relative.
 */
class ClassifyExampleTest {
    static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
    static final Pattern IMAGE = Pattern.compile("image (\\d+): class (\\d+) \\((.+)\\), probability ([0-9.]+)");

    @TempDir Path dir;

    static KernelProgram mnistCnn() {
        Frontend.Result r = new Frontend().compile(EXAMPLES.resolve("mnist_cnn.nn"));
        assertTrue(r.ok(), () -> r.diagnostics().render());
        return PassManager.forLevel(OptLevel.O2).run(r.models().values().iterator().next());
    }

    @Test
    void classifiesTheFashionMnistImagesAsPyTorchDoes() {
        SystemCc.require();
        AotLibrary.write(NativeBackend.emit(mnistCnn(), NativeTarget.host()), NativeTarget.host(), dir.resolve("libmnist_cnn.so"));
        Path exe = dir.resolve("classify");
        SystemCc.cc("-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", dir.toString(),
                EXAMPLES.resolve("c/classify.c").toString(), "-L", dir.toString(), "-lmnist_cnn", "-Wl,-rpath," + dir, "-o", exe.toString());
        Path data = EXAMPLES.resolve("fashion_mnist");
        String out = SystemCc.expect(0, List.of(exe.toString(), data.resolve("weights.safetensors").toString(),
                data.resolve("images.npy").toString(), data.resolve("classes.txt").toString(), "--scores"), Map.of()).out();

        Tensor expected = Npy.read(data.resolve("expected.npy")), labels = Npy.read(data.resolve("labels.npy"));
        List<String> classes = lines(data.resolve("classes.txt"));
        List<String> lines = out.lines().toList();
        int images = expected.dim(0), k = expected.dim(1);
        assertEquals(2 * images, lines.size(), out);
        for (int i = 0; i < images; i++) {
            Matcher m = IMAGE.matcher(lines.get(2 * i));
            assertTrue(m.matches(), lines.get(2 * i));
            int best = 0;
            for (int c = 1; c < k; c++) if (expected.getDouble(i * k + c) > expected.getDouble(i * k + best)) best = c;
            assertEquals(i, Integer.parseInt(m.group(1)));
            assertEquals(best, Integer.parseInt(m.group(2)), "image " + i + ": PyTorch's class");
            assertEquals(labels.getLong(i), best, "image " + i + ": the true label");
            assertEquals(classes.get(best), m.group(3));
            String[] scores = lines.get(2 * i + 1).strip().split(" ");
            assertEquals("scores:", scores[0]);
            for (int c = 0; c < k; c++) {
                double torch = expected.getDouble(i * k + c), ours = Double.parseDouble(scores[c + 1]);
                assertTrue(Math.abs(ours - torch) <= 1e-4 * Math.abs(torch) + 1e-6,
                        "image " + i + " class " + c + ": PyTorch " + torch + ", classify " + ours);
            }
        }
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
