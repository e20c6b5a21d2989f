package dev.nnc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * What an internal error report needs: the command line, the source files read and the last
 * IR reached. On a compiler bug it is written to a file the user can attach to a report.
 */
final class Reproducer {
    private static final List<Path> sources = new ArrayList<>();
    private static String lastIr;
    private static String stage = "start";

    private Reproducer() {}

    static void source(Path file) { sources.add(file); }

    static void reached(String stageName, String irText) {
        stage = stageName;
        if (irText != null) lastIr = irText;
    }

    /** Writes the report and returns its path, or null if it could not be written. */
    static Path write(String[] args, Throwable bug) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = Path.of(System.getProperty("nnc.reproducer.dir", "."));
        Path file = dir.resolve("nnc-reproducer-" + stamp + ".txt").toAbsolutePath().normalize();
        StringBuilder out = new StringBuilder();
        out.append("nnc internal error report\n\ncommand: nnc ").append(String.join(" ", args)).append('\n');
        out.append("stage reached: ").append(stage).append("\n\n");
        for (Path p : sources) {
            out.append("---- source ").append(p).append(" ----\n");
            try {
                out.append(Files.readString(p)).append('\n');
            } catch (IOException e) {
                out.append("(unreadable: ").append(e.getMessage()).append(")\n");
            }
        }
        out.append("---- last IR reached ----\n").append(lastIr == null ? "(none)\n" : lastIr);
        StringWriter trace = new StringWriter();
        bug.printStackTrace(new PrintWriter(trace));
        out.append("\n---- stack trace ----\n").append(trace);
        try {
            Files.writeString(file, out);
            return file;
        } catch (IOException e) {
            return null;
        }
    }
}
