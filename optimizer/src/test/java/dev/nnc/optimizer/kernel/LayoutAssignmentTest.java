package dev.nnc.optimizer.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.Kernel.Layout;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.KernelVerifier;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.Safetensors;
import dev.nnc.runtime.SyntheticWeights;
import dev.nnc.runtime.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The layout pass: golden kernel IR with the choice forced by a cost model (so nothing depends
 * on timings), the rules of what may go NHWC, and differential runs on the JVM backend (each
 * program before the pass against the same program after it and after memory planning) on the
 * four examples and on seeded random conv stacks with odd sizes, under cost models that make
 * every eligible kernel NHWC, that mix the layouts at random, and the measured one. Tolerance
 * {@code 1e-4 * |x| + 1e-5}.
 */
class LayoutAssignmentTest {
    /** NHWC is free, NCHW dear, a conversion costs a little: every eligible kernel goes NHWC. */
    static final LayoutAssignment.CostModel NHWC_CHEAP = costs(1000, 0, 1, 1000, 0);
    /** NHWC dear: nothing changes. */
    static final LayoutAssignment.CostModel NHWC_DEAR = costs(0, 1000, 1, 0, 1000);

    static LayoutAssignment.CostModel costs(double convNchw, double convNhwc, double transpose, double poolNchw,
                                            double poolNhwc) {
        return new LayoutAssignment.CostModel() {
            @Override public double conv(LayoutAssignment.ConvShape s, Layout l) { return l == Layout.NHWC ? convNhwc : convNchw; }

            @Override public double pool(LayoutAssignment.PoolShape s, Layout l) { return l == Layout.NHWC ? poolNhwc : poolNchw; }

            @Override public double transpose(long n, long c, long h, long w, boolean toNhwc) { return transpose; }
        };
    }

    /** Costs drawn per shape from the seed: regions start and end anywhere. */
    static LayoutAssignment.CostModel randomCosts(long seed) {
        return new LayoutAssignment.CostModel() {
            private double draw(Object key) { return new Random(seed * 31 + Objects.hashCode(key)).nextDouble() * 100; }

            @Override public double conv(LayoutAssignment.ConvShape s, Layout l) { return draw(List.of(s, l)); }

            @Override public double pool(LayoutAssignment.PoolShape s, Layout l) { return draw(List.of(s, l)); }

            @Override public double transpose(long n, long c, long h, long w, boolean toNhwc) {
                return draw(List.of(c, h, w, toNhwc)) / 4;
            }
        };
    }

    // ---- golden IR ---------------------------------------------------------------------------

    /** conv -> relu -> max pool -> conv with a per-channel epilogue input -> flatten -> dense. */
    static final String CNN = """
            kernels Cnn {
              input x : f32[B,3,10,10]
              weight c1.weight : f32[4,3,3,3]
              weight c1.bias : f32[4]
              weight c2.weight : f32[6,4,3,3]
              weight c2.bias : f32[6]
              weight c2.scale : f32[6,1,1]
              weight fc.weight : f32[3,24]
              weight fc.bias : f32[3]
              output y : f32[B,3]
              arena B*600
              conv2d(in:x : f32[B,3,10,10], w:c1.weight : f32[4,3,3,3], w:c1.bias : f32[4]) -> arena:t0@0 : f32[B,4,8,8] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nchw}
              elementwise(arena:t0@0 : f32[B,4,8,8]) -> arena:t1@B*256 : f32[B,4,8,8] = relu(%0)
              max_pool2d(arena:t1@B*256 : f32[B,4,8,8]) -> arena:t2@B*512 : f32[B,4,4,4] {kernel=[2,2], stride=[2,2], padding=[0,0,0,0], countIncludePad=false, layout=nchw}
              conv2d(arena:t2@B*512 : f32[B,4,4,4], w:c2.weight : f32[6,4,3,3], w:c2.bias : f32[6]) -> arena:t3@B*576 : f32[B,6,2,2] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nchw} epilogue(w:c2.scale : f32[6,1,1]) = relu(mul(%0, %1))
              matmul(arena:t3@B*576 : f32[B,24], w:fc.weight : f32[3,24], w:fc.bias : f32[3]) -> out:y : f32[B,3] {transA=false, transB=true}
            }
            """;

