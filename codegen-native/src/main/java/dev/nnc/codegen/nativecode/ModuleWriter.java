package dev.nnc.codegen.nativecode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Collects the text of one LLVM module: functions, helper functions defined once by name
 * (vector math), intrinsic declarations and constant globals.
 */
public final class ModuleWriter {
    private final NativeTarget target;
    /** Declarations by function name: two emitters declaring one intrinsic with different attributes keep the first. */
    private final Map<String, String> declarations = new LinkedHashMap<>();
    private final Map<String, String> helpers = new LinkedHashMap<>();
    private final StringBuilder globals = new StringBuilder();
    private final StringBuilder functions = new StringBuilder();

    public ModuleWriter(NativeTarget target) {
        this.target = target;
    }

    public NativeTarget target() { return target; }

    /** Adds {@code declare ...} once, e.g. {@code declare <16 x float> @llvm.fma.v16f32(<16 x float>, <16 x float>, <16 x float>)}. */
    public void declare(String declaration) {
        int at = declaration.indexOf('@'), paren = declaration.indexOf('(', at);
        if (at < 0 || paren < 0) throw new IllegalArgumentException("not a function declaration: " + declaration);
        declarations.putIfAbsent(declaration.substring(at, paren), declaration);
    }

    /**
     * Defines helper function {@code name} once: the first call writes it with {@code writer},
     * later calls do nothing. Returns {@code @name}.
     */
    public String helper(String name, String header, Consumer<FunctionWriter> writer) {
        if (!helpers.containsKey(name)) {
            helpers.put(name, ""); // reserve first: the writer may define helpers of its own
            FunctionWriter f = new FunctionWriter(this, header);
            writer.accept(f);
            helpers.put(name, f.finish());
        }
        return "@" + name;
    }

    /** A function written by {@code writer}; header is the {@code define} line without the brace. */
    public void function(String header, Consumer<FunctionWriter> writer) {
        FunctionWriter f = new FunctionWriter(this, header);
        writer.accept(f);
        functions.append(f.finish()).append('\n');
    }

    /** A global definition line, e.g. a constant string. */
    public void global(String line) {
        globals.append(line).append('\n');
    }

    /** The module's IR text. */
    public String text(String name) {
        StringBuilder s = new StringBuilder();
        s.append("; nnc native module ").append(name).append('\n');
        s.append("target triple = \"").append(target.triple()).append("\"\n\n");
        s.append(globals).append('\n');
        s.append(functions);
        for (String h : helpers.values()) s.append(h).append('\n');
        for (String d : declarations.values()) s.append(d).append('\n');
        return s.toString();
    }
}
