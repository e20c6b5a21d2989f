package dev.nnc.benchmarks.peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.PreparedCall;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The committed ONNX files (benchmarks/onnx, written by generate.py --onnx) compute what nnc
 * computes from the .nn example with the same synthetic weights, at any batch size: the
 * precondition of every ratio in the peer table.
 */
class OnnxModelsMatchNncTest {
    @BeforeAll
    static void fromTheModuleFolder() {
        System.setProperty("nnc.examples", "../examples");
        System.setProperty("nnc.onnx", "onnx");
    }

    @ParameterizedTest
    @CsvSource({"mlp, 1", "mlp, 5", "mnist_cnn, 1", "mnist_cnn, 3", "cifar_cnn, 2"})
    void onnxRuntimeAgreesWithNnc(String model, int batch) throws Exception {
        assertTrue(Files.isRegularFile(PeerModel.onnxFile(model)), PeerModel.onnxFile(model) + " is committed");
        PeerModel m = PeerModel.load(model, batch);
        try (OrtModel ort = m.onnxRuntime(2)) {
            float[] got = ort.run().clone();
            float[] want = PreparedCall.of(m.compile("jvm"), m.inputs()).output();
            OutputAgreement.check(model, got, want);
            assertArrayEquals(got, ort.run(), "a second call gives the same output");
        }
    }

    @ParameterizedTest
    @CsvSource({"mlp, 2"})
    void aDifferentFunctionIsCaught(String model, int batch) throws Exception {
        PeerModel m = PeerModel.load(model, batch);
        try (OrtModel ort = m.onnxRuntime(1)) {
            float[] got = ort.run().clone();
            got[1] += 0.01f;
            float[] want = PreparedCall.of(m.compile("jvm"), m.inputs()).output();
            assertThrows(IllegalStateException.class, () -> OutputAgreement.check(model, got, want));
        }
    }
}