    /**
     * No transpose into the region: the first conv reads the NCHW input itself (input_layout=nchw),
     * its patch gather converting it; one transpose out of it (after the last NHWC kernel, where
     * flatten views the result); the per-channel [6,1,1] is re-viewed as [6]; the conversion
     * takes a new arena slot after the old arena.
     */
    static final String CNN_NHWC = """
            kernels Cnn {
              input x : f32[B,3,10,10]
              weight c1.weight : f32[4,3,3,3]
              weight c1.bias : f32[4]
              weight c2.weight : f32[6,4,3,3]
              weight c2.bias : f32[6]
              weight c2.scale : f32[6,1,1]
              weight fc.weight : f32[3,24]
              weight fc.bias : f32[3]
              output y : f32[B,3]
              arena B*624
              conv2d(in:x : f32[B,3,10,10], w:c1.weight : f32[4,3,3,3], w:c1.bias : f32[4]) -> arena:t0@0 : f32[B,8,8,4] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc, input_layout=nchw}
              elementwise(arena:t0@0 : f32[B,8,8,4]) -> arena:t1@B*256 : f32[B,8,8,4] = relu(%0)
              max_pool2d(arena:t1@B*256 : f32[B,8,8,4]) -> arena:t2@B*512 : f32[B,4,4,4] {kernel=[2,2], stride=[2,2], padding=[0,0,0,0], countIncludePad=false, layout=nhwc}
              conv2d(arena:t2@B*512 : f32[B,4,4,4], w:c2.weight : f32[6,4,3,3], w:c2.bias : f32[6]) -> arena:t3@B*576 : f32[B,2,2,6] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc} epilogue(w:c2.scale : f32[6]) = relu(mul(%0, %1))
              transpose(arena:t3@B*576 : f32[B,2,2,6]) -> arena:nchw0@B*600 : f32[B,6,2,2] {perm=[0,3,1,2]}
              matmul(arena:nchw0@B*600 : f32[B,24], w:fc.weight : f32[3,24], w:fc.bias : f32[3]) -> out:y : f32[B,3] {transA=false, transB=true}
            }
            """;

    /**
     * The same when the convolution's own gather of an NCHW x costs more than a transpose: one
     * transpose into the region (before the first conv), one out of it.
     */
    static final String CNN_NHWC_TRANSPOSED = """
            kernels Cnn {
              input x : f32[B,3,10,10]
              weight c1.weight : f32[4,3,3,3]
              weight c1.bias : f32[4]
              weight c2.weight : f32[6,4,3,3]
              weight c2.bias : f32[6]
              weight c2.scale : f32[6,1,1]
              weight fc.weight : f32[3,24]
              weight fc.bias : f32[3]
              output y : f32[B,3]
              arena B*924
              transpose(in:x : f32[B,3,10,10]) -> arena:nhwc0@B*600 : f32[B,10,10,3] {perm=[0,2,3,1]}
              conv2d(arena:nhwc0@B*600 : f32[B,10,10,3], w:c1.weight : f32[4,3,3,3], w:c1.bias : f32[4]) -> arena:t0@0 : f32[B,8,8,4] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc}
              elementwise(arena:t0@0 : f32[B,8,8,4]) -> arena:t1@B*256 : f32[B,8,8,4] = relu(%0)
              max_pool2d(arena:t1@B*256 : f32[B,8,8,4]) -> arena:t2@B*512 : f32[B,4,4,4] {kernel=[2,2], stride=[2,2], padding=[0,0,0,0], countIncludePad=false, layout=nhwc}
              conv2d(arena:t2@B*512 : f32[B,4,4,4], w:c2.weight : f32[6,4,3,3], w:c2.bias : f32[6]) -> arena:t3@B*576 : f32[B,2,2,6] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc} epilogue(w:c2.scale : f32[6]) = relu(mul(%0, %1))
              transpose(arena:t3@B*576 : f32[B,2,2,6]) -> arena:nchw1@B*900 : f32[B,6,2,2] {perm=[0,3,1,2]}
              matmul(arena:nchw1@B*900 : f32[B,24], w:fc.weight : f32[3,24], w:fc.bias : f32[3]) -> out:y : f32[B,3] {transA=false, transB=true}
            }
            """;

