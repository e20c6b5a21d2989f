package dev.nnc.frontend;

import java.util.List;
import java.util.stream.Collectors;

/** Prints an AST as an indented tree, one construct per line, for {@code --emit=ast} and golden tests. */
public final class AstPrinter {
    private final StringBuilder out = new StringBuilder();

    private AstPrinter() {}

    public static String print(Ast.File file) {
        AstPrinter p = new AstPrinter();
        for (Ast.Import i : file.imports()) p.line(0, "import " + String.join(".", i.path()) + (i.star() ? ".*" : ""));
        for (Ast.Decl d : file.decls()) p.decl(d);
        return p.out.toString();
    }

    private void decl(Ast.Decl d) {
        switch (d) {
            case Ast.Model m -> {
                line(0, "model " + m.name() + "(" + params(m.inputs()) + ") -> " + outputs(m.outputs()));
                block(m.body(), 1);
            }
            case Ast.Layer l -> {
                line(0, "layer " + l.name() + "(" + params(l.config()) + ")(" + params(l.inputs()) + ")"
                        + (l.outputs() == null ? "" : " -> " + outputs(l.outputs())));
                block(l.body(), 1);
            }
        }
    }

    private String params(List<Ast.ParamDecl> ps) {
        return ps.stream().map(p -> p.name() + ": " + Types.print(p.type())
                + (p.defaultValue() == null ? "" : " = " + expr(p.defaultValue()))).collect(Collectors.joining(", "));
    }

    private String outputs(List<Ast.OutputDecl> os) {
        return os.stream().map(o -> o.name() + ": " + Types.print(o.type())).collect(Collectors.joining(", "));
    }

    private void block(Ast.Block b, int depth) {
        for (Ast.Stmt s : b.stmts()) {
            switch (s) {
                case Ast.Let l -> line(depth, "let " + l.name() + " = " + expr(l.value()));
                case Ast.Param p -> line(depth, "param " + p.name() + ": " + Types.print(p.type())
                        + (p.init() == null ? "" : " = " + expr(p.init())));
                case Ast.Return r -> line(depth, "return " + r.values().stream().map(this::expr).collect(Collectors.joining(", ")));
                case Ast.ExprStmt e -> line(depth, expr(e.expr()));
            }
        }
    }

    /** Fully parenthesized, so precedence is visible. */
    private String expr(Ast.Expr e) {
        return switch (e) {
            case Ast.IntLit i -> Long.toString(i.value());
            case Ast.FloatLit f -> Double.toString(f.value());
            case Ast.StringLit s -> quote(s.value());
            case Ast.BoolLit b -> Boolean.toString(b.value());
            case Ast.Name n -> n.text();
            case Ast.ListLit l -> l.items().stream().map(this::expr).collect(Collectors.joining(", ", "[", "]"));
            case Ast.Call c -> expr(c.callee()) + c.args().stream()
                    .map(a -> (a.name() == null ? "" : a.name() + ": ") + expr(a.value()))
                    .collect(Collectors.joining(", ", "(", ")"));
            case Ast.Pipe p -> "(" + expr(p.input()) + " |> " + (p.label().isEmpty() ? "" : String.join(".", p.label()) + ": ")
                    + expr(p.stage()) + ")";
            case Ast.Binary b -> "(" + expr(b.left()) + " " + b.op() + " " + expr(b.right()) + ")";
            case Ast.Neg n -> "(-" + expr(n.operand()) + ")";
            case Ast.Compare c -> "(" + expr(c.left()) + " " + c.op() + " " + expr(c.right()) + ")";
            case Ast.Logic l -> "(" + expr(l.left()) + (l.and() ? " && " : " || ") + expr(l.right()) + ")";
            case Ast.Not n -> "(!" + expr(n.operand()) + ")";
            case Ast.If i -> "if " + expr(i.condition()) + " " + inline(i.then())
                    + (i.otherwise() == null ? "" : " else " + inline(i.otherwise()));
        };
    }

    /** A branch on one line: its statements separated by '; '. */
    private String inline(Ast.Block b) {
        AstPrinter inner = new AstPrinter();
        inner.block(b, 0);
        return "{ " + String.join("; ", inner.out.toString().strip().split("\n")) + " }";
    }

    /** A string literal as it would be written, escapes included, so a printed AST stays one line per construct. */
    private static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            out.append(switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\t' -> "\\t";
                default -> String.valueOf(c);
            });
        }
        return out.append('"').toString();
    }

    private void line(int depth, String text) { out.append("  ".repeat(depth)).append(text).append('\n'); }
}
