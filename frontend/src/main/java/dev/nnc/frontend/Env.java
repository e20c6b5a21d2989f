package dev.nnc.frontend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names bound in one model or layer body: inputs, config, dims, params and lets. A branch
 * of {@code if} is a nested scope: it sees the body's names, and its own may shadow them (a
 * {@code param bias} in the branch a {@code bias: bool} config chose) but are gone after it.
 */
final class Env {
    final Module module;
    private final Env parent;
    private final Map<String, Val> values = new LinkedHashMap<>();
    private final Map<String, Span> definitions = new LinkedHashMap<>();

    Env(Module module) { this(module, null); }

    private Env(Module module, Env parent) {
        this.module = module;
        this.parent = parent;
    }

    /** A nested scope for a branch. */
    Env branch() { return new Env(module, this); }

    Val get(String name) {
        Val v = values.get(name);
        return v != null || parent == null ? v : parent.get(name);
    }

    Span definedAt(String name) {
        Span s = definitions.get(name);
        return s != null || parent == null ? s : parent.definedAt(name);
    }

    /** Whether this scope itself (not an enclosing one) binds the name. */
    boolean hasHere(String name) { return values.containsKey(name); }

    boolean has(String name) { return values.containsKey(name) || parent != null && parent.has(name); }

    /** Binds a new name; a second binding of the same name in this scope is an error at {@code span}. */
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

    /** Every visible name, innermost scope first. */
    Iterable<String> names() {
        List<String> all = new ArrayList<>(values.keySet());
        if (parent != null) parent.names().forEach(all::add);
        return all;
    }
}
