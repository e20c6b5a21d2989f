package dev.nnc.frontend;

import java.util.LinkedHashMap;
import java.util.Map;

/** The names bound in one model or layer body: inputs, config, dims, params and lets. */
final class Env {
    final Module module;
    private final Map<String, Val> values = new LinkedHashMap<>();
    private final Map<String, Span> definitions = new LinkedHashMap<>();

    Env(Module module) { this.module = module; }

    Val get(String name) { return values.get(name); }

    Span definedAt(String name) { return definitions.get(name); }

    boolean has(String name) { return values.containsKey(name); }

    /** Binds a new name; a second binding of the same name is an error at {@code span}. */
    void define(String name, Val value, Span span) {
        Span previous = definitions.get(name);
        if (previous != null) {
            throw new CompileError(span, "'" + name + "' is already defined",
                    "note: first defined at " + previous.location(),
                    "help: expected a new name: a name is bound once and never reassigned");
        }
        values.put(name, value);
        definitions.put(name, span);
    }

    /** Binds a name internally (dims, type variables) without duplicate checks. */
    void bind(String name, Val value, Span span) {
        values.put(name, value);
        definitions.putIfAbsent(name, span);
    }

    Iterable<String> names() { return values.keySet(); }
}
