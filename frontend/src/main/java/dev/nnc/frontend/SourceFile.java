package dev.nnc.frontend;

import java.util.ArrayList;
import java.util.List;

/** A source text and the name it is reported under (a path, or {@code <std>/std/nn.nn}). */
public final class SourceFile {
    private final String name;
    private final String text;
    private final List<Integer> lineStarts = new ArrayList<>();

    public SourceFile(String name, String text) {
        this.name = name;
        this.text = text;
        lineStarts.add(0);
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') lineStarts.add(i + 1);
    }

    public String name() { return name; }

    public String text() { return text; }

    /** The 1-based line's text without its line break, or "" past the end. */
    public String line(int line) {
        if (line < 1 || line > lineStarts.size()) return "";
        int start = lineStarts.get(line - 1);
        int end = line < lineStarts.size() ? lineStarts.get(line) - 1 : text.length();
        if (end > start && text.charAt(end - 1) == '\r') end--;
        return text.substring(start, Math.max(start, end));
    }

    @Override public String toString() { return name; }
}
