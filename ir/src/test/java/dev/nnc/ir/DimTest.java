package dev.nnc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DimTest {
    static final Dim B = Dim.sym("B"), S = Dim.sym("S"), T = Dim.sym("T");

    static Dim n(long v) { return Dim.of(v); }

    @Test void constantsFold() {
        assertEquals(n(5), n(2).plus(n(3)));
        assertEquals(n(6), n(2).times(n(3)));
        assertEquals(n(4), n(8).div(n(2)));
        assertEquals(n(1), n(3).minus(n(2)));
    }

    @Test void identitiesSimplify() {
        assertEquals(B, B.plus(n(0)));
        assertEquals(B, n(0).plus(B));
        assertEquals(B, B.minus(n(0)));
        assertEquals(n(0), B.minus(B));
        assertEquals(B, B.times(n(1)));
        assertEquals(B, n(1).times(B));
        assertEquals(n(0), B.times(n(0)));
        assertEquals(n(0), n(0).times(B));
        assertEquals(B, B.div(n(1)));
        assertEquals(n(1), B.div(B));
    }

    @Test void constantsGoRightAndProductsFlatten() {
        assertEquals(B.times(n(64)), n(64).times(B));
        assertEquals("B*64", n(64).times(B).toString());
        assertEquals("S+1", n(1).plus(S).toString());
        assertEquals(B.times(n(6)), B.times(n(2)).times(n(3)));
        // Constant on the left of an already scaled symbol (was Expr(*, B*3, 2) before the fix).
        assertEquals(B.times(n(6)), n(2).times(B.times(n(3))));
        assertEquals(B.times(n(8)), B.times(n(64)).div(n(8)));
        assertEquals(B, B.times(n(4)).div(n(4)));
        assertEquals("B*2/4", B.times(n(2)).div(n(4)).toString());
    }

    @Test void printing() {
        assertEquals("(S+1)*2", S.plus(n(1)).times(n(2)).toString());
        assertEquals("D/8", Dim.sym("D").div(n(8)).toString());
        assertEquals("B-(S-1)", B.minus(S.minus(n(1))).toString());
        assertEquals("B-S-1", B.minus(S).minus(n(1)).toString());
        assertEquals("B/(S/2)", B.div(S.div(n(2))).toString());
        assertEquals("B*S/T", B.times(S).div(T).toString());
        assertEquals("B*S+T*2", B.times(S).plus(T.times(n(2))).toString());
        // Right operands of equal precedence need parentheses for + and * too.
        assertEquals("B+(S+1)", B.plus(S.plus(n(1))).toString());
        assertEquals("B*(S*T)", B.times(S.times(T)).toString());
        assertEquals("B*(S/T)", B.times(S.div(T)).toString());
        assertEquals("B+(S-T)", B.plus(S.minus(T)).toString());
    }

    @Test void invalidArithmeticThrowsIllegalArgument() {
        assertEquals("invalid dimension 3-5", assertThrows(IllegalArgumentException.class, () -> n(3).minus(n(5))).getMessage());
        assertEquals("invalid dimension 5/2", assertThrows(IllegalArgumentException.class, () -> n(5).div(n(2))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> n(Long.MAX_VALUE).times(n(2)));
        assertThrows(IllegalArgumentException.class, () -> n(Long.MAX_VALUE).plus(n(1)));
        assertThrows(IllegalArgumentException.class, () -> B.times(n(1L << 40)).times(n(1L << 40)));
        assertThrows(IllegalArgumentException.class, () -> Dim.of(-1));
    }

    @Test void eval() {
        Map<String, Long> env = Map.of("B", 4L, "S", 7L);
        assertEquals(16, S.plus(n(1)).times(n(2)).eval(env));
        assertEquals(3, B.minus(n(1)).eval(env));
        assertEquals(IllegalArgumentException.class,
                assertThrows(IllegalArgumentException.class, () -> S.div(B).eval(env)).getClass());
        assertEquals("unbound dimension T", assertThrows(IllegalArgumentException.class, () -> T.eval(env)).getMessage());
    }

    /** Random dims built with the factories read back from their text as the same dims. */
    @Test void printedDimsParseBackEqual() {
        Random rnd = new Random(42);
        int checked = 0;
        for (int i = 0; i < 20_000; i++) {
            Dim d = random(rnd, 4);
            if (d == null) continue;
            Dim back = IrParser.parseDim(d.toString());
            assertEquals(d, back, () -> "printed as " + d);
            assertEquals(d.toString(), back.toString());
            checked++;
        }
        assertEquals(true, checked > 10_000, "too few dims checked: " + checked);
    }

    /** A random dim, or null when the factories refuse it (negative or inexact constants). */
    static Dim random(Random rnd, int depth) {
        if (depth == 0 || rnd.nextInt(3) == 0) {
            return switch (rnd.nextInt(3)) {
                case 0 -> n(rnd.nextInt(5));
                case 1 -> Dim.sym(List.of("B", "S", "T").get(rnd.nextInt(3)));
                default -> n(rnd.nextInt(64) + 1);
            };
        }
        Dim a = random(rnd, depth - 1), b = random(rnd, depth - 1);
        if (a == null || b == null) return null;
        try {
            return switch (rnd.nextInt(4)) {
                case 0 -> a.plus(b);
                case 1 -> a.minus(b);
                case 2 -> a.times(b);
                default -> a.div(b);
            };
        } catch (IllegalArgumentException refused) {
            return null;
        }
    }

    @Test void shapeHelpers() {
        Shape s = Shape.of(B, n(64), n(3), n(3));
        assertEquals(B.times(n(576)), s.numel());
        assertEquals("[B,64,3,3]", s.toString());
        assertEquals(n(3), s.dim(-1));
        assertEquals(n(1), Shape.SCALAR.numel());
        List<Dim> dims = new ArrayList<>(s.dims());
        assertEquals(4, dims.size());
    }
}
