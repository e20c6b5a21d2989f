package dev.nnc.cli;

import static dev.nnc.cli.MainTest.EXAMPLES;
import static dev.nnc.cli.MainTest.nnc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.cli.MainTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --stats}, {@code --stats=json}, {@code --emit=dot} and {@code --emit=svg} as a user runs them. */
class StatsAndDotTest {
    static final String MNIST = EXAMPLES.resolve("mnist_cnn.nn").toString();
    static final List<String> KEYS = List.of("ops", "kernels", "arena_bytes", "naive_bytes", "weight_bytes", "flops");

    /** The members of a flat JSON object of integers; fails on anything else. */
    static Map<String, Long> parse(String json) {
        String body = json.strip();
        assertTrue(body.startsWith("{") && body.endsWith("}"), json);
        Map<String, Long> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\\s*\"([a-z_]+)\"\\s*:\\s*(-?\\d+)\\s*(,|$)").matcher(body.substring(1, body.length() - 1));
        int end = 0;
        while (m.find() && m.start() == end) {
            out.put(m.group(1), Long.parseLong(m.group(2)));
            end = m.end();
        }
        assertEquals(body.length() - 2, end, "not a flat object of integers: " + json);
        return out;
    }

    @Test
    void statsJsonHasExactlyTheSixKeysWithNumbers() {
        Run r = nnc(MNIST, "--stats=json");
        assertEquals(0, r.code(), r.err());
        Map<String, Long> one = parse(r.out());
        assertEquals(KEYS, List.copyOf(one.keySet()));
        assertEquals(17, one.get("ops"));
        assertEquals(373288, one.get("weight_bytes"), "(32*9+32 + 64*288+64 + 64*576+64 + 64*576+64 + 10*64+10) * 4");
        assertTrue(one.get("kernels") <= 16 && one.get("arena_bytes") <= one.get("naive_bytes"), r.out());
        assertTrue(one.get("flops") > 5_500_000 && one.get("flops") < 6_000_000, r.out());
        Run batch = nnc(MNIST, "--stats=json", "--batch", "32");
        Map<String, Long> many = parse(batch.out());
        assertEquals(one.get("flops"), many.get("flops"), "flops are per batch element");
        assertEquals(32 * one.get("naive_bytes") - 31 * 4 * (576 * 64 + 64 * 10), many.get("naive_bytes"),
                "everything scales with the batch but the transposed dense weights");
        assertEquals(one.get("weight_bytes"), many.get("weight_bytes"));
    }

    @Test
    void statsTextHasUnitsAndRatiosAndCanGoToAFile(@TempDir Path dir) throws Exception {
        Run r = nnc(MNIST, "--stats");
        assertEquals(0, r.code(), r.err());
        for (String key : KEYS) assertTrue(r.out().contains("  " + key + " "), key + "\n" + r.out());
        assertTrue(r.out().contains("arena/naive") && r.out().contains("kernels/ops"), r.out());
        assertTrue(r.out().contains(" B (") && r.out().contains("per batch element"), r.out());
        Path file = dir.resolve("stats.json");
        Run toFile = nnc("check", MNIST, "--stats=json", "--stats-file", file.toString());
        assertEquals(0, toFile.code(), toFile.err());
        assertTrue(toFile.out().contains("model MnistCnn"), "check still prints the signature: " + toFile.out());
        assertEquals(KEYS, List.copyOf(parse(Files.readString(file)).keySet()));
        Run checkJson = nnc("check", MNIST, "--stats=json", "-O0");
        assertEquals(16, parse(checkJson.out()).get("kernels"), "-O0: one kernel per op, the flatten being a view");
    }

    @Test
    void statsRejectsABadBatchAndEmitTogether() {
        assertEquals(1, nnc(MNIST, "--stats", "--batch", "0").code());
        assertEquals(1, nnc(MNIST, "--stats", "--emit=ir").code());
        assertEquals(1, nnc(MNIST, "--stats=xml").code());
    }

    @Test
    void emitDotIsAGraphvizDigraph() {
        Run r = nnc(MNIST, "--emit=dot");
        assertEquals(0, r.code(), r.err());
        String dot = r.out();
        assertTrue(dot.startsWith("digraph \"MnistCnn\" {"), dot);
        assertTrue(dot.strip().endsWith("}"), dot);
        assertBalanced(dot);
        assertTrue(dot.contains("in0 -> k0 [label=\"f32[B,"), dot); // NCHW or, after the layout pass, an NHWC view
        assertTrue(dot.contains("-> out0 [label=\"f32[B,10]\"]"), dot);
        assertTrue(dot.contains("<b>conv2d 3×3"), dot);
        assertTrue(dot.contains("softmax"), dot);
    }

    @Test
    void emitSvgRendersWithGraphvizWhenInstalled(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Graphviz.findDot() != null, "Graphviz's dot is not on PATH: skipping the SVG rendering test");
        Path svg = dir.resolve("m.svg");
        Run r = nnc(MNIST, "--emit=svg", "-o", svg.toString());
        assertEquals(0, r.code(), r.err());
        String text = Files.readString(svg);
        assertTrue(text.contains("<svg") && text.contains("</svg>"), text);
        assertTrue(text.contains("conv2d 3×3"), "labels come through");
    }

    @Test
    void emitSvgWithoutGraphvizIsAClearError() {
        System.setProperty("nnc.dot", "/no/such/dot");
        try {
            Run r = nnc(MNIST, "--emit=svg");
            assertEquals(1, r.code());
            assertTrue(r.err().contains("Graphviz, which is not installed") && r.err().contains("--emit=dot"), r.err());
            assertFalse(r.out().contains("<svg"));
        } finally {
            System.clearProperty("nnc.dot");
        }
    }

    static void assertBalanced(String dot) {
        int depth = 0;
        boolean inString = false;
        int html = 0;
        for (int i = 0; i < dot.length(); i++) {
            char c = dot.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            } else if (c == '"' && html == 0) {
                inString = true;
            } else if (c == '<') {
                html++;
            } else if (c == '>' && html > 0) {
                html--;
            } else if (html == 0 && c == '{') {
                depth++;
            } else if (html == 0 && c == '}') {
                depth--;
                assertTrue(depth >= 0, "unbalanced } at " + i);
            }
        }
        assertEquals(0, depth, "unbalanced braces");
        assertEquals(0, html, "unbalanced < > in HTML labels");
        assertFalse(inString, "unterminated string");
    }
}
