package dev.nnc.frontend;

import java.util.ArrayList;
import java.util.List;

/** Collects the diagnostics of one compilation, in the order they were found. */
public final class Diagnostics {
    private final List<Diagnostic> list = new ArrayList<>();

    public void add(Diagnostic d) {
        if (!list.contains(d)) list.add(d);
    }

    public void error(Span span, String message, String... notes) { add(Diagnostic.error(span, message, notes)); }

    public void warning(Span span, String message, String... notes) { add(Diagnostic.warning(span, message, notes)); }

    public boolean hasErrors() { return list.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR); }

    public int errorCount() { return (int) list.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).count(); }

    public List<Diagnostic> all() { return List.copyOf(list); }

    /** Every diagnostic rendered, followed by a count line when there are errors. */
    public String render() {
        StringBuilder out = new StringBuilder();
        for (Diagnostic d : list) out.append(d.render());
        int n = errorCount();
        if (n > 0) out.append(n).append(n == 1 ? " error\n" : " errors\n");
        return out.toString();
    }
}
