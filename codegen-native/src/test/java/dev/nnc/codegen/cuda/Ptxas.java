package dev.nnc.codegen.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** NVIDIA's PTX assembler, when installed (on the PATH or under /usr/local/cuda/bin): assembles PTX for an architecture. */
final class Ptxas {
    private Ptxas() {}

    static final String MISSING = "ptxas is not installed (not on the PATH nor in /usr/local/cuda/bin): the PTX is generated but not assembled";

    static Optional<Path> find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "ptxas");
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        Path cuda = Path.of("/usr/local/cuda/bin/ptxas");
        return Files.isExecutable(cuda) ? Optional.of(cuda) : Optional.empty();
    }

    /** Assembles {@code ptx} for {@code gpu}; returns null on success, else ptxas's messages. */
    static String assemble(Path ptxas, String ptx, String gpu) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("nnc-ptxas");
        try {
            Path in = dir.resolve("model.ptx"), out = dir.resolve("model.cubin");
            Files.writeString(in, ptx, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(ptxas.toString(), "-arch=" + gpu, "-o", out.toString(), in.toString())
                    .redirectErrorStream(true).start();
            String messages = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "ptxas timed out";
            }
            return p.exitValue() == 0 ? null : messages;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }
}
