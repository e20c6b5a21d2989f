package dev.nnc.benchmarks.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerTableTest {
    static final String JMH = """
            [
              {"benchmark": "dev.nnc.benchmarks.peers.PeerBenchmark.infer", "params": {"model": "mlp", "batch": "1", "runtime": "native"},
               "primaryMetric": {"score": 1.0, "scoreError": 0.1, "scoreUnit": "us/op"}},
              {"benchmark": "dev.nnc.benchmarks.peers.PeerBenchmark.infer", "params": {"model": "mlp", "batch": "1", "runtime": "ort"},
               "primaryMetric": {"score": 4.0, "scoreError": "NaN", "scoreUnit": "us/op"}},
              {"benchmark": "dev.nnc.benchmarks.peers.PeerBenchmark.infer", "params": {"model": "mlp", "batch": "32", "runtime": "jvm"},
               "primaryMetric": {"score": 0.010, "scoreError": 0.001, "scoreUnit": "ms/op"}},
              {"benchmark": "dev.nnc.benchmarks.peers.PeerBenchmark.infer", "params": {"model": "mlp", "batch": "32", "runtime": "ort"},
               "primaryMetric": {"score": 20.0, "scoreError": 1.0, "scoreUnit": "us/op"}},
              {"benchmark": "dev.nnc.benchmarks.ModelBenchmark.predict", "params": {"model": "mlp", "batch": "1", "backend": "jvm", "opt": "O2"},
               "primaryMetric": {"score": 99.0, "scoreError": 1.0, "scoreUnit": "us/op"}}
            ]
            """;
    static final String PYTORCH = "[{\"model\": \"mlp\", \"batch\": 1, \"mode\": \"jit\", \"us\": 10.0}]";

    @Test
    void readsJmhAndPytorchAndComputesRatiosAndTargets(@TempDir Path dir) throws Exception {
        Path jmh = Files.writeString(dir.resolve("jmh.json"), JMH), pt = Files.writeString(dir.resolve("pt.json"), PYTORCH);
        PeerResults r = PeerResults.read(List.of(jmh), List.of(pt));
        assertEquals(5, r.all().size(), "other benchmarks' results are skipped");
        assertEquals(10.0, r.find("mlp", 32, "jvm").orElseThrow().us(), 1e-9, "ms/op is converted");
        assertEquals(4.0, r.speedup("mlp", 1, "native", "ort").orElseThrow(), 1e-9);
        assertEquals(List.of(1, 32), r.batches("mlp"));

        String table = PeerTable.markdown(r, (model, batch) -> 1000L * batch);
        assertTrue(table.contains("| mlp | 1 | **nnc native** | 1.00 ± 0.10 µs | 1,000,000 | 1.0 | **4.00×** | **10.00×** |"), table);
        assertTrue(table.contains("| mlp | 1 | ONNX Runtime | 4.00 µs | 250,000 | 0.3 | 1 | 2.50× |"), table);
        assertTrue(table.contains("| mlp | 32 | **nnc jvm** | 10.0 ± 1.0 µs | 3,200,000 | 3.2 | **2.00×** | – |"), table);

        String targets = PeerTable.targets(r);
        assertTrue(targets.contains("mlp, batch 32, nnc jvm ≥ 0.8× ONNX Runtime: 2.00× — met"), targets);
        assertTrue(targets.contains("mlp, batch 1, nnc native ≥ 1.5× ONNX Runtime: 4.00× — met"), targets);
        assertTrue(!targets.contains("batch 32, nnc native"), "no native figure at batch 32, so no line: " + targets);
    }

    @Test
    void writesAPng(@TempDir Path dir) throws Exception {
        Path jmh = Files.writeString(dir.resolve("jmh.json"), JMH), pt = Files.writeString(dir.resolve("pt.json"), PYTORCH);
        Path png = dir.resolve("peers.png");
        PeerChart.write(PeerResults.read(List.of(jmh), List.of(pt)), png, "test");
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 1000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G');
    }
}
