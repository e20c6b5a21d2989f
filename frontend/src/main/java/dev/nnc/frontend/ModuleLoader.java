package dev.nnc.frontend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Loads a file and, transitively, what it imports. {@code import std.nn.*} reads the
 * standard library from the class path ({@code /std/nn.nn}); any other module path
 * {@code a.b} is the file {@code a/b.nn} beside the importing file or in a search directory.
 * Reports unknown modules and names, duplicate definitions and import cycles.
 */
final class ModuleLoader {
    private final Diagnostics diagnostics;
    private final List<Path> searchPath;
    private final Map<String, Module> loaded = new HashMap<>();
    private final Deque<String> loading = new ArrayDeque<>();

    ModuleLoader(Diagnostics diagnostics, List<Path> searchPath) {
        this.diagnostics = diagnostics;
        this.searchPath = searchPath;
    }

    /**
     * The module of a source file, or null when it does not parse. {@code key} identifies the
     * file (its normalized absolute path when it is one, see {@link #key}): the same file reached
     * by different spellings of its path is loaded once, so a cycle through the file being
     * compiled is found.
     */
    Module load(SourceFile source, Path dir, String key) {
        Module cached = loaded.get(key);
        if (cached != null) return cached;
        Ast.File ast = AstBuilder.parse(source, diagnostics);
        if (ast == null) return null;
        Module module = new Module(source.name(), ast);
        loading.push(key);
        try {
            declare(module);
            for (Ast.Import imp : ast.imports()) resolveImport(module, imp, dir);
        } finally {
            loading.pop();
        }
        loaded.put(key, module);
        return module;
    }

    private void declare(Module module) {
        for (Ast.Decl d : module.ast.decls()) {
            Module.Entry previous = module.own.get(d.name());
            if (previous != null) {
                diagnostics.error(d.nameSpan(), "'" + d.name() + "' is already defined in this file",
                        "note: first defined at " + previous.decl().nameSpan().location(),
                        "help: expected one model or layer per name; rename one of them");
            } else {
                module.own.put(d.name(), new Module.Entry(d, module));
            }
        }
    }

    private void resolveImport(Module module, Ast.Import imp, Path dir) {
        List<String> modulePath = imp.star() ? imp.path() : imp.path().subList(0, imp.path().size() - 1);
        if (modulePath.isEmpty()) {
            diagnostics.error(imp.span(), "import names a single identifier",
                    "help: expected a module path such as 'import std.nn.*' or 'import std.nn.dense'");
            return;
        }
        String moduleName = String.join(".", modulePath);
        Located located = locate(modulePath, dir);
        if (located == null) {
            diagnostics.error(imp.span(), "cannot find module '" + moduleName + "'", "note: looked for " + describeSearch(modulePath, dir));
            return;
        }
        if (loading.contains(located.key)) {
            List<String> cycle = new ArrayList<>(loading);
            java.util.Collections.reverse(cycle);
            cycle = cycle.subList(cycle.indexOf(located.key), cycle.size());
            diagnostics.error(imp.span(), "cyclic import of module '" + moduleName + "'",
                    "note: import chain " + String.join(" -> ", cycle) + " -> " + located.key,
                    "help: expected imports to form no cycle; move what both files need into a third module");
            return;
        }
        Module target = load(located.source, located.dir, located.key);
        if (target == null) return;
        if (imp.star()) {
            target.own.forEach((name, entry) -> {
                if (!module.imported.containsKey(name)) module.imported.put(name, entry);
            });
        } else {
            String name = imp.path().getLast();
            Module.Entry entry = target.own.get(name);
            if (entry == null) {
                diagnostics.error(imp.span(), "module '" + moduleName + "' has no model or layer named '" + name + "'",
                        Suggestions.didYouMean(name, target.own.keySet()));
            } else if (module.own.containsKey(name)) {
                diagnostics.error(imp.span(), "imported '" + name + "' clashes with a definition in this file",
                        "note: defined at " + module.own.get(name).decl().nameSpan().location());
            } else {
                module.imported.put(name, entry);
            }
        }
    }

    /**
     * The standard module defining each standard layer ({@code dense -> nn}), to tell a user who
     * forgot {@code import std.nn.*} (or {@code std.transformer}, {@code std.resnet}) which import is missing.
     */
    static Map<String, String> standardNames() { return Standard.MODULES; }

    private static final class Standard {
        /** The standard modules, in the order a name defined twice is attributed. */
        static final List<String> FILES = List.of("nn", "transformer", "resnet");
        static final Map<String, String> MODULES = read();

        private static Map<String, String> read() {
            Map<String, String> out = new LinkedHashMap<>();
            for (String module : FILES) {
                try (InputStream in = ModuleLoader.class.getResourceAsStream("/std/" + module + ".nn")) {
                    if (in == null) continue;
                    Ast.File ast = AstBuilder.parse(new SourceFile("<stdlib>/std/" + module + ".nn",
                            new String(in.readAllBytes(), StandardCharsets.UTF_8)), new Diagnostics());
                    if (ast != null) for (Ast.Decl d : ast.decls()) out.putIfAbsent(d.name(), module);
                } catch (IOException e) {
                    // No hint for this module's names; imports report the missing file themselves.
                }
            }
            return Map.copyOf(out);
        }
    }

    /** A module's text, the directory its own imports are resolved in, and its identity (see {@link #key}). */
    private record Located(SourceFile source, Path dir, String key) {}

    /** How a module file is identified: its normalized absolute path. */
    static String key(Path file) { return file.toAbsolutePath().normalize().toString(); }

    private Located locate(List<String> modulePath, Path dir) {
        String relative = String.join("/", modulePath) + ".nn";
        if (modulePath.getFirst().equals("std")) {
            String resource = "/" + relative;
            try (InputStream in = ModuleLoader.class.getResourceAsStream(resource)) {
                if (in == null) return null;
                String name = "<stdlib>" + resource;
                return new Located(new SourceFile(name, new String(in.readAllBytes(), StandardCharsets.UTF_8)), null, name);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        List<Path> dirs = new ArrayList<>();
        if (dir != null) dirs.add(dir);
        dirs.addAll(searchPath);
        for (Path d : dirs) {
            Path file = d.resolve(relative);
            if (Files.isRegularFile(file)) {
                try {
                    Path normalized = file.normalize();
                    return new Located(new SourceFile(normalized.toString(), Files.readString(normalized)),
                            normalized.getParent(), key(normalized));
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private String describeSearch(List<String> modulePath, Path dir) {
        String relative = String.join("/", modulePath) + ".nn";
        if (modulePath.getFirst().equals("std")) return relative + " in the standard library";
        List<Path> dirs = new ArrayList<>();
        if (dir != null) dirs.add(dir);
        dirs.addAll(searchPath);
        return dirs.stream().map(d -> d.resolve(relative).normalize().toString()).collect(Collectors.joining(", "));
    }
}
