package dev.nnc.frontend;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The bad-input corpus: {@code src/test/resources/errors/}. Each {@code *.nn} there, and each
 * sub-folder's {@code main.nn} (for mistakes that need several files, such as import cycles),
 * is one mistake. Its comments say which errors the frontend must report, in the style of
 * MLIR's and rustc's UI tests:
 *
 * <pre>
 * // error at LINE:COL: SUBSTRING          the caret starts at LINE:COL of this file
 * // error at FILE.nn:LINE:COL: SUBSTRING  ... of a file beside it (an imported one)
 * // note: SUBSTRING                       in some note of the error above it
 * </pre>
 *
 * Exactly the listed errors must be reported (no more, no fewer), each rendered as
 * {@code FILE:LINE:COL: error: ...} with the source line and a caret under the column, and
 * compiling must never throw.
 */
class ErrorCorpusTest {
    private static final Pattern ERROR = Pattern.compile("^\\s*//\\s*error at (?:([\\w.-]+\\.nn):)?(\\d+):(\\d+):\\s*(.+?)\\s*$");
    private static final Pattern NOTE = Pattern.compile("^\\s*//\\s*note:\\s*(.+?)\\s*$");

    /** One expected error: the file it is in (null: the case's own file), where, and what. */
    record Expected(String file, int line, int col, String message, List<String> notes) {
        @Override public String toString() {
            return (file == null ? "" : file + ":") + line + ":" + col + ": " + message + (notes.isEmpty() ? "" : " " + notes);
        }
    }

    /** A case: its name and the file to compile. */
    record Case(String name, Path entry) {}

    static Path corpus() {
        try {
            return Path.of(ErrorCorpusTest.class.getResource("/errors").toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static List<Case> cases() throws IOException {
        List<Case> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(corpus())) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p)) {
                    Path main = p.resolve("main.nn");
                    if (Files.isRegularFile(main)) out.add(new Case(name + "/", main));
                } else if (name.endsWith(".nn")) {
                    out.add(new Case(name.substring(0, name.length() - 3), p));
                }
            }
        }
        return out;
    }

    static List<Expected> expectations(Path file) throws IOException {
        List<Expected> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            Matcher e = ERROR.matcher(line);
            Matcher n = NOTE.matcher(line);
            if (e.matches()) {
                out.add(new Expected(e.group(1), Integer.parseInt(e.group(2)), Integer.parseInt(e.group(3)), e.group(4),
                        new ArrayList<>()));
            } else if (n.matches()) {
                if (out.isEmpty()) fail(file + ": '// note:' before any '// error at'");
                out.getLast().notes().add(n.group(1));
            }
        }
        return out;
    }

    @Test
    void corpusHasAtLeastThirtyDistinctCases() throws IOException {
        List<Case> cases = cases();
        assertTrue(cases.size() >= 30, "only " + cases.size() + " error cases");
        // Distinct mistakes: no two cases expect the same first message.
        List<String> firsts = new ArrayList<>();
        for (Case c : cases) {
            String first = expectations(c.entry()).getFirst().message();
            assertFalse(firsts.contains(first), c.name() + " repeats the expectation '" + first + "'");
            firsts.add(first);
        }
    }

    @TestFactory
    Stream<DynamicTest> eachBadInputIsReportedWhereItIs() throws IOException {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(Case c) throws IOException {
        List<Expected> expected = expectations(c.entry());
        assertFalse(expected.isEmpty(), c.entry() + " has no '// error at LINE:COL: ...' line");
        Frontend.Result result = assertDoesNotThrow(() -> new Frontend().compile(c.entry()),
                "compiling " + c.name() + " threw; every user error must be a diagnostic");
        List<Diagnostic> errors = result.diagnostics().all().stream()
                .filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
        String report = "\nexpected:\n  " + String.join("\n  ", expected.stream().map(Expected::toString).toList())
                + "\nreported:\n" + result.diagnostics().render();
        assertFalse(errors.isEmpty(), c.name() + ": no error reported" + report);
        assertFalse(result.ok(), c.name() + ": result is ok despite errors" + report);
        assertEquals(expected.size(), errors.size(), c.name() + ": wrong number of errors" + report);

        List<Diagnostic> unmatched = new ArrayList<>(errors);
        for (Expected want : expected) {
            Diagnostic got = unmatched.stream().filter(d -> matches(want, d, c.entry())).findFirst().orElse(null);
            if (got == null) fail(c.name() + ": no error matches " + want + report);
            unmatched.remove(got);
            for (String note : want.notes()) {
                assertTrue(got.notes().stream().anyMatch(n -> n.contains(note)),
                        c.name() + ": no note of " + want + " contains '" + note + "'" + report);
            }
        }
        for (Diagnostic d : errors) checkRendering(c, d);
    }

    private static boolean matches(Expected want, Diagnostic d, Path entry) {
        if (d.span() == null) return false;
        String file = d.span().file().name();
        boolean sameFile = want.file() == null ? file.equals(entry.toString())
                : Path.of(file).getFileName().toString().equals(want.file());
        return sameFile && d.span().line() == want.line() && d.span().col() == want.col() && d.message().contains(want.message());
    }

    /** file:line:col: error: message / the source line / a caret line starting under the column; notes say what they are. */
    private static void checkRendering(Case c, Diagnostic d) {
        String text = d.render();
        String[] lines = text.split("\n");
        Span s = d.span();
        String head = s.file().name() + ":" + s.line() + ":" + s.col() + ": error: ";
        assertTrue(lines[0].startsWith(head) && lines[0].length() > head.length(),
                c.name() + ": rendering starts with '" + lines[0] + "', expected '" + head + "...'");
        assertTrue(lines.length >= 3, c.name() + ": no source and caret lines in\n" + text);
        String gutter = " " + s.line() + " | ";
        assertTrue(lines[1].startsWith(gutter), c.name() + ": second line is not the source line:\n" + text);
        assertEquals(s.file().line(s.line()).replace('\t', ' '), lines[1].substring(gutter.length()), c.name() + ": source line");
        String caretPrefix = " ".repeat(gutter.length() - 2) + "| ";
        assertTrue(lines[2].startsWith(caretPrefix), c.name() + ": third line is not a caret line:\n" + text);
        String carets = lines[2].substring(caretPrefix.length());
        assertTrue(carets.matches(" *\\^+"), c.name() + ": third line is not a caret line:\n" + text);
        assertEquals(s.col() - 1, carets.indexOf('^'), c.name() + ": caret is not under column " + s.col() + ":\n" + text);
        for (String note : d.notes()) {
            assertTrue(note.startsWith("note: ") || note.startsWith("help: "),
                    c.name() + ": a note must start with 'note: ' or 'help: ', found '" + note + "'");
        }
        // Every message says what was expected, in its text or in a note (a rough check of the wording).
        String all = (d.message() + "\n" + String.join("\n", d.notes())).toLowerCase(java.util.Locale.ROOT);
        assertTrue(Stream.of("expected", "must", "needs", "declare", "help:", "takes", "cannot", " vs ", "larger than")
                        .anyMatch(all::contains),
                c.name() + ": the message does not say what was expected:\n" + text);
    }
}
