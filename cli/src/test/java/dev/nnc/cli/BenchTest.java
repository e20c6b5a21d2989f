package dev.nnc.cli;

import static dev.nnc.cli.MainTest.EXAMPLES;
import static dev.nnc.cli.MainTest.nnc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nnc bench}: the report's format and fields, and its errors; no timing is asserted. */
class BenchTest {
    static final String MLP = EXAMPLES.resolve("mlp.nn").toString();
    /** A short warm-up and few runs: the test checks the format, not the figures. */
    static final String[] QUICK = {"--warmup", "0.05", "--runs", "3"};

    static MainTest.Run bench(String... args) {
        String[] all = new String[args.length + QUICK.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(QUICK, 0, all, 1 + args.length, QUICK.length);
        return nnc(all);
    }

    @Test
    void textGivesLatencyThroughputAndGflops() {
        MainTest.Run r = bench(MLP, "--batch", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Mlp on " + MLP + ", batch 4 (jvm backend"), r.out());
        assertTrue(Pattern.compile("latency +median [0-9.]+ (ns|µs|ms) +min [0-9.]+ (ns|µs|ms) +p90 [0-9.]+ (ns|µs|ms)")
                .matcher(r.out()).find(), r.out());
        // The MLP: 2·(100·128 + 128·64 + 64·1) multiply-adds plus biases and activations, per item.
        assertTrue(Pattern.compile("throughput +[0-9,.]+ items/s +[0-9.]+ GFLOP/s \\(170\\.0 kFLOP per call\\)")
                .matcher(r.out()).find(), r.out());
        assertTrue(r.out().contains("3 timed runs of "), r.out());
        assertTrue(!r.out().contains("through run(Map)"), "the generated class's typed predict is timed: " + r.out());
    }

    @Test
    void jsonHasEveryFieldAndConsistentNumbers() {
        MainTest.Run r = bench(MLP, "--batch", "2", "--json");
        assertEquals(0, r.code(), r.err());
        String json = r.out().strip();
        assertTrue(json.startsWith("{") && json.endsWith("}") && !json.contains("\n"), json);
        for (String key : new String[] {"model", "file", "backend", "batch", "threads", "warmup_calls", "runs", "calls_per_run",
                "median_us", "min_us", "p90_us", "items_per_second", "flops_per_call", "gflops"}) {
            assertTrue(json.contains("\"" + key + "\": "), key + " missing: " + json);
        }
        assertEquals("\"Mlp\"", field(json, "model"));
        assertEquals("\"jvm\"", field(json, "backend"));
        assertEquals(2, Long.parseLong(field(json, "batch")));
        assertEquals(3, Long.parseLong(field(json, "runs")));
        assertEquals(2 * 42_498, Long.parseLong(field(json, "flops_per_call")));
        double median = Double.parseDouble(field(json, "median_us")), min = Double.parseDouble(field(json, "min_us"));
        double p90 = Double.parseDouble(field(json, "p90_us"));
        assertTrue(min > 0 && min <= median && median <= p90, json);
        assertEquals(2 / (median * 1e-6), Double.parseDouble(field(json, "items_per_second")), 1e-3 * 2 / (median * 1e-6));
    }

    @Test
    void nativeBackendWithWeightsFromAFile() {
        MainTest.Run r = bench(MLP, "--backend=native", "--weights", EXAMPLES + "/fixtures/mlp/weights.safetensors", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals("\"native\"", field(r.out(), "backend"));
    }

    /** One row per native kernel, in order, with its share of the kernels' time; the shares add up to 100 %. */
    @Test
    void profileTimesEveryNativeKernel() {
        MainTest.Run r = bench(MLP, "--backend=native", "--batch", "8", "--profile");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("kernels over "), r.out());
        Matcher row = Pattern.compile("(?m)^ +(\\d+) +([0-9.]+)% +[0-9.]+ (ns|µs|ms) +[0-9.]* +(matmul|elementwise|softmax)\\b.*$")
                .matcher(r.out());
        int rows = 0;
        double shares = 0;
        while (row.find()) {
            assertEquals(rows++, Integer.parseInt(row.group(1)), r.out());
            shares += Double.parseDouble(row.group(2));
        }
        assertEquals(3, rows, "the MLP's three kernels at -O2: " + r.out());
        assertEquals(100, shares, 0.5, r.out());
        assertTrue(r.out().contains("matmul -> f32[B,128] then relu(%0)"), r.out());
    }

    @Test
    void profileNeedsTheNativeBackendAndText() {
        MainTest.Run jvm = bench(MLP, "--profile");
        assertEquals(1, jvm.code());
        assertTrue(jvm.err().contains("error: --profile times the kernels of the native backend"), jvm.err());
        MainTest.Run json = bench(MLP, "--backend=native", "--profile", "--json");
        assertEquals(1, json.code());
        assertTrue(json.err().contains("error: --profile prints a table; it cannot be combined with --json"), json.err());
    }

    /** --disable-pass leaves a pass out (fewer fusions: more kernels) and names the passes when it does not know one. */
    @Test
    void disablePass() {
        MainTest.Run all = nnc(EXAMPLES.resolve("mnist_cnn.nn").toString(), "--stats=json");
        MainTest.Run without = nnc(EXAMPLES.resolve("mnist_cnn.nn").toString(), "--stats=json", "--disable-pass=fuse-conv-pool");
        assertEquals(0, all.code(), all.err());
        assertEquals(0, without.code(), without.err());
        assertEquals(Long.parseLong(field(all.out(), "kernels")) + 2, Long.parseLong(field(without.out(), "kernels")), without.out());
        MainTest.Run bad = nnc(MLP, "--stats", "--disable-pass=fuse-everything");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("error: --disable-pass: no pass named 'fuse-everything' at -O2; the passes are: constant-folding,"),
                bad.err());
    }

    @Test
    void badOptionsAreUserErrors(@TempDir Path dir) throws Exception {
        MainTest.Run zero = bench(MLP, "--batch", "0");
        assertEquals(1, zero.code());
        assertTrue(zero.err().contains("error: --batch must be at least 1, got 0"), zero.err());

        MainTest.Run dim = bench(MLP, "--dim", "S=8");
        assertEquals(1, dim.code());
        assertTrue(dim.err().contains("model Mlp has no symbolic dim of that name; its dims are B"), dim.err());

        MainTest.Run weights = bench(MLP, "--weights", dir.resolve("missing.safetensors").toString());
        assertEquals(1, weights.code());
        assertTrue(weights.err().contains("does not exist"), weights.err());

        Path twoDims = dir.resolve("seq.nn");
        Files.writeString(twoDims, "import std.nn.*\nmodel Seq(x: f32[B, S, 8]) -> f32[B, S, 4] {\n    x |> fc: dense(4)\n}\n");
        MainTest.Run seq = bench(twoDims.toString());
        assertEquals(1, seq.code());
        assertTrue(seq.err().contains("model Seq has the symbolic dims B, S; --batch gives B, give S with --dim S=N"), seq.err());
        MainTest.Run withDim = bench(twoDims.toString(), "--dim", "S=5", "--json");
        assertEquals(0, withDim.code(), withDim.err());
        assertEquals(2L * 5 * 8 * 4 + 5 * 4, Long.parseLong(field(withDim.out(), "flops_per_call")));
    }

    /** The raw text of a top-level JSON field's value. */
    static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (\"[^\"]*\"|[-0-9.eE]+)").matcher(json);
        assertTrue(m.find(), key + " missing: " + json);
        return m.group(1);
    }
}
