package dev.nnc.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Turns I/O failures into unchecked exceptions with a user-facing message. The file
 * readers' signatures declare no checked exceptions, so that generated model code can
 * load weights in a static initializer or constructor without ceremony.
 */
final class IoErrors {
    private IoErrors() {
    }

    static UncheckedIOException wrap(String action, Path path, IOException e) {
        String why = switch (e) {
            case NoSuchFileException _ -> "the file does not exist";
            case AccessDeniedException _ -> "permission denied";
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
        return new UncheckedIOException("Cannot " + action + " " + path + ": " + why + ".", e);
    }
}
