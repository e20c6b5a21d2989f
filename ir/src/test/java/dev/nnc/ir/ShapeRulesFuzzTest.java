package dev.nnc.ir;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nnc.runtime.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Shape rules given random, often nonsensical, operands and attributes throw only ShapeError. */
class ShapeRulesFuzzTest {

    static final Dim[] DIMS = {Dim.of(0), Dim.of(1), Dim.of(2), Dim.of(3), Dim.of(7), Dim.of(64), Dim.of(Long.MAX_VALUE),
        Dim.sym("B"), Dim.sym("S"), Dim.sym("B").times(Dim.of(2)), Dim.sym("S").plus(Dim.of(1)), Dim.sym("D").div(Dim.of(8)),
        Dim.sym("D").div(Dim.of(0))};

    static final long[] LONGS = {0, 1, 2, 3, -1, -2, -5, 7, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, 1L << 40};

    static TensorType randomType(Random rnd) {
        int rank = rnd.nextInt(6);
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < rank; i++) dims.add(DIMS[rnd.nextInt(rnd.nextInt(3) == 0 ? DIMS.length : 6)]);
        return new TensorType(DType.values()[rnd.nextInt(DType.values().length)], new Shape(dims));
    }

    static Object randomValue(Random rnd, AttrKind kind, boolean wrong) {
        if (wrong) kind = AttrKind.values()[rnd.nextInt(AttrKind.values().length)];
        if (wrong && rnd.nextInt(5) == 0) return 1; // an Integer, never valid
        return switch (kind) {
            case INT -> LONGS[rnd.nextInt(LONGS.length)];
            case FLOAT -> List.of(0.5, -1.0, Double.NaN, 1e-5, 2.0).get(rnd.nextInt(5));
            case BOOL -> rnd.nextBoolean();
            case STRING -> List.of("none", "tanh", "", "x").get(rnd.nextInt(4));
            case INTS -> {
                List<Long> l = new ArrayList<>();
                for (int i = 0, n = rnd.nextInt(6); i < n; i++) l.add(LONGS[rnd.nextInt(rnd.nextInt(2) == 0 ? 4 : LONGS.length)]);
                yield l;
            }
            case SHAPE -> {
                List<Dim> l = new ArrayList<>();
                for (int i = 0, n = rnd.nextInt(5); i < n; i++) l.add(DIMS[rnd.nextInt(DIMS.length)]);
                yield l;
            }
            case DTYPE -> DType.values()[rnd.nextInt(DType.values().length)];
        };
    }

    @Test void onlyShapeErrors() {
        Random rnd = new Random(7);
        int accepted = 0, refused = 0;
        for (int i = 0; i < 300_000; i++) {
            Op op = Op.values()[rnd.nextInt(Op.values().length)];
            if (op.declaresType()) continue;
            List<TensorType> operands = new ArrayList<>();
            int n = Math.min(op.maxOperands(), op.minOperands() + rnd.nextInt(2)) - (rnd.nextInt(20) == 0 ? 1 : 0);
            TensorType first = randomType(rnd);
            for (int j = 0; j < Math.max(n, 0); j++) {
                operands.add(rnd.nextInt(3) == 0 ? randomType(rnd) : rnd.nextBoolean() ? first : first.withShape(
                        new Shape(first.shape().dims().subList(rnd.nextInt(first.rank() + 1), first.rank()))));
            }
            Map<String, Object> attrs = new HashMap<>();
            for (AttrSpec spec : op.attrs()) {
                if (rnd.nextInt(10) == 0) continue;
                attrs.put(spec.name(), randomValue(rnd, spec.kind(), rnd.nextInt(10) == 0));
            }
            if (rnd.nextInt(20) == 0) attrs.put("bogus", 1L);
            try {
                assertNotNull(op.infer(operands, new Attrs(attrs)));
                accepted++;
            } catch (ShapeError e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
                refused++;
            } catch (RuntimeException e) {
                fail(op + " " + operands + " " + attrs + " threw " + e, e);
            }
        }
        assertTrue(accepted > 1000 && refused > 1000, "accepted " + accepted + ", refused " + refused);
    }
}
