package dev.nnc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nnc.runtime.DType;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ShapeRulesTest {

    static TensorType t(String text) { return IrParser.parseType(text); }

    static List<Dim> dims(String... dims) { return Arrays.stream(dims).map(IrParser::parseDim).toList(); }

    /** The inferred type, printed. */
    static String infer(Op op, Attrs attrs, String... operands) {
        return op.infer(Arrays.stream(operands).map(ShapeRulesTest::t).toList(), attrs).toString();
    }

    static ShapeError fail(Op op, Attrs attrs, String... operands) {
        return assertThrows(ShapeError.class, () -> op.infer(Arrays.stream(operands).map(ShapeRulesTest::t).toList(), attrs));
    }

    static String error(Op op, Attrs attrs, String... operands) { return fail(op, attrs, operands).getMessage(); }

    static List<Long> ints(long... v) { return Arrays.stream(v).boxed().toList(); }

    @Nested class Unary {
        @Test void keepsTheType() {
            assertEquals("f32[B,10]", infer(Op.RELU, Attrs.NONE, "f32[B,10]"));
            assertEquals("i32[3]", infer(Op.NEG, Attrs.NONE, "i32[3]"));
            assertEquals("f16[]", infer(Op.EXP, Attrs.NONE, "f16[]"));
            assertEquals("f32[B,S,768]", infer(Op.GELU, Attrs.of("approximate", "tanh"), "f32[B,S,768]"));
            assertEquals("f32[B,S,768]", infer(Op.DROPOUT, Attrs.of("rate", 0.1), "f32[B,S,768]"));
        }

        @Test void operandCount() {
            assertEquals("expected 1 operand but got 2", error(Op.RELU, Attrs.NONE, "f32[2]", "f32[2]"));
            assertEquals("expected 1 operand but got 0", error(Op.SIGMOID, Attrs.NONE));
        }

        @Test void badAttributes() {
            assertEquals("gelu approximate must be \"none\" or \"tanh\", not \"fast\"",
                    error(Op.GELU, Attrs.of("approximate", "fast"), "f32[2]"));
            assertEquals("dropout rate must be between 0 and 1, not 1.5", error(Op.DROPOUT, Attrs.of("rate", 1.5), "f32[2]"));
        }

        @Test void cast() {
            assertEquals("i64[B,3]", infer(Op.CAST, Attrs.of("dtype", DType.I64), "f32[B,3]"));
            assertEquals("missing attribute 'dtype'", error(Op.CAST, Attrs.NONE, "f32[B,3]"));
            assertEquals("attribute 'dtype' must be a dtype, but is a string (\"f32\")",
                    error(Op.CAST, Attrs.of("dtype", "f32"), "f32[B,3]"));
        }
    }

    @Nested class Broadcast {
        @Test void numpyRules() {
            assertEquals("f32[B,10]", infer(Op.ADD, Attrs.NONE, "f32[B,10]", "f32[10]"));
            assertEquals("f32[B,10]", infer(Op.ADD, Attrs.NONE, "f32[10]", "f32[B,10]"));
            assertEquals("f32[B,3,5]", infer(Op.MUL, Attrs.NONE, "f32[B,1,5]", "f32[3,1]"));
            assertEquals("f32[B,S]", infer(Op.SUB, Attrs.NONE, "f32[1]", "f32[B,S]"));
            assertEquals("f32[B,S]", infer(Op.DIV, Attrs.NONE, "f32[B,S]", "f32[]"));
            assertEquals("f32[B,S]", infer(Op.MAXIMUM, Attrs.NONE, "f32[B,1]", "f32[1,S]"));
            assertEquals("i64[B*2,4]", infer(Op.MINIMUM, Attrs.NONE, "i64[B*2,4]", "i64[B*2,1]"));
            assertEquals("f32[]", infer(Op.POW, Attrs.NONE, "f32[]", "f32[]"));
        }

        @Test void mismatchNamesBothTypesAndTheDimension() {
            assertEquals("cannot broadcast f32[B,10] with f32[B,12]: dimension 1 is 10 vs 12",
                    error(Op.ADD, Attrs.NONE, "f32[B,10]", "f32[B,12]"));
            assertEquals("cannot broadcast f32[B,10] with f32[S,10]: dimension 0 is B vs S",
                    error(Op.ADD, Attrs.NONE, "f32[B,10]", "f32[S,10]"));
            assertEquals("cannot broadcast f32[B,3,5] with f32[4]: dimension -1 is 5 vs 4",
                    error(Op.MUL, Attrs.NONE, "f32[B,3,5]", "f32[4]"));
            assertEquals(-1, fail(Op.ADD, Attrs.NONE, "f32[B,10]", "f32[B,12]").operand());
        }

        @Test void dtypesMustAgree() {
            assertEquals("cannot combine f32[B,10] with i64[B,10]: element types f32 vs i64",
                    error(Op.ADD, Attrs.NONE, "f32[B,10]", "i64[B,10]"));
        }
    }

    @Nested class Matmul {
        @Test void shapes() {
            assertEquals("f32[B,10]", infer(Op.MATMUL, Attrs.NONE, "f32[B,64]", "f32[64,10]"));
            assertEquals("f32[B,S,32]", infer(Op.MATMUL, Attrs.NONE, "f32[B,S,64]", "f32[64,32]"));
            assertEquals("f32[B,3,4,6]", infer(Op.MATMUL, Attrs.NONE, "f32[B,1,4,5]", "f32[3,5,6]"));
            assertEquals("f32[B,H,S,S]", infer(Op.MATMUL, Attrs.NONE, "f32[B,H,S,D/H]", "f32[B,H,D/H,S]"));
        }

        @Test void errors() {
            ShapeError e = fail(Op.MATMUL, Attrs.NONE, "f32[4,10]", "f32[10]");
            assertEquals("matmul needs operands of rank 2 or more, but operand 1 is f32[10]", e.getMessage());
            assertEquals(1, e.operand());
            assertEquals("cannot multiply f32[B,10] by f32[12,5]: inner dimensions (K) are 10 vs 12",
                    error(Op.MATMUL, Attrs.NONE, "f32[B,10]", "f32[12,5]"));
            assertEquals("cannot broadcast the batch dimensions of f32[2,3,4] and f32[5,4,3]: dimension 0 is 2 vs 5",
                    error(Op.MATMUL, Attrs.NONE, "f32[2,3,4]", "f32[5,4,3]"));
            assertEquals("cannot multiply f32[2,3] by i32[3,2]: element types f32 vs i32",
                    error(Op.MATMUL, Attrs.NONE, "f32[2,3]", "i32[3,2]"));
        }
    }

    @Nested class Conv2d {
        static Attrs conv(long[] stride, long[] padding, long[] dilation, long groups) {
            return Attrs.of("stride", ints(stride), "padding", ints(padding), "dilation", ints(dilation), "groups", groups);
        }

        @Test void defaults() {
            assertEquals("f32[B,32,26,26]", infer(Op.CONV2D, Attrs.NONE, "f32[B,1,28,28]", "f32[32,1,3,3]", "f32[32]"));
            assertEquals("f32[B,32,26,26]", infer(Op.CONV2D, Attrs.NONE, "f32[B,1,28,28]", "f32[32,1,3,3]"));
        }

        @Test void strideFloorsPaddingAndDilation() {
            // ResNet stem: (224 + 3 + 3 - 7) / 2 + 1 = 112
            assertEquals("f32[1,64,112,112]", infer(Op.CONV2D, conv(new long[]{2, 2}, new long[]{3, 3, 3, 3}, new long[]{1, 1}, 1),
                    "f32[1,3,224,224]", "f32[64,3,7,7]"));
            // (10 - 2*(3-1) - 1) / 1 + 1 = 6 in height; (10 + 1 + 0 - 3) / 3 + 1 = 3 in width (floored)
            assertEquals("f32[1,1,6,3]", infer(Op.CONV2D, conv(new long[]{1, 3}, new long[]{0, 1, 0, 0}, new long[]{2, 1}, 1),
                    "f32[1,1,10,10]", "f32[1,1,3,3]"));
        }

        @Test void groups() {
            assertEquals("f32[B,32,8,8]", infer(Op.CONV2D, conv(new long[]{1, 1}, new long[]{1, 1, 1, 1}, new long[]{1, 1}, 32),
                    "f32[B,32,8,8]", "f32[32,1,3,3]"));
            assertEquals("f32[B,64,6,6]", infer(Op.CONV2D, conv(new long[]{1, 1}, new long[]{0, 0, 0, 0}, new long[]{1, 1}, 2),
                    "f32[B,32,8,8]", "f32[64,16,3,3]"));
        }

        @Test void symbolicSpatialDims() {
            assertEquals("f32[B,8,H,W]", infer(Op.CONV2D, conv(new long[]{1, 1}, new long[]{1, 1, 1, 1}, new long[]{1, 1}, 1),
                    "f32[B,3,H,W]", "f32[8,3,3,3]"));
            assertEquals("f32[B,8,H-2,W+2]", infer(Op.CONV2D, conv(new long[]{1, 1}, new long[]{0, 1, 0, 1}, new long[]{1, 1}, 1),
                    "f32[B,3,H,W]", "f32[8,3,3,1]"));
            ShapeError e = fail(Op.CONV2D, conv(new long[]{2, 2}, new long[]{1, 1, 1, 1}, new long[]{1, 1}, 1),
                    "f32[B,3,H,32]", "f32[8,3,3,3]");
            assertEquals("conv2d with stride 2 over the symbolic height H of f32[B,3,H,32] is not supported:"
                    + " the output size would need floor division", e.getMessage());
            assertEquals(0, e.operand());
        }

        @Test void channelErrors() {
            ShapeError e = fail(Op.CONV2D, Attrs.NONE, "f32[B,3,28,28]", "f32[32,1,3,3]");
            assertEquals("conv2d input f32[B,3,28,28] has 3 channels, but weight f32[32,1,3,3] with groups=1 expects 1", e.getMessage());
            assertEquals(1, e.operand());
            assertEquals("conv2d weight f32[30,4,3,3] has 30 output channels, which is not divisible by groups=4",
                    error(Op.CONV2D, conv(new long[]{1, 1}, new long[]{0, 0, 0, 0}, new long[]{1, 1}, 4), "f32[1,16,8,8]", "f32[30,4,3,3]"));
        }

        @Test void operandErrors() {
            ShapeError bias = fail(Op.CONV2D, Attrs.NONE, "f32[B,1,28,28]", "f32[32,1,3,3]", "f32[16]");
            assertEquals("conv2d bias must have shape [32] to match weight f32[32,1,3,3], but operand 2 is f32[16]", bias.getMessage());
            assertEquals(2, bias.operand());
            ShapeError x = fail(Op.CONV2D, Attrs.NONE, "f32[B,28,28]", "f32[32,1,3,3]");
            assertEquals("conv2d input must have rank 4 [N,C,H,W], but operand 0 is f32[B,28,28]", x.getMessage());
            assertEquals(0, x.operand());
            assertEquals("conv2d weight must have rank 4 [O,C/groups,KH,KW], but operand 1 is f32[32,3,3]",
                    error(Op.CONV2D, Attrs.NONE, "f32[B,1,28,28]", "f32[32,3,3]"));
            assertEquals("conv2d needs a floating-point input, but operand 0 is i32[B,1,28,28]",
                    error(Op.CONV2D, Attrs.NONE, "i32[B,1,28,28]", "i32[32,1,3,3]"));
            assertEquals("conv2d weight f16[32,1,3,3] must have the input's element type f32, not f16",
                    error(Op.CONV2D, Attrs.NONE, "f32[B,1,28,28]", "f16[32,1,3,3]"));
            assertEquals("conv2d window of 5 (kernel 5) is larger than the padded input height 4 of f32[1,1,4,9]",
                    error(Op.CONV2D, Attrs.NONE, "f32[1,1,4,9]", "f32[1,1,5,5]"));
            assertEquals("conv2d weight f32[8,3,K,3] must have a known kernel size, but dimension 2 is K",
                    error(Op.CONV2D, Attrs.NONE, "f32[1,3,9,9]", "f32[8,3,K,3]"));
        }

        @Test void attributeErrors() {
            assertEquals("attribute 'stride' must have 2 entries, but is [1,1,1]",
                    error(Op.CONV2D, Attrs.of("stride", ints(1, 1, 1)), "f32[1,1,8,8]", "f32[1,1,3,3]"));
            assertEquals("attribute 'stride' entries must be at least 1, but it is [0,1]",
                    error(Op.CONV2D, Attrs.of("stride", ints(0, 1)), "f32[1,1,8,8]", "f32[1,1,3,3]"));
            assertEquals("attribute 'padding' entries must be at least 0, but it is [0,-1,0,0]",
                    error(Op.CONV2D, Attrs.of("padding", ints(0, -1, 0, 0)), "f32[1,1,8,8]", "f32[1,1,3,3]"));
            assertEquals("conv2d groups must be at least 1, not 0",
                    error(Op.CONV2D, Attrs.of("groups", 0L), "f32[1,1,8,8]", "f32[1,1,3,3]"));
            assertEquals("attribute 'groups' must be an integer, but is a value of type Integer (1)",
                    error(Op.CONV2D, Attrs.of("groups", 1), "f32[1,1,8,8]", "f32[1,1,3,3]"));
        }
    }

    @Nested class Pooling {
        static Attrs pool(long k, long s, long p) {
            return Attrs.of("kernel", ints(k, k), "stride", ints(s, s), "padding", ints(p, p, p, p));
        }

        @Test void shapes() {
            assertEquals("f32[B,32,13,13]", infer(Op.MAX_POOL2D, pool(2, 2, 0), "f32[B,32,26,26]"));
            assertEquals("f32[B,64,56,56]", infer(Op.MAX_POOL2D, pool(3, 2, 1), "f32[B,64,112,112]"));
            assertEquals("f32[B,8,H-2,W-2]", infer(Op.AVG_POOL2D, pool(3, 1, 0), "f32[B,8,H,W]"));
            assertEquals("f32[B,8,H,W]", infer(Op.AVG_POOL2D, pool(3, 1, 1), "f32[B,8,H,W]"));
            assertEquals("f32[B,2048,1,1]", infer(Op.GLOBAL_AVG_POOL, Attrs.NONE, "f32[B,2048,7,7]"));
            assertEquals("f32[B,C,1,1]", infer(Op.GLOBAL_MAX_POOL, Attrs.NONE, "f32[B,C,H,W]"));
        }

        @Test void errors() {
            assertEquals("pooling padding 2 is more than half the kernel size 3 (padding [2,2,2,2], kernel [3,3])",
                    error(Op.MAX_POOL2D, pool(3, 1, 2), "f32[1,1,8,8]"));
            assertEquals("pooling needs an input of rank 4 [N,C,H,W], but operand 0 is f32[8,8]",
                    error(Op.MAX_POOL2D, pool(2, 2, 0), "f32[8,8]"));
            assertEquals("pooling with stride 2 over the symbolic width W of f32[1,1,8,W] is not supported:"
                    + " the output size would need floor division", error(Op.AVG_POOL2D, pool(2, 2, 0), "f32[1,1,8,W]"));
            assertEquals("pooling window of 3 (kernel 3) is larger than the padded input height 2 of f32[1,1,2,8]",
                    error(Op.MAX_POOL2D, pool(3, 1, 0), "f32[1,1,2,8]"));
            assertEquals("missing attribute 'kernel'", error(Op.MAX_POOL2D, Attrs.NONE, "f32[1,1,8,8]"));
            assertEquals("global pooling needs an input of rank 4 [N,C,H,W], but operand 0 is f32[B,C,L]",
                    error(Op.GLOBAL_AVG_POOL, Attrs.NONE, "f32[B,C,L]"));
        }
    }

    @Nested class Reshape {
        static Attrs to(String... d) { return Attrs.of("shape", dims(d)); }

        @Test void known() {
            assertEquals("f32[6,4]", infer(Op.RESHAPE, to("6", "4"), "f32[2,3,4]"));
            assertEquals("f32[]", infer(Op.RESHAPE, to(), "f32[1,1]"));
            assertEquals("cannot reshape f32[2,3,4] to [5,5]: 24 elements vs 25", error(Op.RESHAPE, to("5", "5"), "f32[2,3,4]"));
        }

        @Test void symbolic() {
            assertEquals("f32[B,576]", infer(Op.RESHAPE, to("B", "576"), "f32[B,64,3,3]"));
            assertEquals("f32[B,S,12,64]", infer(Op.RESHAPE, to("B", "S", "12", "64"), "f32[B,S,768]"));
            assertEquals("f32[B,S,H,D/H]", infer(Op.RESHAPE, to("B", "S", "H", "D/H"), "f32[B,S,D]"));
            assertEquals("f32[S,B,64]", infer(Op.RESHAPE, to("S", "B", "64"), "f32[B,S,64]"));
            assertEquals("f32[B*S,768]", infer(Op.RESHAPE, to("B*S", "768"), "f32[B,S,768]"));
            assertEquals("f32[B,S,768]", infer(Op.RESHAPE, to("B", "S", "768"), "f32[B*S,12,64]"));
        }

        @Test void symbolicMismatch() {
            assertEquals("cannot reshape f32[B,64,3,3] to [B,500]: B*576 elements vs B*500",
                    error(Op.RESHAPE, to("B", "500"), "f32[B,64,3,3]"));
            assertEquals("cannot reshape f32[B,10] to [S,10]: B*10 elements vs S*10", error(Op.RESHAPE, to("S", "10"), "f32[B,10]"));
            assertEquals("cannot reshape f32[B,S+1] to [B,S,1]: B*(S+1) elements vs B*S",
                    error(Op.RESHAPE, to("B", "S", "1"), "f32[B,S+1]"));
        }

        @Test void badAttribute() {
            assertEquals("attribute 'shape' must be a shape, but is a list ([1,2])",
                    error(Op.RESHAPE, Attrs.of("shape", ints(1, 2)), "f32[2]"));
        }

        @Test void flatten() {
            assertEquals("f32[B,576]", infer(Op.FLATTEN, Attrs.NONE, "f32[B,64,3,3]"));
            assertEquals("f32[B*576]", infer(Op.FLATTEN, Attrs.of("axis", 0L), "f32[B,64,3,3]"));
            assertEquals("f32[B,64,9]", infer(Op.FLATTEN, Attrs.of("axis", -2L), "f32[B,64,3,3]"));
            assertEquals("f32[1]", infer(Op.FLATTEN, Attrs.of("axis", 0L), "f32[]"));
            assertEquals("flatten axis 4 is out of range for f32[B,64,3,3], which has rank 4",
                    error(Op.FLATTEN, Attrs.of("axis", 4L), "f32[B,64,3,3]"));
        }

        @Test void transpose() {
            assertEquals("f32[B,H,S,D]", infer(Op.TRANSPOSE, Attrs.of("perm", ints(0, 2, 1, 3)), "f32[B,S,H,D]"));
            assertEquals("f32[2,4,3]", infer(Op.TRANSPOSE, Attrs.of("perm", ints(0, -1, 1)), "f32[2,3,4]"));
            assertEquals("transpose perm [1,0] has 2 entries, but f32[2,3,4] has rank 3",
                    error(Op.TRANSPOSE, Attrs.of("perm", ints(1, 0)), "f32[2,3,4]"));
            assertEquals("transpose perm [0,2,-1] is not a permutation of the axes of f32[2,3,4]: axis 2 appears twice",
                    error(Op.TRANSPOSE, Attrs.of("perm", ints(0, 2, -1)), "f32[2,3,4]"));
            assertEquals("transpose perm entry 3 is out of range for f32[2,3,4], which has rank 3",
                    error(Op.TRANSPOSE, Attrs.of("perm", ints(0, 1, 3)), "f32[2,3,4]"));
        }

        @Test void concat() {
            assertEquals("f32[B,7]", infer(Op.CONCAT, Attrs.of("axis", 1L), "f32[B,3]", "f32[B,4]"));
            assertEquals("f32[B,S+T]", infer(Op.CONCAT, Attrs.of("axis", -1L), "f32[B,S]", "f32[B,T]"));
            assertEquals("f32[B+C+2,3]", infer(Op.CONCAT, Attrs.of("axis", 0L), "f32[B,3]", "f32[C,3]", "f32[2,3]"));
            assertEquals("f32[5]", infer(Op.CONCAT, Attrs.of("axis", 0L), "f32[5]"));
            ShapeError e = fail(Op.CONCAT, Attrs.of("axis", 1L), "f32[B,3]", "f32[B,4]", "f32[S,4]");
            assertEquals("cannot concatenate f32[B,3] with f32[S,4] along axis 1: dimension 0 is B vs S", e.getMessage());
            assertEquals(2, e.operand());
            assertEquals("cannot concatenate f32[B,3] with f32[B,4,5]: ranks 2 vs 3",
                    error(Op.CONCAT, Attrs.of("axis", 1L), "f32[B,3]", "f32[B,4,5]"));
            assertEquals("cannot concatenate f32[B,3] with i32[B,4]: element types f32 vs i32",
                    error(Op.CONCAT, Attrs.of("axis", 1L), "f32[B,3]", "i32[B,4]"));
            assertEquals("cannot concatenate the scalar f32[]", error(Op.CONCAT, Attrs.of("axis", 0L), "f32[]", "f32[]"));
            assertEquals("expected at least 1 operand but got 0", error(Op.CONCAT, Attrs.of("axis", 0L)));
        }
    }

    @Nested class Slice {
        static Attrs slice(long[] axes, long[] starts, long[] ends, long[] steps) {
            return Attrs.of("axes", ints(axes), "starts", ints(starts), "ends", ints(ends), "steps", ints(steps));
        }

        static Attrs one(long axis, long start, long end, long step) {
            return slice(new long[]{axis}, new long[]{start}, new long[]{end}, new long[]{step});
        }

        static final long END = Long.MAX_VALUE;

        @Test void knownDimsClampLikePython() {
            assertEquals("f32[3]", infer(Op.SLICE, one(0, 2, 8, 2), "f32[10]"));      // 2,4,6
            assertEquals("f32[4]", infer(Op.SLICE, one(0, 2, 9, 2), "f32[10]"));      // 2,4,6,8
            assertEquals("f32[3]", infer(Op.SLICE, one(0, -3, END, 1), "f32[10]"));
            assertEquals("f32[10]", infer(Op.SLICE, one(0, -100, 100, 1), "f32[10]"));
            assertEquals("f32[0]", infer(Op.SLICE, one(0, 8, 2, 1), "f32[10]"));
            assertEquals("f32[2]", infer(Op.SLICE, one(0, -4, -2, 1), "f32[10]"));
            assertEquals("f32[B,2,5]", infer(Op.SLICE, slice(new long[]{-1, 1}, new long[]{0, 1}, new long[]{5, 3}, new long[]{1, 1}),
                    "f32[B,4,6]"));
        }

        @Test void symbolicDims() {
            assertEquals("f32[B,S-1,768]", infer(Op.SLICE, one(1, 1, END, 1), "f32[B,S,768]"));
            assertEquals("f32[B,1,768]", infer(Op.SLICE, one(1, 0, 1, 1), "f32[B,S,768]"));
            assertEquals("f32[B,2,768]", infer(Op.SLICE, one(1, -3, END, 2), "f32[B,S,768]"));
            assertEquals("f32[B,S-2,768]", infer(Op.SLICE, one(1, 1, -1, 1), "f32[B,S,768]"));
            assertEquals("f32[B,S,768]", infer(Op.SLICE, one(1, Long.MIN_VALUE, END, 1), "f32[B,S,768]"));
            assertEquals("f32[B,2,768]", infer(Op.SLICE, one(1, -3, -1, 1), "f32[B,S,768]"));
        }

        @Test void symbolicRefusals() {
            assertEquals("slice [1::2] over the symbolic dimension S of f32[B,S] is not supported:"
                    + " its length would need floor division", error(Op.SLICE, one(1, 1, END, 2), "f32[B,S]"));
            assertEquals("slice [-2:3:1] over the symbolic dimension S of f32[B,S] is not supported:"
                    + " its length depends on where the start falls", error(Op.SLICE, one(1, -2, 3, 1), "f32[B,S]"));
        }

        @Test void attributeErrors() {
            assertEquals("slice steps must be positive, but the step for axis 0 is 0", error(Op.SLICE, one(0, 0, 1, 0), "f32[4]"));
            assertEquals("slice axes [0,-2] name axis 0 twice",
                    error(Op.SLICE, slice(new long[]{0, -2}, new long[]{0, 0}, new long[]{1, 1}, new long[]{1, 1}), "f32[4,4]"));
            assertEquals("slice needs one start, end and step per axis, but has 1 axes, 2 starts, 1 ends and 1 steps",
                    error(Op.SLICE, slice(new long[]{0}, new long[]{0, 0}, new long[]{1}, new long[]{1}), "f32[4,4]"));
            assertEquals("slice axis 2 is out of range for f32[4,4], which has rank 2", error(Op.SLICE, one(2, 0, 1, 1), "f32[4,4]"));
        }
    }

    @Nested class Gather {
        @Test void shapes() {
            assertEquals("f32[B,S,768]", infer(Op.GATHER, Attrs.NONE, "f32[30522,768]", "i64[B,S]"));
            assertEquals("f32[4,2,6]", infer(Op.GATHER, Attrs.of("axis", 1L), "f32[4,5,6]", "i32[2]"));
            assertEquals("f32[4,5]", infer(Op.GATHER, Attrs.of("axis", -1L), "f32[4,5,6]", "i8[]"));
        }

        @Test void errors() {
            ShapeError e = fail(Op.GATHER, Attrs.NONE, "f32[30522,768]", "f32[B,S]");
            assertEquals("gather indices must be integers (i32, i64 or i8), but operand 1 is f32[B,S]", e.getMessage());
            assertEquals(1, e.operand());
            assertEquals("gather axis 2 is out of range for f32[4,5], which has rank 2",
                    error(Op.GATHER, Attrs.of("axis", 2L), "f32[4,5]", "i64[3]"));
            assertEquals("cannot gather from the scalar f32[]", error(Op.GATHER, Attrs.NONE, "f32[]", "i64[3]"));
        }
    }

    @Nested class Reductions {
        @Test void reduce() {
            assertEquals("f32[B,S]", infer(Op.REDUCE_MEAN, Attrs.of("axes", ints(-1)), "f32[B,S,D]"));
            assertEquals("f32[B,S,1]", infer(Op.REDUCE_MEAN, Attrs.of("axes", ints(-1), "keepdims", true), "f32[B,S,D]"));
            assertEquals("f32[B]", infer(Op.REDUCE_SUM, Attrs.of("axes", ints(2, 1)), "f32[B,S,D]"));
            assertEquals("f32[]", infer(Op.REDUCE_MAX, Attrs.of("axes", ints(0)), "f32[B]"));
            assertEquals("f32[1,1]", infer(Op.REDUCE_MAX, Attrs.of("axes", ints(0, 1), "keepdims", true), "f32[3,4]"));
        }

        @Test void reduceErrors() {
            assertEquals("reduction needs at least one axis in axes", error(Op.REDUCE_SUM, Attrs.of("axes", ints()), "f32[3]"));
            assertEquals("reduction axes [1,-2] name axis 1 twice", error(Op.REDUCE_SUM, Attrs.of("axes", ints(1, -2)), "f32[2,3,4]"));
            assertEquals("reduction axis -4 is out of range for f32[2,3,4], which has rank 3",
                    error(Op.REDUCE_SUM, Attrs.of("axes", ints(-4)), "f32[2,3,4]"));
            assertEquals("attribute 'keepdims' must be a bool, but is a string (\"yes\")",
                    error(Op.REDUCE_SUM, Attrs.of("axes", ints(0), "keepdims", "yes"), "f32[2,3,4]"));
        }

        @Test void softmax() {
            assertEquals("f32[B,10]", infer(Op.SOFTMAX, Attrs.NONE, "f32[B,10]"));
            assertEquals("f32[B,10]", infer(Op.LOG_SOFTMAX, Attrs.of("axis", 0L), "f32[B,10]"));
            assertEquals("axis 2 is out of range for f32[B,10], which has rank 2", error(Op.SOFTMAX, Attrs.of("axis", 2L), "f32[B,10]"));
            assertEquals("axis -1 is out of range for f32[], which has rank 0", error(Op.SOFTMAX, Attrs.NONE, "f32[]"));
        }

        @Test void layerNorm() {
            assertEquals("f32[B,S,768]", infer(Op.LAYER_NORM, Attrs.NONE, "f32[B,S,768]", "f32[768]", "f32[768]"));
            assertEquals("f32[B,S,768]", infer(Op.LAYER_NORM, Attrs.of("axis", -2L, "eps", 1e-12), "f32[B,S,768]", "f32[S,768]",
                    "f32[S,768]"));
            ShapeError gamma = fail(Op.LAYER_NORM, Attrs.NONE, "f32[B,S,768]", "f32[512]", "f32[768]");
            assertEquals("layer_norm gamma must have shape [768] (the dims of f32[B,S,768] from axis 2), but operand 1 is f32[512]",
                    gamma.getMessage());
            assertEquals(1, gamma.operand());
            ShapeError beta = fail(Op.LAYER_NORM, Attrs.NONE, "f32[B,S,768]", "f32[768]", "f16[768]");
            assertEquals("layer_norm beta f16[768] must have the input's element type f32, not f16", beta.getMessage());
            assertEquals(2, beta.operand());
            assertEquals("eps must be a finite number of at least 0, not -1.0",
                    error(Op.LAYER_NORM, Attrs.of("eps", -1.0), "f32[4]", "f32[4]", "f32[4]"));
            assertEquals("layer_norm needs a floating-point input, but operand 0 is i32[4]",
                    error(Op.LAYER_NORM, Attrs.NONE, "i32[4]", "i32[4]", "i32[4]"));
        }

        @Test void batchNorm() {
            assertEquals("f32[B,64,56,56]", infer(Op.BATCH_NORM, Attrs.NONE, "f32[B,64,56,56]", "f32[64]", "f32[64]", "f32[64]",
                    "f32[64]"));
            assertEquals("f32[B,C]", infer(Op.BATCH_NORM, Attrs.NONE, "f32[B,C]", "f32[C]", "f32[C]", "f32[C]", "f32[C]"));
            ShapeError var = fail(Op.BATCH_NORM, Attrs.NONE, "f32[B,64,56,56]", "f32[64]", "f32[64]", "f32[64]", "f32[32]");
            assertEquals("batch_norm running var must have shape [64] (the channels of f32[B,64,56,56]), but operand 4 is f32[32]",
                    var.getMessage());
            assertEquals(4, var.operand());
            assertEquals("batch_norm needs an input of rank 2 or more [N,C,...], but operand 0 is f32[64]",
                    error(Op.BATCH_NORM, Attrs.NONE, "f32[64]", "f32[64]", "f32[64]", "f32[64]", "f32[64]"));
            assertEquals("expected 5 operands but got 3", error(Op.BATCH_NORM, Attrs.NONE, "f32[1,64]", "f32[64]", "f32[64]"));
        }
    }

    @Test void arithmeticThatFailsIsAShapeError() {
        // A known dim near Long.MAX_VALUE makes the conv window arithmetic overflow.
        TensorType huge = new TensorType(DType.F32, Shape.of(1, 1, Long.MAX_VALUE, 4));
        ShapeError e = assertThrows(ShapeError.class, () -> Op.CONV2D.infer(List.of(huge, t("f32[1,1,1,1]")),
                Attrs.of("padding", ints(1, 0, 1, 0))));
        assertEquals("the result shape cannot be computed: long overflow", e.getMessage());
        TensorType big = new TensorType(DType.F32, Shape.of(1L << 40, 1L << 40));
        assertThrows(ShapeError.class, () -> Op.FLATTEN.infer(List.of(big), Attrs.of("axis", 0L)));
    }
}
