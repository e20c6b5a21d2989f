package dev.nnc.optimizer.kernel;

import static dev.nnc.optimizer.kernel.KernelPassTesting.ABS;
import static dev.nnc.optimizer.kernel.KernelPassTesting.REL;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertGolden;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertSameOutputs;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertUnchanged;
import static dev.nnc.optimizer.kernel.KernelPassTesting.example;
import static dev.nnc.optimizer.kernel.KernelPassTesting.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConvPoolFusionTest {
    private final ConvPoolFusion pass = new ConvPoolFusion();

    @Test void golden() {
        KernelProgram[] r = assertGolden(pass, "fuse-conv-pool");
        assertEquals(3, r[1].kernels().size());
        assertSameOutputs(r[0], r[1], 5, REL, ABS);
    }

    /** The example CNNs at -O2: every conv |> relu |> max_pool(2) is one kernel, and the outputs do not change. */
    @ParameterizedTest
    @CsvSource({"mnist_cnn, 2", "cifar_cnn, 2", "catsdogs_cnn, 3"})
    void exampleCnns(String name, int pooled) {
        KernelProgram fused = PassManager.forLevel(OptLevel.O2).run(example(name));
        KernelProgram unfused = PassManager.forLevel(OptLevel.O2).without(List.of(pass.name())).run(example(name));
        assertEquals(pooled, fused.kernels().stream().filter(k -> k instanceof Kernel.Conv2d c && c.pooled()).count());
        assertTrue(fused.kernels().stream().noneMatch(k -> k instanceof Kernel.Pool2d), "no pooling kernel left");
        assertEquals(unfused.kernels().size() - pooled, fused.kernels().size());
        assertTrue(fused.arenaSize().eval(java.util.Map.of("B", 32L)) < unfused.arenaSize().eval(java.util.Map.of("B", 32L)),
                "the convolutions' outputs no longer need arena space");
        if (!name.equals("catsdogs_cnn")) assertSameOutputs(unfused, fused, 17, REL, ABS);
    }

    private static final String HEAD = """
            kernels K {
              input x : f32[B,9,9,4]
              weight w : f32[8,4,3,3]
              output y : f32[B,3,3,8]
              arena B*392
            """;

    private static final String CONV = "  conv2d(in:x : f32[B,9,9,4], w:w : f32[8,4,3,3]) -> arena:t1@0 : f32[B,7,7,8] "
            + "{stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc}";

    private static String pool(String kind, String attrs) {
        return "  " + kind + "(arena:t1@0 : f32[B,7,7,8]) -> out:y : f32[B,3,3,8] {" + attrs + ", countIncludePad=false, layout=nhwc}\n";
    }

    @Test void fusesTheBasicCase() {
        KernelProgram p = parse(HEAD + CONV + " epilogue() = relu(%0)\n" + pool("max_pool2d", "kernel=[2,2], stride=[2,2], padding=[0,0,0,0]") + "}\n");
        KernelProgram fused = pass.run(p);
        assertEquals(1, fused.kernels().size());
        assertEquals(List.of(2, 2), ((Kernel.Conv2d) fused.kernels().getFirst()).pool());
        assertSameOutputs(p, fused, 3, REL, ABS);
    }

    @Test void leavesAverageOverlappingAndPaddedPoolingAlone() {
        assertUnchanged(pass, parse(HEAD + CONV + "\n" + pool("avg_pool2d", "kernel=[2,2], stride=[2,2], padding=[0,0,0,0]") + "}\n"));
        assertUnchanged(pass, parse(HEAD + CONV + "\n" + pool("max_pool2d", "kernel=[3,3], stride=[2,2], padding=[0,0,0,0]") + "}\n"));
        assertUnchanged(pass, parse(HEAD + CONV + "\n" + pool("max_pool2d", "kernel=[3,3], stride=[3,3], padding=[1,1,1,1]")
                .replace("f32[B,3,3,8] {", "f32[B,3,3,8] {") + "}\n"));
    }

    @Test void leavesAnEpilogueOtherThanReluAlone() {
        assertUnchanged(pass, parse(HEAD + CONV + " epilogue() = tanh(%0)\n"
                + pool("max_pool2d", "kernel=[2,2], stride=[2,2], padding=[0,0,0,0]") + "}\n"));
    }

    @Test void leavesAConvolutionWhoseOutputIsAlsoReadElsewhereAlone() {
        String text = """
                kernels K {
                  input x : f32[B,9,9,4]
                  weight w : f32[8,4,3,3]
                  output y : f32[B,3,3,8]
                  output z : f32[B,7,7,8]
                  arena B*392
                """ + CONV + "\n" + pool("max_pool2d", "kernel=[2,2], stride=[2,2], padding=[0,0,0,0]")
                + "  elementwise(arena:t1@0 : f32[B,7,7,8]) -> out:z : f32[B,7,7,8] = neg(%0)\n}\n";
        assertUnchanged(pass, parse(text));
    }
}
