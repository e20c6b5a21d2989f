package dev.nnc.benchmarks.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nnc.runtime.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An ONNX model in ONNX Runtime for Java, set up as a user who wants speed would: every graph
 * optimization, sequential execution, {@code threads} intra-op threads; inputs are direct
 * buffers wrapped once, and the output is written into a pinned tensor and copied into a
 * float[] (as nnc's predict fills one), so a call allocates no tensors.
 */
public final class OrtModel implements AutoCloseable {
    private final OrtSession session;
    private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> pinned;
    private final FloatBuffer outputBuffer;
    private final float[] output;

    /**
     * @param inputs by the ONNX graph's input names, f32 or i64
     * @param outputShape the shape of the graph's output "output" for these inputs
     */
    public OrtModel(Path onnx, int threads, Map<String, Tensor> inputs, int[] outputShape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(onnx.toString(), options);
        }
        for (var e : inputs.entrySet()) this.inputs.put(e.getKey(), tensor(env, e.getValue()));
        long[] shape = new long[outputShape.length];
        int n = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = outputShape[i];
            n *= outputShape[i];
        }
        outputBuffer = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
        pinned = Map.of("output", OnnxTensor.createTensor(env, outputBuffer, shape));
        output = new float[n];
    }

    private static OnnxTensor tensor(OrtEnvironment env, Tensor t) throws OrtException {
        long[] shape = new long[t.shape().length];
        for (int i = 0; i < shape.length; i++) shape[i] = t.shape()[i];
        ByteBuffer bytes = ByteBuffer.allocateDirect(t.dtype().isFloat() ? 4 * t.size() : 8 * t.size()).order(ByteOrder.nativeOrder());
        if (t.dtype().isFloat()) {
            FloatBuffer f = bytes.asFloatBuffer().put(t.floats());
            return OnnxTensor.createTensor(env, f.rewind(), shape);
        }
        return OnnxTensor.createTensor(env, bytes.asLongBuffer().put(t.longs()).rewind(), shape);
    }

    /** One inference; returns the output, which the next call overwrites. */
    public float[] run() throws OrtException {
        try (OrtSession.Result r = session.run(inputs, pinned)) {
            outputBuffer.get(0, output);
        }
        return output;
    }

    @Override
    public void close() throws OrtException {
        for (OnnxTensor t : inputs.values()) t.close();
        for (OnnxTensor t : pinned.values()) t.close();
        session.close();
    }
}