    @Test
    void goldenCnnGoesNhwcReadingTheInputAsItIs() {
        KernelProgram before = KernelPassTesting.parse(CNN);
        KernelProgram after = new LayoutAssignment(NHWC_CHEAP).run(before);
        KernelVerifier.verify(after);
        assertEquals(CNN_NHWC, KernelPrinter.print(after));
        assertEquals(after, KernelParser.parse(CNN_NHWC), "the golden text reads back to the result");
        KernelPassTesting.assertSameOutputs(before, after, 11, 1e-4, 1e-5);
        KernelPassTesting.assertSameOutputs(before, new MemoryPlanning().run(after), 12, 1e-4, 1e-5);
    }

    /** NHWC_CHEAP, except that a convolution gathering an NCHW x pays 5 more than a transpose (1). */
    static final LayoutAssignment.CostModel GATHER_DEAR = new LayoutAssignment.CostModel() {
        @Override public double conv(LayoutAssignment.ConvShape s, Layout l) { return NHWC_CHEAP.conv(s, l); }

        @Override public double pool(LayoutAssignment.PoolShape s, Layout l) { return NHWC_CHEAP.pool(s, l); }

        @Override public double transpose(long n, long c, long h, long w, boolean toNhwc) { return 1; }

        @Override public double convNchwInput(LayoutAssignment.ConvShape s) { return conv(s, Layout.NHWC) + 5; }
    };

    @Test
    void transposesTheInputWhenTheGatherCostsMore() {
        KernelProgram before = KernelPassTesting.parse(CNN);
        KernelProgram after = new LayoutAssignment(GATHER_DEAR).run(before);
        KernelVerifier.verify(after);
        assertEquals(CNN_NHWC_TRANSPOSED, KernelPrinter.print(after));
        assertEquals(after, KernelParser.parse(CNN_NHWC_TRANSPOSED), "the golden text reads back to the result");
        KernelPassTesting.assertSameOutputs(before, after, 13, 1e-4, 1e-5);
    }

    /**
     * Two convolutions read the input: both gather it themselves, so neither needs a transpose,
     * and when the gathers together cost more than the one transpose they share, both read it.
     */
    @Test
    void everyConvolutionReadingTheInputGathersItOrNoneDoes() {
        String text = """
                kernels Two {
                  input x : f32[B,3,7,7]
                  weight a.weight : f32[4,3,3,3]
                  weight b.weight : f32[4,3,3,3]
                  output y : f32[B,100]
                  arena B*200
                  conv2d(in:x : f32[B,3,7,7], w:a.weight : f32[4,3,3,3]) -> arena:t0@0 : f32[B,4,5,5] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nchw}
                  conv2d(in:x : f32[B,3,7,7], w:b.weight : f32[4,3,3,3]) -> arena:t1@B*100 : f32[B,4,5,5] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nchw} epilogue(arena:t0@0 : f32[B,4,5,5]) = add(%0, %1)
                  elementwise(arena:t1@B*100 : f32[B,100]) -> out:y : f32[B,100] = tanh(%0)
                }
                """;
        KernelProgram before = KernelPassTesting.parse(text);
        KernelProgram fused = new LayoutAssignment(NHWC_CHEAP).run(before);
        KernelVerifier.verify(fused);
        String printed = KernelPrinter.print(fused);
        assertEquals(1, count(fused, Kernel.Transpose.class), "only the way out\n" + printed);
        assertEquals(2, fused.kernels().stream().filter(k -> k instanceof Kernel.Conv2d c && c.inputLayout() == Layout.NCHW
                && c.x().space() == dev.nnc.ir.kernel.Space.INPUT).count(), printed);
        KernelPassTesting.assertSameOutputs(before, fused, 17, 1e-4, 1e-5);
        // Each gather costs 0.6 more, the shared transpose 1: two gathers (1.2) lose to it.
        KernelProgram shared = new LayoutAssignment(new LayoutAssignment.CostModel() {
            @Override public double conv(LayoutAssignment.ConvShape s, Layout l) { return NHWC_CHEAP.conv(s, l); }

            @Override public double pool(LayoutAssignment.PoolShape s, Layout l) { return NHWC_CHEAP.pool(s, l); }

            @Override public double transpose(long n, long c, long h, long w, boolean toNhwc) { return 1; }

            @Override public double convNchwInput(LayoutAssignment.ConvShape s) { return conv(s, Layout.NHWC) + 0.6; }
        }).run(before);
        KernelVerifier.verify(shared);
        assertEquals(2, count(shared, Kernel.Transpose.class), KernelPrinter.print(shared));
        assertTrue(shared.kernels().stream().noneMatch(k -> k instanceof Kernel.Conv2d c && c.inputLayout() == Layout.NCHW),
                KernelPrinter.print(shared));
        KernelPassTesting.assertSameOutputs(before, shared, 18, 1e-4, 1e-5);
    }

