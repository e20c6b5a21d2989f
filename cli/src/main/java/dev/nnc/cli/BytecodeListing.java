package dev.nnc.cli;

import dev.nnc.codegen.jvm.JvmBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.TraceClassVisitor;

/** A readable listing of generated classes (ASM's textifier), for --emit=jvm. */
final class BytecodeListing {
    private BytecodeListing() {}

    static String of(JvmBackend.Result result) {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        for (var e : result.classes().entrySet()) {
            out.println("// class " + e.getKey() + " (" + e.getValue().length + " bytes)");
            new ClassReader(e.getValue()).accept(new TraceClassVisitor(out), 0);
            out.println();
        }
        out.flush();
        return text.toString();
    }
}
