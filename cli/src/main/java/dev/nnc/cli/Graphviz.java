package dev.nnc.cli;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Renders DOT to SVG with Graphviz's {@code dot}, found on PATH (or named by {@code -Dnnc.dot=PATH}). */
final class Graphviz {
    private Graphviz() {}

    /** The {@code dot} executable, or null when Graphviz is not installed. */
    static Path findDot() {
        String configured = System.getProperty("nnc.dot");
        if (configured != null) return Files.isExecutable(Path.of(configured)) ? Path.of(configured) : null;
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            for (String name : new String[] {"dot", "dot.exe"}) {
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
            }
        }
        return null;
    }

    static String svg(String dotText) {
        Path dot = findDot();
        if (dot == null) {
            throw new UserError("--emit=svg needs Graphviz, which is not installed ('dot' is not on PATH); "
                    + "install it (e.g. apt-get install graphviz) or use --emit=dot and render the graph elsewhere");
        }
        try {
            Process p = new ProcessBuilder(dot.toString(), "-Tsvg").start();
            // Feed stdin and drain stderr on their own threads so no pipe can fill up and deadlock.
            Thread feeder = Thread.ofVirtual().start(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(dotText.getBytes(StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // dot exited early; its exit status and stderr say why.
                }
            });
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            Thread drain = Thread.ofVirtual().start(() -> {
                try (var stderr = p.getErrorStream()) {
                    stderr.transferTo(errors);
                } catch (IOException ignored) {
                    // Only diagnostics are lost.
                }
            });
            String svg;
            try (var stdout = p.getInputStream()) {
                svg = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
            }
            feeder.join();
            drain.join();
            int code = p.waitFor();
            if (code != 0) {
                throw new IllegalStateException("dot -Tsvg failed with exit status " + code + ": "
                        + errors.toString(StandardCharsets.UTF_8).strip());
            }
            return svg;
        } catch (IOException e) {
            throw new UserError("cannot run " + dot + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while running " + dot);
        }
    }
}