    @Test
    void keepsNchwWhenNhwcCostsMore() {
        KernelPassTesting.assertUnchanged(new LayoutAssignment(NHWC_DEAR), KernelPassTesting.parse(CNN));
    }

    @Test
    void keepsNchwWhenTheConversionsCostMoreThanTheGain() {
        // Each kernel gains 10 in NHWC, the two conversions cost 30 each.
        KernelPassTesting.assertUnchanged(new LayoutAssignment(costs(10, 0, 30, 10, 0)), KernelPassTesting.parse(CNN));
    }

    @Test
    void pinsTheLayoutsItChose() {
        KernelProgram once = new LayoutAssignment(NHWC_CHEAP).run(KernelPassTesting.parse(CNN));
        assertSame(once, new LayoutAssignment(NHWC_CHEAP).run(once), "a program with NHWC kernels is left alone");
    }

    /** One input channel: NCHW and NHWC are the same memory, so the input is viewed, not transposed. */
    @Test
    void oneChannelInputIsAViewNotATranspose() {
        String text = """
                kernels One {
                  input x : f32[B,1,7,7]
                  weight c.weight : f32[5,1,3,3]
                  weight fc.weight : f32[2,125]
                  output y : f32[B,2]
                  arena B*125
                  conv2d(in:x : f32[B,1,7,7], w:c.weight : f32[5,1,3,3]) -> arena:t0@0 : f32[B,5,5,5] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nchw} epilogue() = relu(%0)
                  matmul(arena:t0@0 : f32[B,125], w:fc.weight : f32[2,125]) -> out:y : f32[B,2] {transA=false, transB=true}
                }
                """;
        KernelProgram before = KernelPassTesting.parse(text);
        KernelProgram after = new LayoutAssignment(NHWC_CHEAP).run(before);
        KernelVerifier.verify(after);
        assertEquals("conv2d(in:x : f32[B,7,7,1], w:c.weight : f32[5,1,3,3]) -> arena:t0@0 : f32[B,5,5,5] {stride=[1,1],"
                + " padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc} epilogue() = relu(%0)",
                KernelPrinter.print(after.kernels().get(0)));
        assertEquals(1, count(after, Kernel.Transpose.class), "only the way out is a transpose");
        KernelPassTesting.assertSameOutputs(before, after, 3, 1e-4, 1e-5);
    }

