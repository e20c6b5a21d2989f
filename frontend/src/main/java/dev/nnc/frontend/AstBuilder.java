package dev.nnc.frontend;

import dev.nnc.grammar.NNLexer;
import dev.nnc.grammar.NNParser;
import dev.nnc.grammar.NNParser.*;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/** Parses one source file and builds its {@link Ast}; syntax errors go to the diagnostics. */
public final class AstBuilder {
    private final SourceFile file;
    private final Diagnostics diagnostics;

    private AstBuilder(SourceFile file, Diagnostics diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    /** The file's AST, or null when it has syntax errors or an integer too large (they are reported). */
    public static Ast.File parse(SourceFile file, Diagnostics diagnostics) {
        SyntaxErrors errors = new SyntaxErrors(file, diagnostics);
        NNLexer lexer = new NNLexer(CharStreams.fromString(file.text(), file.name()));
        lexer.removeErrorListeners();
        lexer.addErrorListener(errors);
        NNParser parser = new NNParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(errors);
        FileContext tree = parser.file();
        if (errors.count() > 0) return null;
        int before = diagnostics.errorCount();
        Ast.File ast = new AstBuilder(file, diagnostics).file(tree);
        return diagnostics.errorCount() > before ? null : ast;
    }

    /** An integer literal; one that does not fit in 64 bits is an error (reported), not an exception. */
    private long integer(TerminalNode literal) {
        try {
            return Long.parseLong(literal.getText());
        } catch (NumberFormatException e) {
            diagnostics.error(span(literal.getSymbol()), "integer " + literal.getText() + " is too large",
                    "note: expected at most " + Long.MAX_VALUE);
            return 0;
        }
    }

    private Ast.File file(FileContext ctx) {
        List<Ast.Import> imports = new ArrayList<>();
        for (ImportDeclContext i : ctx.importDecl()) {
            List<String> path = i.IDENT().stream().map(TerminalNode::getText).toList();
            imports.add(new Ast.Import(path, i.STAR() != null, span(i)));
        }
        List<Ast.Decl> decls = new ArrayList<>();
        for (DeclContext d : ctx.decl()) decls.add(d.modelDecl() != null ? model(d.modelDecl()) : layer(d.layerDecl()));
        return new Ast.File(file, imports, decls);
    }

    private Ast.Model model(ModelDeclContext ctx) {
        return new Ast.Model(ctx.IDENT().getText(), span(ctx.IDENT().getSymbol()), params(ctx.paramList()),
                outputs(ctx.outputs()), block(ctx.block()));
    }

    private Ast.Layer layer(LayerDeclContext ctx) {
        boolean twoLists = ctx.getChildCount() > 4 && countParens(ctx) == 4;
        List<Ast.ParamDecl> config = twoLists ? params(ctx.first) : List.of();
        List<Ast.ParamDecl> inputs = twoLists ? params(ctx.second) : params(ctx.first);
        List<Ast.OutputDecl> outputs = ctx.outputs() == null ? null : outputs(ctx.outputs());
        return new Ast.Layer(ctx.IDENT().getText(), span(ctx.IDENT().getSymbol()), config, inputs, outputs,
                block(ctx.block()));
    }

    private static int countParens(LayerDeclContext ctx) {
        int n = 0;
        for (int i = 0; i < ctx.getChildCount(); i++) {
            String t = ctx.getChild(i).getText();
            if (ctx.getChild(i) instanceof TerminalNode && (t.equals("(") || t.equals(")"))) n++;
        }
        return n;
    }

    private List<Ast.ParamDecl> params(ParamListContext ctx) {
        if (ctx == null) return List.of();
        return ctx.paramDecl().stream()
                .map(p -> new Ast.ParamDecl(p.IDENT().getText(), span(p.IDENT().getSymbol()), type(p.typeExpr()),
                        p.expr() == null ? null : expr(p.expr())))
                .toList();
    }

    private List<Ast.OutputDecl> outputs(OutputsContext ctx) {
        if (ctx.typeExpr() != null) return List.of(new Ast.OutputDecl("output", type(ctx.typeExpr())));
        return ctx.namedType().stream().map(n -> new Ast.OutputDecl(n.IDENT().getText(), type(n.typeExpr()))).toList();
    }

    private Ast.TypeExpr type(TypeExprContext ctx) {
        return switch (ctx) {
            case TensorTypeContext t -> new Ast.TensorType(t.IDENT().getText(),
                    t.dimList() == null ? List.of() : t.dimList().dim().stream().map(this::dim).toList(), span(t));
            case ScalarTypeContext s -> new Ast.ScalarType(s.IDENT().getText(), span(s));
            case ListTypeContext l -> new Ast.ListType(type(l.typeExpr()), span(l));
            default -> throw new IllegalStateException("unknown type syntax " + ctx.getText());
        };
    }

    private Ast.DimExpr dim(DimContext ctx) {
        return switch (ctx) {
            case EllipsisDimContext e -> new Ast.DimEllipsis(span(e));
            case MulDimContext m -> new Ast.DimBinary(m.op.getText().charAt(0), dim(m.dim(0)), dim(m.dim(1)), span(m));
            case AddDimContext a -> new Ast.DimBinary(a.op.getText().charAt(0), dim(a.dim(0)), dim(a.dim(1)), span(a));
            case IntDimContext i -> new Ast.DimInt(integer(i.INT()), span(i));
            case NameDimContext n -> new Ast.DimName(n.IDENT().getText(), span(n));
            case ParenDimContext p -> dim(p.dim());
            default -> throw new IllegalStateException("unknown dim syntax " + ctx.getText());
        };
    }

    private Ast.Block block(BlockContext ctx) {
        List<Ast.Stmt> stmts = new ArrayList<>();
        for (StmtContext s : ctx.stmt()) {
            stmts.add(switch (s) {
                case LetStmtContext l -> new Ast.Let(l.IDENT().getText(), span(l.IDENT().getSymbol()), expr(l.expr()));
                case ParamStmtContext p -> new Ast.Param(p.IDENT().getText(), span(p.IDENT().getSymbol()),
                        type(p.typeExpr()), p.expr() == null ? null : expr(p.expr()));
                case ReturnStmtContext r -> new Ast.Return(r.expr().stream().map(this::expr).toList(), span(r));
                case ExprStmtContext e -> new Ast.ExprStmt(expr(e.expr()));
                default -> throw new IllegalStateException("unknown statement " + s.getText());
            });
        }
        return new Ast.Block(stmts, span(ctx));
    }

    private Ast.Expr expr(ExprContext ctx) {
        return switch (ctx) {
            case PostfixExprContext p -> postfix(p.postfix());
            case NegExprContext n -> new Ast.Neg(expr(n.expr()), span(n));
            case MulExprContext m -> new Ast.Binary(m.op.getText().charAt(0), expr(m.expr(0)), expr(m.expr(1)), opSpan(m.op));
            case AddExprContext a -> new Ast.Binary(a.op.getText().charAt(0), expr(a.expr(0)), expr(a.expr(1)), opSpan(a.op));
            case NotExprContext n -> new Ast.Not(expr(n.expr()), span(n));
            case CompareExprContext c -> new Ast.Compare(c.op.getText(), expr(c.expr(0)), expr(c.expr(1)), opSpan(c.op));
            case AndExprContext a -> new Ast.Logic(true, expr(a.expr(0)), expr(a.expr(1)), opSpan(a.AND().getSymbol()));
            case OrExprContext o -> new Ast.Logic(false, expr(o.expr(0)), expr(o.expr(1)), opSpan(o.OR().getSymbol()));
            case PipeExprContext p -> {
                StageContext st = p.stage();
                List<String> label = st.label() == null ? List.of()
                        : st.label().labelPart().stream().map(ParserRuleContext::getText).toList();
                yield new Ast.Pipe(expr(p.expr()), label, postfix(st.postfix()), span(st));
            }
            default -> throw new IllegalStateException("unknown expression " + ctx.getText());
        };
    }

    private Ast.Expr postfix(PostfixContext ctx) {
        Ast.Expr e = atom(ctx.atom());
        for (CallSuffixContext c : ctx.callSuffix()) {
            List<Ast.Arg> args = new ArrayList<>();
            if (c.argList() != null) {
                for (ArgContext a : c.argList().arg()) {
                    args.add(new Ast.Arg(a.IDENT() == null ? null : a.IDENT().getText(), expr(a.expr()), span(a)));
                }
            }
            e = new Ast.Call(e, args, span(ctx.atom().getStart(), c.getStop()));
        }
        return e;
    }

    private Ast.Expr atom(AtomContext ctx) {
        return switch (ctx) {
            case IntAtomContext i -> new Ast.IntLit(integer(i.INT()), span(i));
            case FloatAtomContext f -> new Ast.FloatLit(Double.parseDouble(f.FLOAT().getText()), span(f));
            case StringAtomContext s -> new Ast.StringLit(unquote(s.STRING().getText()), span(s));
            case BoolAtomContext b -> new Ast.BoolLit(b.TRUE() != null, span(b));
            case NameAtomContext n -> new Ast.Name(n.IDENT().stream().map(TerminalNode::getText).toList(), span(n));
            case ListAtomContext l -> new Ast.ListLit(l.expr().stream().map(this::expr).toList(), span(l));
            case ParenAtomContext p -> expr(p.expr());
            case IfAtomContext i -> ifExpr(i.ifExpr());
            default -> throw new IllegalStateException("unknown atom " + ctx.getText());
        };
    }

    /** {@code else if} becomes an else block holding the nested If, so the elaborator sees two-way choices only. */
    private Ast.If ifExpr(IfExprContext ctx) {
        Ast.Block otherwise = null;
        if (ctx.ifExpr() != null) {
            Ast.If nested = ifExpr(ctx.ifExpr());
            otherwise = new Ast.Block(List.of(new Ast.ExprStmt(nested)), nested.span());
        } else if (ctx.block().size() > 1) {
            otherwise = block(ctx.block(1));
        }
        return new Ast.If(expr(ctx.expr()), block(ctx.block(0)), otherwise, span(ctx.IF().getSymbol()));
    }

    private static String unquote(String quoted) {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < quoted.length() - 1) {
                char n = quoted.charAt(++i);
                out.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> n;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private Span span(ParserRuleContext ctx) { return span(ctx.getStart(), ctx.getStop()); }

    private Span span(Token t) {
        return new Span(file, t.getLine(), t.getCharPositionInLine() + 1, Math.max(1, t.getStopIndex() - t.getStartIndex() + 1));
    }

    private Span opSpan(Token op) { return span(op); }

    private Span span(Token start, Token stop) {
        Span s = span(start);
        if (stop == null || stop.getType() == Token.EOF) return s;
        return s.to(span(stop));
    }
}
