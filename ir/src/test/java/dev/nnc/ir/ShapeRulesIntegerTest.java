package dev.nnc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.DType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Ops defined on real numbers refuse integer tensors at compile time; integer-safe ops accept them. */
class ShapeRulesIntegerTest {
    static final TensorType INTS = new TensorType(DType.I64, Shape.of(2, 3, 4, 5));

    @ParameterizedTest
    @EnumSource(value = Op.class, names = {"SIGMOID", "TANH", "GELU", "ERF", "EXP", "LOG", "SQRT", "RSQRT",
            "SOFTMAX", "LOG_SOFTMAX", "GLOBAL_AVG_POOL", "GLOBAL_MAX_POOL"})
    void floatOnlyOpsRefuseIntegers(Op op) {
        ShapeError e = assertThrows(ShapeError.class, () -> op.infer(List.of(INTS), Attrs.NONE));
        assertTrue(e.getMessage().contains("needs a floating-point operand"), e.getMessage());
        assertEquals(0, e.operand());
    }

    @Test
    void reduceMeanRefusesIntegersButReduceSumAccepts() {
        Attrs axes = Attrs.of("axes", List.of(1L));
        assertThrows(ShapeError.class, () -> Op.REDUCE_MEAN.infer(List.of(INTS), axes));
        assertEquals(DType.I64, Op.REDUCE_SUM.infer(List.of(INTS), axes).dtype());
    }

    @ParameterizedTest
    @EnumSource(value = Op.class, names = {"NEG", "ABS", "RELU"})
    void integerSafeOpsAcceptIntegers(Op op) {
        assertEquals(INTS, op.infer(List.of(INTS), Attrs.NONE));
    }
}