    /**
     * A residual block: the second conv's epilogue adds the block input. Inside the region the
     * input is NHWC already; the global average pool (a reduction over H and W) ends the region
     * for free, as its [N, C] result is the same memory in both layouts; the first conv reads the
     * NCHW input itself, so there is no transpose at all.
     */
    @Test
    void residualEpilogueAndGlobalPoolStayInTheRegion() {
        String text = """
                kernels Res {
                  input x : f32[B,3,9,9]
                  weight c0.weight : f32[4,3,3,3]
                  weight c1.weight : f32[4,4,3,3]
                  weight c2.weight : f32[4,4,3,3]
                  weight fc.weight : f32[2,4]
                  output y : f32[B,2]
                  arena B*980
                  conv2d(in:x : f32[B,3,9,9], w:c0.weight : f32[4,3,3,3]) -> arena:t0@0 : f32[B,4,7,7] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nchw} epilogue() = relu(%0)
                  conv2d(arena:t0@0 : f32[B,4,7,7], w:c1.weight : f32[4,4,3,3]) -> arena:t1@B*196 : f32[B,4,7,7] {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1, layout=nchw} epilogue() = relu(%0)
                  conv2d(arena:t1@B*196 : f32[B,4,7,7], w:c2.weight : f32[4,4,3,3]) -> arena:t2@B*392 : f32[B,4,7,7] {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1, layout=nchw} epilogue(arena:t0@0 : f32[B,4,7,7]) = relu(add(%0, %1))
                  reduce_mean(arena:t2@B*392 : f32[B,4,7,7]) -> arena:t3@B*588 : f32[B,4] {axes=[2,3]}
                  matmul(arena:t3@B*588 : f32[B,4], w:fc.weight : f32[2,4]) -> out:y : f32[B,2] {transA=false, transB=true}
                }
                """;
        KernelProgram before = KernelPassTesting.parse(text);
        KernelProgram after = new LayoutAssignment(NHWC_CHEAP).run(before);
        KernelVerifier.verify(after);
        String printed = KernelPrinter.print(after);
        assertEquals(0, count(after, Kernel.Transpose.class), printed);
        assertTrue(printed.contains("conv2d(in:x : f32[B,3,9,9], w:c0.weight : f32[4,3,3,3]) -> arena:t0@0 : f32[B,7,7,4]"
                + " {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nhwc, input_layout=nchw}"), printed);
        assertTrue(printed.contains("epilogue(arena:t0@0 : f32[B,7,7,4]) = relu(add(%0, %1))"), printed);
        assertTrue(printed.contains("reduce_mean(arena:t2@B*392 : f32[B,7,7,4]) -> arena:t3@B*588 : f32[B,4] {axes=[1,2]}"), printed);
        KernelPassTesting.assertSameOutputs(before, after, 5, 1e-4, 1e-5);
    }

    /** A residual input that only exists in NCHW (a program input) is converted for an NHWC conv. */
    @Test
    void residualFromOutsideTheRegionIsConverted() {
        String text = """
                kernels Skip {
                  input x : f32[B,4,6,6]
                  weight c.weight : f32[4,4,3,3]
                  output y : f32[B,144]
                  arena B*144
                  conv2d(in:x : f32[B,4,6,6], w:c.weight : f32[4,4,3,3]) -> arena:t0@0 : f32[B,4,6,6] {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1, layout=nchw} epilogue(in:x : f32[B,4,6,6]) = add(%0, %1)
                  elementwise(arena:t0@0 : f32[B,144]) -> out:y : f32[B,144] = tanh(%0)
                }
                """;
        KernelProgram before = KernelPassTesting.parse(text);
        KernelProgram after = new LayoutAssignment(NHWC_CHEAP).run(before);
        KernelVerifier.verify(after);
        String printed = KernelPrinter.print(after);
        assertEquals(2, count(after, Kernel.Transpose.class), "x is converted once for both reads; the result once back\n" + printed);
        assertTrue(printed.contains("epilogue(arena:nhwc0@B*144 : f32[B,6,6,4])"), printed);
        KernelPassTesting.assertSameOutputs(before, after, 7, 1e-4, 1e-5);
    }

    /** Grouped convolutions, other kernels and program outputs stay NCHW. */
    @Test
    void groupedConvolutionAndOutputsStayNchw() {
        String text = """
                kernels Grouped {
                  input x : f32[B,4,6,6]
                  weight g.weight : f32[4,2,3,3]
                  weight c.weight : f32[2,4,3,3]
                  output y : f32[B,2,4,4]
                  arena B*144
                  conv2d(in:x : f32[B,4,6,6], w:g.weight : f32[4,2,3,3]) -> arena:t0@0 : f32[B,4,6,6] {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=2, layout=nchw}
                  conv2d(arena:t0@0 : f32[B,4,6,6], w:c.weight : f32[2,4,3,3]) -> out:y : f32[B,2,4,4] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nchw}
                }
                """;
        KernelPassTesting.assertUnchanged(new LayoutAssignment(NHWC_CHEAP), KernelPassTesting.parse(text));
    }

    private static long count(KernelProgram p, Class<?> kind) {
        return p.kernels().stream().filter(kind::isInstance).count();
    }

