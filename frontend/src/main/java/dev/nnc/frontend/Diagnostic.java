package dev.nnc.frontend;

import java.util.List;

/**
 * One message for the user: where, what went wrong, and notes (what was expected, a
 * suggestion, where a conflicting definition is).
 */
public record Diagnostic(Severity severity, Span span, String message, List<String> notes) {

    public enum Severity { ERROR, WARNING }

    public Diagnostic {
        notes = List.copyOf(notes);
    }

    public static Diagnostic error(Span span, String message, String... notes) {
        return new Diagnostic(Severity.ERROR, span, message, List.of(notes));
    }

    public static Diagnostic warning(Span span, String message, String... notes) {
        return new Diagnostic(Severity.WARNING, span, message, List.of(notes));
    }

    /**
     * Rendered as a compiler would:
     * <pre>
     * model.nn:4:9: error: unknown layer 'dens'
     *     4 |       |> dens(64)
     *       |          ^^^^
     *   = help: did you mean 'dense'?
     * </pre>
     */
    public String render() {
        StringBuilder out = new StringBuilder();
        String kind = severity == Severity.ERROR ? "error" : "warning";
        if (span == null) {
            out.append(kind).append(": ").append(message).append('\n');
        } else {
            out.append(span.location()).append(": ").append(kind).append(": ").append(message).append('\n');
            String src = span.file().line(span.line());
            String num = Integer.toString(span.line());
            String pad = " ".repeat(num.length());
            out.append(' ').append(num).append(" | ").append(src.replace('\t', ' ')).append('\n');
            int col = Math.max(1, span.col());
            int len = Math.max(1, Math.min(span.length(), Math.max(1, src.length() - col + 1)));
            out.append(' ').append(pad).append(" | ").append(" ".repeat(col - 1)).append("^".repeat(len)).append('\n');
        }
        for (String n : notes) out.append("  = ").append(n).append('\n');
        return out.toString();
    }
}
