package dev.nnc.frontend;

import dev.nnc.ir.Graph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The frontend's entry point: parses a file and its imports, checks it, and lowers each
 * model to graph IR. Errors never escape as exceptions; they are in {@link Result#diagnostics()}.
 */
public final class Frontend {
    private final List<Path> searchPath;

    public Frontend() { this(List.of()); }

    /** @param searchPath extra directories where imported modules are looked up */
    public Frontend(List<Path> searchPath) { this.searchPath = List.copyOf(searchPath); }

    /** The outcome of compiling one file: its AST (null if it does not parse), models, diagnostics. */
    public record Result(Ast.File ast, Map<String, Graph> models, Diagnostics diagnostics) {
        public boolean ok() { return !diagnostics.hasErrors(); }
    }

    public Result compile(Path file) {
        Diagnostics diagnostics = new Diagnostics();
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            diagnostics.error(null, "cannot read " + file + ": " + describe(e));
            return new Result(null, Map.of(), diagnostics);
        }
        Path dir = file.toAbsolutePath().getParent();
        return compile(new SourceFile(file.toString(), text), dir, ModuleLoader.key(file), diagnostics);
    }

    /** Compiles source text; imports are resolved against {@code dir} (may be null) and the search path. */
    public Result compile(SourceFile source, Path dir) { return compile(source, dir, source.name(), new Diagnostics()); }

    private Result compile(SourceFile source, Path dir, String key, Diagnostics diagnostics) {
        Module module = new ModuleLoader(diagnostics, searchPath).load(source, dir, key);
        if (module == null) return new Result(null, Map.of(), diagnostics);
        Map<String, Graph> models = new LinkedHashMap<>();
        List<Ast.Model> declared = new ArrayList<>();
        for (Ast.Decl d : module.ast.decls()) if (d instanceof Ast.Model m) declared.add(m);
        if (!diagnostics.hasErrors()) {
            for (Ast.Model m : declared) {
                Graph g = Elaborator.elaborate(m, module, diagnostics);
                if (g != null) models.put(m.name(), g);
            }
        }
        return new Result(module.ast, models, diagnostics);
    }

    private static String describe(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
    }
}
