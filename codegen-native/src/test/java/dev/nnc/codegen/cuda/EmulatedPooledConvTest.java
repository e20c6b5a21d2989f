package dev.nnc.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.KernelVerifier;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A convolution with a fused max pooling on the {@link EmulatedDevice} against the same
 * convolution into an arena buffer followed by a channels-last max pooling, in one program with
 * the same weights: |fused - unfused| <= 1e-5 * |unfused| + 1e-6 (same GEMM, same order).
 */
class EmulatedPooledConvTest {

    @ParameterizedTest(name = "x {0}, C={1}, {2}x{3}, O={4}, k={5} s={6} p={7} d={8}, pool {9}x{10}, relu {11}")
    @CsvSource({"nhwc, 3, 9, 10, 16, 3, 1, 1, 1, 2, 2, true",
            "nchw, 1, 12, 9, 130, 3, 1, 0, 1, 3, 3, false",
            "nhwc, 5, 11, 11, 7, 2, 2, 1, 1, 2, 1, true",
            "nchw, 4, 10, 13, 33, 3, 1, 1, 2, 2, 2, true",
            "nhwc, 16, 6, 7, 64, 1, 1, 0, 1, 1, 1, false"})
    void matchesConvThenPool(String xLayout, int c, int h, int w, int o, int k, int stride, int pad, int dilation,
                             int ph, int pw, boolean relu) {
        boolean nhwc = xLayout.equals("nhwc");
        int convH = (h + 2 * pad - dilation * (k - 1) - 1) / stride + 1, convW = (w + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        String x = nhwc ? "f32[B," + h + "," + w + "," + c + "]" : "f32[B," + c + "," + h + "," + w + "]";
        String wt = "f32[" + o + "," + c + "," + k + "," + k + "]", bt = "f32[" + o + "]";
        String y = "f32[B," + convH / ph + "," + convW / pw + "," + o + "]", conv = "f32[B," + convH + "," + convW + "," + o + "]";
        String attributes = String.format(Locale.ROOT, "stride=[%d,%d], padding=[%d,%d,%d,%d], dilation=[%d,%d], groups=1, layout=nhwc%s",
                stride, stride, pad, pad, pad, pad, dilation, dilation, nhwc ? "" : ", input_layout=nchw");
        String epilogue = relu ? " epilogue() = relu(%0)" : "";
        String ins = "in:x : " + x + ", w:w : " + wt + ", w:b : " + bt;
        KernelProgram p = KernelParser.parse("kernels Pooled {\n"
                + "  input x : " + x + "\n  weight w : " + wt + "\n  weight b : " + bt + "\n"
                + "  output y : " + y + "\n  output z : " + y + "\n  arena B*" + convH * convW * o + "\n"
                + "  conv2d(" + ins + ") -> out:y : " + y + " {" + attributes + ", pool=[" + ph + "," + pw + "]}" + epilogue + "\n"
                + "  conv2d(" + ins + ") -> arena:t0@0 : " + conv + " {" + attributes + "}" + epilogue + "\n"
                + String.format(Locale.ROOT, "  max_pool2d(arena:t0@0 : %s) -> out:z : %s {kernel=[%d,%d], stride=[%d,%d], "
                        + "padding=[0,0,0,0], countIncludePad=false, layout=nhwc}\n", conv, y, ph, pw, ph, pw)
                + "}\n");
        KernelVerifier.verify(p);
        Random rng = new Random(c * 1000L + o);
        int batch = 2;
        Map<String, Tensor> weights = new HashMap<>();
        weights.put("w", random(rng, o, c, k, k));
        weights.put("b", random(rng, o));
        Tensor input = nhwc ? random(rng, batch, h, w, c) : random(rng, batch, c, h, w);
        PtxModule module = PtxModuleEmitter.emit(p, CudaTarget.DEFAULT);
        try (CudaModel model = new CudaModel(module, new EmulatedDevice(module), weights)) {
            Map<String, Tensor> out = model.run(Map.of("x", input));
            float[] fused = out.get("y").floats(), unfused = out.get("z").floats();
            for (int i = 0; i < fused.length; i++) {
                float a = fused[i], e = unfused[i];
                assertTrue(Math.abs(a - e) <= 1e-5 * Math.abs(e) + 1e-6, "element " + i + ": unfused " + e + ", fused " + a);
            }
        }
    }

    private static Tensor random(Random rng, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float) (rng.nextGaussian() * 0.5);
        return Tensor.ofFloats(DType.F32, shape, data);
    }
}
