package dev.nnc.ir.kernel;

/** A syntax error in kernel IR text; the message reads {@code line:column: what went wrong}. */
public final class KernelParseException extends RuntimeException {
    private final int line;
    private final int column;
    private final String detail;

    public KernelParseException(int line, int column, String detail) {
        super(line + ":" + column + ": " + detail);
        this.line = line;
        this.column = column;
        this.detail = detail;
    }

    /** 1-based line of the offending text. */
    public int line() { return line; }

    /** 1-based column of the offending text. */
    public int column() { return column; }

    /** The message without its location. */
    public String detail() { return detail; }
}
