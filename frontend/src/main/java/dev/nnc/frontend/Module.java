package dev.nnc.frontend;

import java.util.LinkedHashMap;
import java.util.Map;

/** A loaded .nn file and the declarations visible in it: its own, then imported ones. */
final class Module {
    /** A visible declaration and the module that defines it (its body resolves names there). */
    record Entry(Ast.Decl decl, Module home) {}

    final String name;
    final Ast.File ast;
    final Map<String, Entry> own = new LinkedHashMap<>();
    final Map<String, Entry> imported = new LinkedHashMap<>();

    Module(String name, Ast.File ast) {
        this.name = name;
        this.ast = ast;
    }

    Entry lookup(String name) {
        Entry e = own.get(name);
        return e != null ? e : imported.get(name);
    }

    Map<String, Entry> visible() {
        Map<String, Entry> all = new LinkedHashMap<>(imported);
        all.putAll(own);
        return all;
    }
}
