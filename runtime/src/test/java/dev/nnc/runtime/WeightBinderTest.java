package dev.nnc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightBinderTest {
    private static ParamSpec f32(String name, int... shape) {
        return new ParamSpec(name, DType.F32, shape);
    }

    private static Tensor floats(DType dtype, int... shape) {
        return Tensor.zeros(dtype, shape);
    }

    private static String failure(List<ParamSpec> declared, Map<String, Tensor> file) {
        return assertThrows(TensorFormatException.class, () -> WeightBinder.bind(declared, file, "model.safetensors"))
                .getMessage();
    }

    @Test
    void bindsInDeclaredOrderConvertingFloatsAndIgnoringBatchCounters() {
        Map<String, Tensor> file = new LinkedHashMap<>();
        file.put("bn.num_batches_tracked", Tensor.ofLongs(DType.I64, new int[0], new long[] {12}));
        file.put("fc.bias", Tensor.ofFloats(DType.F16, new int[] {2}, new float[] {0.5f, -1f}));
        Tensor weight = Tensor.ofFloats(DType.F32, new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        file.put("fc.weight", weight);
        file.put("steps", Tensor.ofLongs(DType.I32, new int[] {1}, new long[] {9}));
        List<ParamSpec> declared = List.of(f32("fc.weight", 2, 3), f32("fc.bias", 2),
                new ParamSpec("steps", DType.I64, new int[] {1}));

        Map<String, Tensor> bound = WeightBinder.bind(declared, file, "model.safetensors");

        assertEquals(List.of("fc.weight", "fc.bias", "steps"), List.copyOf(bound.keySet()));
        assertSame(weight, bound.get("fc.weight"), "no copy when the dtype already matches");
        assertEquals(Tensor.ofFloats(DType.F32, new int[] {2}, new float[] {0.5f, -1f}), bound.get("fc.bias"));
        assertEquals(Tensor.ofLongs(DType.I64, new int[] {1}, new long[] {9}), bound.get("steps"));
        assertThrows(UnsupportedOperationException.class, () -> bound.put("x", weight));
    }

    @Test
    void convertsToHalfPrecisionParameters() {
        Map<String, Tensor> file = Map.of("w", Tensor.ofFloats(DType.F32, new int[] {1}, new float[] {0.1f}));
        Map<String, Tensor> bound = WeightBinder.bind(List.of(new ParamSpec("w", DType.BF16, new int[] {1})), file,
                "w.npy");
        assertEquals(DType.BF16, bound.get("w").dtype());
        assertEquals(HalfFloats.roundToBf16(0.1f), bound.get("w").floats()[0]);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        Map<String, Tensor> file = new LinkedHashMap<>();
        file.put("conv1.weight", floats(DType.F32, 32, 3, 3, 3));
        file.put("conv2.wieght", floats(DType.F32, 64, 32, 3, 3));
        file.put("fc.bias", Tensor.zeros(DType.I64, new int[] {10}));
        file.put("totally.unrelated", floats(DType.F32, 1));
        file.put("bn.num_batches_tracked", Tensor.zeros(DType.I64, new int[0]));
        List<ParamSpec> declared = List.of(f32("conv1.weight", 32, 1, 3, 3), f32("conv2.weight", 64, 32, 3, 3),
                f32("fc.weight", 10, 64), f32("fc.bias", 10));

        String message = failure(declared, file);

        assertEquals(String.join("\n",
                "The weights in model.safetensors do not match the model (6 problems):",
                "weight 'conv1.weight': expected f32[32,1,3,3] but the file has f32[32,3,3,3].",
                "weight 'conv2.weight' is missing: the model expects f32[64,32,3,3].",
                "weight 'fc.weight' is missing: the model expects f32[10,64].",
                "weight 'fc.bias': expected f32[10] but the file has i64[10] (integer or bool data cannot be loaded "
                        + "into a float parameter).",
                "unexpected weight 'conv2.wieght' (f32[64,32,3,3]): the model has no parameter named 'conv2.wieght'; "
                        + "did you mean 'conv2.weight'?",
                "unexpected weight 'totally.unrelated' (f32[1]): the model has no parameter named "
                        + "'totally.unrelated'."), message);
    }

    @Test
    void singleProblem() {
        String message = failure(List.of(f32("w", 2)), Map.of());
        assertEquals("The weights in model.safetensors do not match the model (1 problem):\n"
                + "weight 'w' is missing: the model expects f32[2].", message);
    }

    @Test
    void suggestsOnlyParametersTheFileLacks() {
        // conv3.weight is present, so it is no suggestion for conv4.weight.
        Map<String, Tensor> file = new LinkedHashMap<>();
        file.put("conv3.weight", floats(DType.F32, 2));
        file.put("conv4.weight", floats(DType.F32, 2));
        String message = failure(List.of(f32("conv3.weight", 2)), file);
        assertTrue(message.endsWith("the model has no parameter named 'conv4.weight'."), message);
    }

    @Test
    void floatDataForAnIntegerParameter() {
        String message = failure(List.of(new ParamSpec("ids", DType.I32, new int[] {2})),
                Map.of("ids", floats(DType.F32, 2)));
        assertTrue(message.endsWith("weight 'ids': expected i32[2] but the file has f32[2] (float data cannot be "
                + "loaded into an integer or bool parameter)."), message);
    }

    @Test
    void boolAndIntegersDoNotMix() {
        String message = failure(List.of(new ParamSpec("mask", DType.BOOL, new int[] {2})),
                Map.of("mask", Tensor.zeros(DType.I8, new int[] {2})));
        assertTrue(message.endsWith("(bool and integer tensors are not interchangeable)."), message);
    }

    @Test
    void integerValuesMustFitTheDeclaredType() {
        String message = failure(List.of(new ParamSpec("q", DType.I8, new int[] {1})),
                Map.of("q", Tensor.ofLongs(DType.I64, new int[] {1}, new long[] {1000})));
        assertTrue(message.endsWith("weight 'q': expected i8[1] but the file has i64[1] (Value 1000 at index 0 does "
                + "not fit i8 (range -128 to 127))."), message);
    }

    @Test
    void batchCounterIsOnlyIgnoredWithItsExactSuffix() {
        Map<String, Tensor> file = Map.of("bn_num_batches_tracked", Tensor.zeros(DType.I64, new int[0]));
        String message = failure(List.of(), file);
        assertTrue(message.contains("unexpected weight 'bn_num_batches_tracked'"), message);
    }

    @Test
    void duplicateDeclarationsAreAProgrammingError() {
        assertThrows(IllegalArgumentException.class,
                () -> WeightBinder.bind(List.of(f32("w", 1), f32("w", 1)), Map.of(), "f"));
    }

    @Test
    void editDistance() {
        assertEquals(0, NameSuggestions.editDistance("abc", "abc"));
        assertEquals(2, NameSuggestions.editDistance("wieght", "weight"));
        assertEquals(3, NameSuggestions.editDistance("kitten", "sitting"));
        assertEquals(4, NameSuggestions.editDistance("", "abcd"));
    }

    @Test
    void paramSpecIsAValue() {
        int[] shape = {3, 4};
        ParamSpec p = new ParamSpec("fc.weight", DType.F32, shape);
        shape[0] = 9;
        assertArrayEquals(new int[] {3, 4}, p.shape());
        p.shape()[0] = 9;
        assertArrayEquals(new int[] {3, 4}, p.shape());
        assertEquals(new ParamSpec("fc.weight", DType.F32, new int[] {3, 4}), p);
        assertEquals(new ParamSpec("fc.weight", DType.F32, new int[] {3, 4}).hashCode(), p.hashCode());
        assertNotEquals(new ParamSpec("fc.weight", DType.F16, new int[] {3, 4}), p);
        assertEquals("fc.weight: f32[3,4]", p.toString());
        assertThrows(IllegalArgumentException.class, () -> new ParamSpec("x", DType.F32, new int[] {-1}));
    }
}
