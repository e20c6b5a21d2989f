package dev.nnc.codegen.nativecode.aot;

import dev.nnc.codegen.nativecode.NativeTarget;
import java.util.ArrayList;
import java.util.List;

/**
 * The public header of a compiled model, {@code <prefix>.h}: what the library is, the rules
 * every function follows (errors, lengths, threads), macros for the sizes of every input and
 * output, and the documented prototypes. It includes only {@code <stdint.h>} and is valid C
 * and C++.
 */
final class HeaderSource {
    private static final int WIDTH = 100;

    private HeaderSource() {}

    /** @param binary the library or object file name the header documents, e.g. {@code libmnist.so} */
    static String text(ApiModel m, NativeTarget target, String binary) {
        String guard = m.macroPrefix() + "_H";
        StringBuilder out = new StringBuilder();
        out.append(comment("""
                %1$s.h: the C API of the neural network model %2$s, compiled ahead of time by nnc into \
                %3$s for %4$s (CPU %5$s).

                Use: %1$s_create() loads the weights, %6$s runs the model (as often as wanted, \
                from any thread), %1$s_destroy() frees it. Functions returning int return 0 on \
                success and -1 on failure; create returns NULL on failure. After a failure \
                %1$s_last_error() says what went wrong, in words.

                Tensors are dense and row-major (C order), of float unless said otherwise. Sizes \
                marked by a symbol (such as the batch size) are chosen per call. Every length \
                passed in is checked against the model's shapes before any computation, so a \
                wrong length is an error, not a crash; the pointers must of course be valid for \
                the lengths given.

                Threads: every function may be called from any thread. Calls on one model are \
                serialized (each uses all of the model's worker threads); for parallel calls, \
                create one model per thread, with %1$s_set_threads(model, 1) if the threads \
                should not compete. Only %1$s_destroy() must not run at the same time as another \
                call on the same model."""
                .formatted(m.prefix(), m.modelName(), binary, target.triple(), target.cpu(),
                        m.hasPredict() ? m.prefix() + "_predict() (or the general " + m.prefix() + "_run())" : m.prefix() + "_run()")));
        out.append("#ifndef ").append(guard).append("\n#define ").append(guard).append("\n\n#include <stdint.h>\n\n")
                .append("#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
        out.append("/* A loaded model: its weights, scratch memory and worker threads. */\n")
                .append("typedef struct ").append(m.typeName()).append(' ').append(m.typeName()).append(";\n\n");
        sizes(m, out);
        for (CApi.Function f : CApi.functions(m)) out.append(comment(f.doc())).append(declaration(f)).append("\n\n");
        out.append("#ifdef __cplusplus\n}\n#endif\n\n#endif /* ").append(guard).append(" */\n");
        return out.toString();
    }

    private static void sizes(ApiModel m, StringBuilder out) {
        String p = m.macroPrefix(), parameters = String.join(", ", m.parameters());
        List<String> symbols = new ArrayList<>();
        for (int i = 0; i < m.symbols().size(); i++) {
            symbols.add(m.symbols().get(i) + (m.parameters().get(i).equals(m.symbols().get(i)) ? "" : " (" + m.parameters().get(i) + ")"));
        }
        out.append(comment("Sizes chosen per call, in the order " + m.prefix() + "_run() takes them: "
                + (symbols.isEmpty() ? "none, every shape is fixed." : String.join(", ", symbols) + ".")
                + " The *_ELEMENTS macros give a tensor's element count for given values of them."));
        out.append("#define ").append(p).append("_SYMBOL_COUNT ").append(m.symbols().size()).append('\n')
                .append("#define ").append(p).append("_INPUT_COUNT ").append(m.inputs().size()).append('\n')
                .append("#define ").append(p).append("_OUTPUT_COUNT ").append(m.outputs().size()).append("\n\n");
        for (String kind : List.of("Input", "Output")) {
            List<ApiModel.Tensor> tensors = kind.equals("Input") ? m.inputs() : m.outputs();
            for (int i = 0; i < tensors.size(); i++) {
                ApiModel.Tensor t = tensors.get(i);
                out.append("/* ").append(kind).append(' ').append(i).append(", '").append(t.name().replace("*/", "* /")).append("': ")
                        .append(t.type()).append(", ").append(t.cElementType()).append(" elements. */\n")
                        .append("#define ").append(t.macro()).append(' ').append(i).append('\n')
                        .append("#define ").append(t.macro()).append("_ELEMENTS(").append(parameters).append(") ")
                        .append(SizeCode.expression(t.elements(), m.symbols(), m.parameters())).append("\n\n");
            }
        }
    }

    /** The prototype, its parameters wrapped to the page width under the first one. */
    static String declaration(CApi.Function f) {
        String head = f.returnType() + " " + f.name() + "(", indent = " ".repeat(head.length());
        StringBuilder out = new StringBuilder(head);
        int lineStart = 0;
        String[] parameters = f.parameters().split(", ");
        for (int i = 0; i < parameters.length; i++) {
            String piece = parameters[i] + (i + 1 < parameters.length ? "," : ");");
            if (i > 0 && out.length() - lineStart + 1 + piece.length() > WIDTH) {
                out.append('\n');
                lineStart = out.length();
                out.append(indent);
            } else if (i > 0) {
                out.append(' ');
            }
            out.append(piece);
        }
        return out.toString();
    }

    /** A block comment: paragraphs wrapped to the page width. */
    static String comment(String text) {
        StringBuilder out = new StringBuilder("/*\n");
        String[] paragraphs = text.strip().split("\n\n");
        for (int p = 0; p < paragraphs.length; p++) {
            if (p > 0) out.append(" *\n");
            StringBuilder line = new StringBuilder();
            for (String word : paragraphs[p].replace("*/", "* /").split("\\s+")) {
                if (!line.isEmpty() && 3 + line.length() + 1 + word.length() > WIDTH) {
                    out.append(" * ").append(line).append('\n');
                    line.setLength(0);
                }
                line.append(line.isEmpty() ? "" : " ").append(word);
            }
            if (!line.isEmpty()) out.append(" * ").append(line).append('\n');
        }
        return out.append(" */\n").toString();
    }
}
