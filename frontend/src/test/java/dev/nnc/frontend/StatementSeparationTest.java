package dev.nnc.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.Op;
import org.junit.jupiter.api.Test;

/** Statements have no separator: a line starting with '(' starts a new expression, it does not call the line before. */
class StatementSeparationTest {
    @Test
    void parenthesizedLineIsANewExpression() {
        String src = "import std.nn.*\nmodel M(x: f32[B, 4]) -> f32[B, 4] {\n    let h = x |> relu\n    (h + x)\n}\n";
        Frontend.Result r = new Frontend().compile(new SourceFile("nl.nn", src), null);
        assertTrue(r.ok(), r.diagnostics().render());
        var nodes = r.models().get("M").nodes();
        assertEquals(Op.ADD, nodes.getLast().op());
    }

    @Test
    void callOnTheSameLineStillCalls() {
        String src = "import std.nn.*\nmodel M(x: f32[B, 4]) -> f32[B, 2] {\n    dense(2)(x)\n}\n";
        Frontend.Result r = new Frontend().compile(new SourceFile("call.nn", src), null);
        assertTrue(r.ok(), r.diagnostics().render());
    }
}
