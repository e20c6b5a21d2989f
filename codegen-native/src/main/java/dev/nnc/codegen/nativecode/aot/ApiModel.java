package dev.nnc.codegen.nativecode.aot;

import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.ProgramSignature;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a model appears in C: the prefix of every exported name ({@code mnist_create}), its
 * size symbols with the macro parameters that stand for them, and its inputs and outputs
 * with their macro names. The header and the generated source both take their names from here.
 *
 * @param symbols the program's size symbols in the order the API takes their values
 * @param parameters the C macro parameter for each symbol
 */
record ApiModel(String prefix, String modelName, List<String> symbols, List<String> parameters, List<Tensor> inputs,
                List<Tensor> outputs) {

    /**
     * An input or output.
     *
     * @param macro its macro stem, e.g. {@code MNIST_IN_IMAGE}
     */
    record Tensor(Buf buf, String macro, Dim elements) {
        String name() { return buf.name(); }

        /** As declared, e.g. {@code f32[B,1,28,28]}. */
        String type() { return ProgramSignature.typeText(buf); }

        /** Integer inputs (gather indices) hold int64_t elements; everything else float. */
        boolean int64() { return !buf.type().dtype().isFloat(); }

        String cElementType() { return int64() ? "int64_t" : "float"; }
    }

    static ApiModel of(String prefix, KernelProgram p) {
        List<String> symbols = ProgramSignature.symbols(p);
        String upper = prefix.toUpperCase(Locale.ROOT);
        return new ApiModel(prefix, p.name(), symbols, CSyntax.uniqueMacroNames(symbols),
                tensors(p.inputs(), upper + "_IN_"), tensors(p.outputs(), upper + "_OUT_"));
    }

    private static List<Tensor> tensors(List<Buf> bufs, String macroPrefix) {
        List<String> macros = CSyntax.uniqueMacroNames(bufs.stream().map(Buf::name).toList());
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < bufs.size(); i++) {
            Buf b = bufs.get(i);
            out.add(new Tensor(b, macroPrefix + macros.get(i), SizeCode.elements(b.type().shape())));
        }
        return out;
    }

    /** The opaque handle type, e.g. {@code mnist_model}. */
    String typeName() { return prefix + "_model"; }

    String macroPrefix() { return prefix.toUpperCase(Locale.ROOT); }

    /** The one-input, one-output, one-size shortcut {@code predict} exists only for models of that form. */
    boolean hasPredict() {
        return inputs.size() == 1 && !inputs.getFirst().int64() && outputs.size() == 1 && symbols.size() == 1;
    }

    /** The macro call giving a tensor's element count for the given symbol values, e.g. {@code MNIST_IN_IMAGE_ELEMENTS(batch)}. */
    String elementsCall(Tensor t, String arguments) { return t.macro() + "_ELEMENTS(" + arguments + ")"; }
}
