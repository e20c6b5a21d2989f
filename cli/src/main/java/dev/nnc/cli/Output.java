package dev.nnc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes text to a file, or to standard output when no file is named. */
final class Output {
    private Output() {}

    static void write(String text, Path file, PrintWriter stdout) {
        if (file == null) {
            stdout.print(text);
            stdout.flush();
            return;
        }
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + e.getMessage());
        }
    }
}
