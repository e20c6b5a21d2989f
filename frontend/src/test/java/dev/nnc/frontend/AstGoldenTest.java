package dev.nnc.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The parser on every syntax form, checked through the AST printer (fully parenthesized, so precedence shows). */
class AstGoldenTest {

    /** Every form of the grammar at least once: imports, both layer headers, all types, dims, statements and expressions. */
    static final String SOURCE = """
            import std.nn.*
            import blocks.residual;

            /* Every syntax form once. */
            layer scale(factor: float = 1.0, axes: [int] = [0, 1,], name: str = "a\\"b\\\\c\\n")(x: T[..., D]) -> T[..., D] {
                param w: T[D] = normal(std: 0.02);
                param b: T[D]
                let y = x * w + b * factor; let z = -y / 2 - 3.5e-2
                return z
            }

            layer pair(x: f32[N, (H + 1) * 2, W / 2 - 1, ...]) { return x, x }

            model Net(image: f32[B, 3, 28, 28], mask: bool[B], ) -> (logits: f32[B, 10], probs: f32[B, 10]) {
                let h = image |> conv1: conv2d(32, kernel: 3) |> relu |> encoder.layer.0: scale(2.0)
                let v = op.matmul(h, h) @ h + [1, [], true, false]
                let c = dense(10)(h);
                (h |> flatten)
                let r = h + 1 |> relu |> tanh * 2
                return c, c |> softmax(axis: -1)
            }
            """;

    static final String EXPECTED = """
            import std.nn.*
            import blocks.residual
            layer scale(factor: float = 1.0, axes: [int] = [0, 1], name: str = "a\\"b\\\\c\\n")(x: T[..., D]) -> output: T[..., D]
              param w: T[D] = normal(std: 0.02)
              param b: T[D]
              let y = ((x * w) + (b * factor))
              let z = (((-y) / 2) - 0.035)
              return z
            layer pair()(x: f32[N, ((H + 1) * 2), ((W / 2) - 1), ...])
              return x, x
            model Net(image: f32[B, 3, 28, 28], mask: bool[B]) -> logits: f32[B, 10], probs: f32[B, 10]
              let h = (((image |> conv1: conv2d(32, kernel: 3)) |> relu) |> encoder.layer.0: scale(2.0))
              let v = ((op.matmul(h, h) @ h) + [1, [], true, false])
              let c = dense(10)(h)
              (h |> flatten)
              let r = ((((h + 1) |> relu) |> tanh) * 2)
              return c, (c |> softmax(axis: (-1)))
            """;

    @Test
    void everySyntaxFormPrintsAsExpected() {
        Diagnostics diagnostics = new Diagnostics();
        Ast.File file = AstBuilder.parse(new SourceFile("all.nn", SOURCE), diagnostics);
        assertEquals("", diagnostics.render(), "the golden source must parse");
        assertNotNull(file);
        assertEquals(EXPECTED, AstPrinter.print(file));
    }

    @Test
    void nodesCarryTheirSourcePositions() {
        Ast.File file = AstBuilder.parse(new SourceFile("all.nn", SOURCE), new Diagnostics());
        Ast.Layer scale = (Ast.Layer) file.decls().getFirst();
        assertEquals("all.nn:5:7", scale.nameSpan().location());
        Ast.Let y = (Ast.Let) scale.body().stmts().get(2);
        // A binary expression is located at its operator, where a type error is reported.
        assertEquals("all.nn:8:19", y.value().span().location());
        Ast.Model net = (Ast.Model) file.decls().get(2);
        Ast.Let h = (Ast.Let) net.body().stmts().getFirst();
        // A pipe is located at its stage, label included.
        assertEquals("all.nn:15:62", h.value().span().location());
    }

    /** Comparisons bind looser than arithmetic, then && then ||, all tighter than |>; else if nests in the else branch. */
    @Test
    void conditionalsComparisonsAndLogicPrintWithTheirPrecedence() {
        String source = """
                layer pick(n: int, b: bool)(x: T[N, C]) {
                    let c = n + 1 < n * 2 && !b || n == 3 |> f
                    if n >= 2 { let y = x
                        y } else if n != 1 { -x } else { math.sqrt(n) }
                }
                """;
        Diagnostics diagnostics = new Diagnostics();
        Ast.File file = AstBuilder.parse(new SourceFile("if.nn", source), diagnostics);
        assertEquals("", diagnostics.render());
        assertEquals("""
                layer pick(n: int, b: bool)(x: T[N, C])
                  let c = (((((n + 1) < (n * 2)) && (!b)) || (n == 3)) |> f)
                  if (n >= 2) { let y = x; y } else { if (n != 1) { (-x) } else { math.sqrt(n) } }
                """, AstPrinter.print(file));
    }

    @Test
    void aFileWithSyntaxErrorsHasNoAst() {
        Diagnostics diagnostics = new Diagnostics();
        assertNull(AstBuilder.parse(new SourceFile("bad.nn", "model M(x: f32[B]) -> f32[B] { x |> }"), diagnostics));
        assertTrue(diagnostics.hasErrors());
    }
}
