package dev.nnc.codegen.nativecode.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The system C compiler and the programs it builds, for tests only (nnc itself never runs
 * {@code cc}): a test that needs it is skipped, with the reason, where there is none.
 */
final class SystemCc {
    /** What a program printed and how it ended. */
    record Run(int exitCode, String out, String err) {
        String all() { return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err; }
    }

    private SystemCc() {}

    /** Skips the calling test unless {@code cc} is on the PATH. */
    static void require() {
        Assumptions.assumeTrue(available("cc"),
                "no system C compiler 'cc' on the PATH: the C program tests need one to build against the library");
    }

    static boolean available(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }

    /** Runs {@code cc} with these arguments and fails the test with its messages if it fails. */
    static void cc(String... arguments) { compiler("cc", arguments); }

    /** Runs a compiler ({@code cc}, {@code c++}) and fails the test with its messages if it fails. */
    static void compiler(String program, String... arguments) {
        List<String> command = new ArrayList<>(List.of(program));
        command.addAll(List.of(arguments));
        Run r = run(command, Map.of());
        if (r.exitCode() != 0) fail(program + " failed: " + String.join(" ", command) + "\n" + r.all());
    }

    /** Runs a program (at most a minute) with extra environment variables. */
    static Run run(List<String> command, Map<String, String> environment) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(environment);
            Path out = Files.createTempFile("nnc-run", ".out"), err = Files.createTempFile("nnc-run", ".err");
            try {
                Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail(String.join(" ", command) + " did not finish within a minute");
                }
                return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs a program and fails the test unless it exits with {@code expectedExit}. */
    static Run expect(int expectedExit, List<String> command, Map<String, String> environment) {
        Run r = run(command, environment);
        assertEquals(expectedExit, r.exitCode(), () -> String.join(" ", command) + "\n" + r.all());
        return r;
    }
}
