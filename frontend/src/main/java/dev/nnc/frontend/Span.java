package dev.nnc.frontend;

/**
 * A range of source text: 1-based line and column of its start, and its length on that line
 * (a span running onto later lines is underlined to the end of its first line).
 */
public record Span(SourceFile file, int line, int col, int length) {

    /** The smallest span covering both, when they start on the same line; else {@code this} widened to the line end. */
    public Span to(Span end) {
        if (end == null || end.file != file) return this;
        if (end.line == line) return new Span(file, line, col, Math.max(length, end.col + end.length - col));
        return new Span(file, line, col, Math.max(length, file.line(line).length() - col + 1));
    }

    /** The first {@code n} characters of this span, e.g. a type's element-type name. */
    public Span prefix(int n) { return new Span(file, line, col, Math.max(1, Math.min(length, n))); }

    public String location() { return file.name() + ":" + line + ":" + col; }

    @Override public String toString() { return location(); }
}