    // ---- differential: the examples ----------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mlp", "mnist_cnn", "cifar_cnn", "catsdogs_cnn"})
    void examplesComputeTheSameAfterThePass(String model) {
        Graph g = KernelPassTesting.example(model);
        Map<String, Tensor> weights = exampleWeights(model, g);
        KernelProgram before = beforeLayout(g);
        for (LayoutAssignment.CostModel costs : List.of(NHWC_CHEAP, LayoutAssignment.CostModel.MEASURED, randomCosts(1))) {
            KernelProgram after = new LayoutAssignment(costs).run(before);
            KernelVerifier.verify(after);
            assertSameOutputs(before, new MemoryPlanning().run(after), weights, model.hashCode(), model.equals("catsdogs_cnn") ? 2 : 5);
        }
    }

    @Test
    void measuredCostsPutTheExampleCnnsInOneNhwcRegion() {
        for (String model : List.of("mnist_cnn", "cifar_cnn", "catsdogs_cnn")) {
            KernelProgram after = new LayoutAssignment().run(beforeLayout(KernelPassTesting.example(model)));
            long convs = after.kernels().stream().filter(k -> k instanceof Kernel.Conv2d).count();
            long nhwc = after.kernels().stream().filter(k -> k instanceof Kernel.Conv2d c && c.layout() == Layout.NHWC).count();
            assertEquals(convs, nhwc, model + ": every convolution NHWC\n" + KernelPrinter.print(after));
            assertEquals(1, count(after, Kernel.Transpose.class), model + ": one conversion out, none in\n" + KernelPrinter.print(after));
            Kernel.Conv2d first = (Kernel.Conv2d) after.kernels().stream().filter(k -> k instanceof Kernel.Conv2d).findFirst().orElseThrow();
            assertEquals(dev.nnc.ir.kernel.Space.INPUT, first.x().space(), model + ": the first convolution reads the image itself");
            // One channel is the same memory in both layouts: a view, not a gather of another layout.
            assertEquals(model.equals("mnist_cnn") ? Layout.NHWC : Layout.NCHW, first.inputLayout(), model);
        }
    }

    static KernelProgram beforeLayout(Graph g) {
        PassManager o2 = PassManager.forLevel(OptLevel.O2);
        return o2.firstPasses(o2.passNames().indexOf("layout")).run(g);
    }

