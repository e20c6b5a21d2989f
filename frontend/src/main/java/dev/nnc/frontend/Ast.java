package dev.nnc.frontend;

import java.util.List;

/** The syntax tree of one .nn file. Every node carries the span it was parsed from. */
public final class Ast {
    private Ast() {}

    public record File(SourceFile source, List<Import> imports, List<Decl> decls) {}

    /** {@code import a.b.*} (star) or {@code import a.b.name}. */
    public record Import(List<String> path, boolean star, Span span) {}

    public sealed interface Decl permits Model, Layer {
        String name();

        Span nameSpan();
    }

    public record Model(String name, Span nameSpan, List<ParamDecl> inputs, List<OutputDecl> outputs, Block body)
            implements Decl {}

    /** A layer: compile-time config parameters (possibly none), tensor inputs, optional declared output. */
    public record Layer(String name, Span nameSpan, List<ParamDecl> config, List<ParamDecl> inputs,
                        List<OutputDecl> outputs, Block body) implements Decl {}

    public record ParamDecl(String name, Span span, TypeExpr type, Expr defaultValue) {}

    /** A declared output; {@code name} is "output" when the model declares a single unnamed type. */
    public record OutputDecl(String name, TypeExpr type) {}

    public sealed interface TypeExpr permits TensorType, ScalarType, ListType {
        Span span();
    }

    /** {@code f32[B, 28, 28]}: dtype name and dims. */
    public record TensorType(String dtype, List<DimExpr> dims, Span span) implements TypeExpr {}

    /** {@code int}, {@code float}, {@code bool}, {@code str}. */
    public record ScalarType(String name, Span span) implements TypeExpr {}

    /** {@code [int]}. */
    public record ListType(TypeExpr element, Span span) implements TypeExpr {}

    public sealed interface DimExpr permits DimInt, DimName, DimBinary, DimEllipsis {
        Span span();
    }

    public record DimInt(long value, Span span) implements DimExpr {}

    public record DimName(String name, Span span) implements DimExpr {}

    public record DimBinary(char op, DimExpr left, DimExpr right, Span span) implements DimExpr {}

    public record DimEllipsis(Span span) implements DimExpr {}

    public record Block(List<Stmt> stmts, Span span) {}

    public sealed interface Stmt permits Let, Param, Return, ExprStmt {}

    public record Let(String name, Span nameSpan, Expr value) implements Stmt {}

    public record Param(String name, Span nameSpan, TypeExpr type, Expr init) implements Stmt {}

    public record Return(List<Expr> values, Span span) implements Stmt {}

    public record ExprStmt(Expr expr) implements Stmt {}

    public sealed interface Expr permits IntLit, FloatLit, StringLit, BoolLit, Name, ListLit, Call, Pipe, Binary, Neg,
            Compare, Logic, Not, If {
        Span span();
    }

    public record IntLit(long value, Span span) implements Expr {}

    public record FloatLit(double value, Span span) implements Expr {}

    public record StringLit(String value, Span span) implements Expr {}

    public record BoolLit(boolean value, Span span) implements Expr {}

    /** A possibly qualified name: {@code x}, {@code op.relu}. */
    public record Name(List<String> path, Span span) implements Expr {
        public String text() { return String.join(".", path); }
    }

    public record ListLit(List<Expr> items, Span span) implements Expr {}

    public record Call(Expr callee, List<Arg> args, Span span) implements Expr {}

    /** {@code input |> label: stage}; label is empty when the stage is not labeled. */
    public record Pipe(Expr input, List<String> label, Expr stage, Span span) implements Expr {}

    /** {@code + - * / @}. */
    public record Binary(char op, Expr left, Expr right, Span span) implements Expr {}

    public record Neg(Expr operand, Span span) implements Expr {}

    /** {@code == != < <= > >=} on compile-time values; {@code span} is the operator's. */
    public record Compare(String op, Expr left, Expr right, Span span) implements Expr {}

    /** {@code &&} ({@code and} true) or {@code ||} on compile-time bools; {@code span} is the operator's. */
    public record Logic(boolean and, Expr left, Expr right, Span span) implements Expr {}

    /** {@code !operand}. */
    public record Not(Expr operand, Span span) implements Expr {}

    /**
     * {@code if cond { ... } else { ... }}: a compile-time choice, only the branch taken is
     * elaborated. {@code otherwise} is null when there is no else branch (an error the frontend
     * reports); an {@code else if} is an else block holding one If.
     */
    public record If(Expr condition, Block then, Block otherwise, Span span) implements Expr {}

    /** A call argument; {@code name} is null for a positional one. */
    public record Arg(String name, Expr value, Span span) {}
}
