package dev.nnc.codegen.jvm;

import static org.objectweb.asm.Opcodes.*;

import dev.nnc.ir.Dim;
import java.util.Map;
import org.objectweb.asm.MethodVisitor;

/** Small bytecode helpers over a MethodVisitor: constants, dim arithmetic, locals. */
final class Code {
    final MethodVisitor mv;
    /** Local slot of each symbolic dim's value (B, S, ...). */
    final Map<String, Integer> symbols;
    private int nextLocal;

    Code(MethodVisitor mv, Map<String, Integer> symbols, int firstFreeLocal) {
        this.mv = mv;
        this.symbols = symbols;
        this.nextLocal = firstFreeLocal;
    }

    int newLocal() { return nextLocal++; }

    void iconst(int v) {
        if (v >= -1 && v <= 5) mv.visitInsn(ICONST_0 + v);
        else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) mv.visitIntInsn(BIPUSH, v);
        else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) mv.visitIntInsn(SIPUSH, v);
        else mv.visitLdcInsn(v);
    }

    void bool(boolean b) { mv.visitInsn(b ? ICONST_1 : ICONST_0); }

    /** Pushes a dim's int value, computing symbolic dims from the symbol locals. */
    void dim(Dim d) {
        switch (d) {
            case Dim.Known k -> iconst(Math.toIntExact(k.value()));
            case Dim.Sym s -> mv.visitVarInsn(ILOAD, symbols.get(s.name()));
            case Dim.Expr e -> {
                dim(e.left());
                dim(e.right());
                mv.visitInsn(switch (e.op()) {
                    case '+' -> IADD;
                    case '-' -> ISUB;
                    case '*' -> IMUL;
                    default -> IDIV;
                });
            }
        }
    }

    /** Pushes the product of dims (1 for none). */
    void product(java.util.List<Dim> dims) {
        Dim p = Dim.of(1);
        for (Dim d : dims) p = p.times(d);
        dim(p);
    }

    void invokeStatic(String owner, String name, String desc) { mv.visitMethodInsn(INVOKESTATIC, owner, name, desc, false); }
}