    static Map<String, Tensor> exampleWeights(String model, Graph g) {
        if (model.equals("catsdogs_cnn")) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (var p : g.paramSpecs()) out.put(p.name(), SyntheticWeights.generate(p.name(), p.shape(), 0));
            return out;
        }
        return Safetensors.read(KernelPassTesting.EXAMPLES.resolve("fixtures").resolve(model).resolve("weights.safetensors"));
    }

    /** Both programs on the JVM backend with these weights and seeded random inputs at the batch given. */
    static void assertSameOutputs(KernelProgram before, KernelProgram after, Map<String, Tensor> weights, long seed, long batch) {
        KernelVerifier.verify(after);
        Map<String, Tensor> inputs = KernelPassTesting.randomInputs(before, new Random(seed), batch);
        Map<String, Tensor> expected = KernelPassTesting.run(before, weights, inputs);
        Map<String, Tensor> actual = KernelPassTesting.run(after, weights, inputs);
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            KernelPassTesting.assertClose(name, expected.get(name), actual.get(name), 1e-4, 1e-5);
        }
    }

    // ---- differential: random conv stacks ----------------------------------------------------

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void randomConvStacksComputeTheSameAfterThePass(long seed, @TempDir Path dir) {
        String source = RandomConvStacks.model(seed);
        Graph g = compile(dir, source);
        KernelProgram before = beforeLayout(g);
        Map<String, Tensor> weights = KernelPassTesting.randomWeights(before, new Random(seed));
        for (LayoutAssignment.CostModel costs : List.of(NHWC_CHEAP, randomCosts(seed), LayoutAssignment.CostModel.MEASURED)) {
            KernelProgram after = new LayoutAssignment(costs).run(before);
            try {
                KernelVerifier.verify(after);
                assertSameOutputs(before, after, weights, seed, 3);
                assertSameOutputs(before, new MemoryPlanning().run(after), weights, seed + 100, 2);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\n" + source + "\n" + KernelPrinter.print(after), e);
            }
        }
    }

    private static Graph compile(Path dir, String source) {
        try {
            Path file = dir.resolve("stack.nn");
            Files.writeString(file, source);
            Frontend.Result r = new Frontend().compile(file);
            assertTrue(r.ok(), () -> r.diagnostics().render() + "\n" + source);
            return r.models().values().iterator().next();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Seeded random CNNs in the language: odd image sizes and channel counts (1 and 3 among
     * them), convolutions with kernels 1-5, strides 1-2, "same" or "valid" padding, dilation,
     * with or without relu; max and average pooling; residual blocks (conv, batch norm, add the
     * block input, relu); batch norm alone (a per-channel [C,1,1] elementwise); and a head of
     * flatten or global average pooling, then dense.
     */
    static final class RandomConvStacks {
        private RandomConvStacks() {}

        static String model(long seed) {
            Random r = new Random(seed);
            int c = List.of(1, 3, 2, 5).get(r.nextInt(4));
            int h = 9 + r.nextInt(10), w = 9 + r.nextInt(10);
            StringBuilder s = new StringBuilder("import std.nn.*\n\n");
            s.append("model Stack").append(seed).append("(x: f32[B, ").append(c).append(", ").append(h).append(", ")
                    .append(w).append("]) -> f32[B, 3] {\n");
            String v = "x";
            int layers = 0;
            for (int step = 0, steps = 3 + r.nextInt(4); step < steps; step++) {
                String next = "v" + step;
                int kind = r.nextInt(6);
                if (kind <= 2 || layers == 0) {
                    int k = List.of(1, 3, 3, 5).get(r.nextInt(4));
                    int stride = h >= 8 && w >= 8 && r.nextInt(4) == 0 ? 2 : 1;
                    int dilation = k == 3 && stride == 1 && h >= 9 && w >= 9 && r.nextInt(4) == 0 ? 2 : 1;
                    boolean same = r.nextBoolean() || h < dilation * (k - 1) + 3 || w < dilation * (k - 1) + 3;
                    int f = List.of(3, 5, 8, 17, 33).get(r.nextInt(5));
                    s.append("    let ").append(next).append(" = ").append(v).append(" |> c").append(step)
                            .append(": conv2d(").append(f).append(", kernel: ").append(k).append(", stride: ").append(stride)
                            .append(", padding: \"").append(same ? "same" : "valid").append("\", dilation: ").append(dilation)
                            .append(")").append(r.nextInt(3) > 0 ? " |> relu" : "").append('\n');
                    int span = dilation * (k - 1);
                    h = same ? (h + stride - 1) / stride : (h - span - 1) / stride + 1;
                    w = same ? (w + stride - 1) / stride : (w - span - 1) / stride + 1;
                    c = f;
                    layers++;
                } else if (kind == 3 && h >= 4 && w >= 4) {
                    boolean max = r.nextBoolean();
                    s.append("    let ").append(next).append(" = ").append(v).append(max ? " |> max_pool(2)" : " |> avg_pool(3, stride: 2, padding: \"same\")")
                            .append('\n');
                    h = max ? h / 2 : (h + 1) / 2;
                    w = max ? w / 2 : (w + 1) / 2;
                } else if (kind == 4) {
                    s.append("    let r").append(step).append(" = ").append(v).append(" |> c").append(step).append(": conv2d(")
                            .append(c).append(", kernel: 3, padding: \"same\") |> bn").append(step).append(": batch_norm\n");
                    s.append("    let ").append(next).append(" = (r").append(step).append(" + ").append(v).append(") |> relu\n");
                    layers++;
                } else {
                    s.append("    let ").append(next).append(" = ").append(v).append(" |> relu |> bn").append(step)
                            .append(": batch_norm\n");
                }
                v = next;
            }
            s.append("    ").append(v).append(r.nextBoolean() ? " |> global_avg_pool" : " |> flatten")
                    .append(" |> fc: dense(3)\n}\n");
            return s.toString();
        }
    }
}
