package dev.nnc.maven;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.UnsupportedByBackend;
import dev.nnc.codegen.cuda.CudaBackend;
import dev.nnc.codegen.cuda.CudaTarget;
import dev.nnc.codegen.cuda.PtxModule;
import dev.nnc.codegen.cuda.UnsupportedByCuda;
import dev.nnc.codegen.nativecode.NativeBackend;
import dev.nnc.codegen.nativecode.NativeCompileException;
import dev.nnc.codegen.nativecode.NativeModule;
import dev.nnc.codegen.nativecode.NativeTarget;
import dev.nnc.codegen.nativecode.UnsupportedByNative;
import dev.nnc.codegen.nativecode.aot.AotLibrary;
import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What {@code nnc:generate} does, apart from Maven: finds the {@code .nn} files, decides which
 * are out of date, compiles those, writes classes, resources, weights and API descriptions, and
 * keeps the incremental state.
 */
final class NncBuild {
    /** The goal's parameters, resolved. */
    record Config(Path sourceDirectory, Path outputDirectory, Path apiDirectory, Path stateDirectory, String packageName,
                  String backend, String optimizationLevel, Map<String, Path> weights, List<Path> importPaths) {}

    /** Where log lines go (Maven's log in the goal, a list in tests). */
    interface Log {
        void info(String line);
        void warn(String line);
        void error(String line);
    }

    /** A build failure the user must fix (becomes a MojoFailureException). */
    static final class Failure extends Exception {
        Failure(String message) { super(message); }
    }

    /** Bumped when the state file's meaning or the generated output changes. */
    private static final String STATE_VERSION = "1";
    private static final Pattern LOCAL_IMPORT = Pattern.compile("(?m)^\\s*import\\s+(?!std\\.)");

    private final Config config;
    private final Log log;

    NncBuild(Config config, Log log) {
        this.config = config;
        this.log = log;
    }

    /** What one run did, for tests. */
    record Outcome(List<Path> compiled, int upToDate) {}

    Outcome run() throws Failure, IOException {
        String backend = config.backend() == null ? "jvm" : config.backend().strip().toLowerCase(Locale.ROOT);
        if (!backend.equals("jvm") && !backend.equals("native") && !backend.equals("cuda")) {
            throw new Failure("nnc: unknown backend '" + config.backend() + "' (expected jvm, native or cuda)");
        }
        OptLevel level;
        try {
            level = OptLevel.parse(config.optimizationLevel() == null ? "O2" : config.optimizationLevel());
        } catch (IllegalArgumentException e) {
            throw new Failure("nnc: optimizationLevel: " + e.getMessage());
        }
        if (!config.packageName().isEmpty() && !isQualifiedName(config.packageName())) {
            throw new Failure("nnc: packageName '" + config.packageName() + "' is not a Java package name");
        }
        for (Map.Entry<String, Path> w : config.weights().entrySet()) {
            if (w.getValue() == null || !Files.isRegularFile(w.getValue())) {
                throw new Failure("nnc: weights for model '" + w.getKey() + "': file " + w.getValue() + " does not exist");
            }
        }
        List<Path> sources = sources();
        Path stateFile = config.stateDirectory().resolve("state.properties");
        Properties old = load(stateFile);
        Properties state = new Properties();
        String global = globalFingerprint(backend, level);
        state.setProperty("global", global);
        boolean globalSame = global.equals(old.getProperty("global"));

        // Outputs of .nn files that no longer exist.
        Set<String> current = new LinkedHashSet<>();
        for (Path s : sources) current.add(relative(s));
        for (String key : old.stringPropertyNames()) {
            if (key.startsWith("outputs.") && !current.contains(key.substring("outputs.".length()))) {
                deleteOutputs(old.getProperty(key));
            }
        }

        List<Path> stale = new ArrayList<>();
        Map<Path, String> hashes = new LinkedHashMap<>();
        Map<String, String> modelOwners = new TreeMap<>();  // model name -> .nn file, over all files
        for (Path s : sources) {
            String rel = relative(s);
            String hash = inputHash(s, sources);
            hashes.put(s, hash);
            String outputs = old.getProperty("outputs." + rel);
            boolean fresh = globalSame && hash.equals(old.getProperty("hash." + rel)) && outputs != null && allExist(outputs);
            if (fresh) {
                state.setProperty("hash." + rel, hash);
                state.setProperty("outputs." + rel, outputs);
                String models = old.getProperty("models." + rel, "");
                state.setProperty("models." + rel, models);
                for (String m : models.split(",")) if (!m.isEmpty()) modelOwners.put(m, rel);
            } else {
                stale.add(s);
                if (outputs != null) deleteOutputs(outputs);
            }
        }
        int upToDate = sources.size() - stale.size();
        if (sources.isEmpty()) {
            log.info("nnc: no .nn files in " + config.sourceDirectory());
        } else if (stale.isEmpty()) {
            log.info("nnc: " + upToDate + " model file" + (upToDate == 1 ? "" : "s") + " up to date");
        } else if (upToDate > 0) {
            log.info("nnc: " + upToDate + " model file" + (upToDate == 1 ? "" : "s") + " up to date");
        }

        PassManager pipeline = PassManager.forLevel(level);
        NativeTarget target = backend.equals("native") ? NativeTarget.host() : null;
        Frontend frontend = new Frontend(config.importPaths());
        int errors = 0;
        List<String> failedFiles = new ArrayList<>();
        for (Path s : stale) {
            String rel = relative(s);
            log.info("nnc: compiling " + rel + " (" + backend + ", -" + level + ")");
            long start = System.nanoTime();
            Frontend.Result r = frontend.compile(s.toAbsolutePath());
            if (!r.diagnostics().all().isEmpty()) {
                for (String line : r.diagnostics().render().split("\n")) {
                    if (r.ok()) log.warn(line); else log.error(line);
                }
            }
            if (!r.ok()) {
                errors += r.diagnostics().errorCount();
                failedFiles.add(rel);
                continue;
            }
            if (r.models().isEmpty()) log.warn("nnc: " + rel + " defines no model (only layers); nothing generated");
            String pkg = packageOf(s);
            List<String> outputs = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Graph g : r.models().values()) {
                String className = (pkg.isEmpty() ? "" : pkg + ".") + JvmBackend.className(g.name());
                String owner = modelOwners.put(g.name(), rel);
                if (owner != null && !owner.equals(rel)) {
                    throw new Failure("nnc: model " + g.name() + " is defined in both " + owner + " and " + rel);
                }
                names.add(g.name());
                KernelProgram program = pipeline.run(g);
                JvmBackend.Result result = switch (backend) {
                    case "native" -> nativeClasses(program, className, target);
                    case "cuda" -> cudaClasses(program, className);
                    default -> jvmClasses(program, className);
                };
                for (String note : result.notes()) log.info("nnc: note: " + note);
                for (Map.Entry<String, byte[]> c : result.classes().entrySet()) {
                    outputs.add(write(config.outputDirectory().resolve(c.getKey().replace('.', '/') + ".class"), c.getValue()).toString());
                }
                for (Map.Entry<String, byte[]> res : result.resources().entrySet()) {
                    outputs.add(write(config.outputDirectory().resolve(res.getKey()), res.getValue()).toString());
                }
                Path w = config.weights().get(g.name());
                if (w != null) {
                    Path to = config.outputDirectory().resolve(JvmBackend.weightsResourcePath(className));
                    Files.createDirectories(to.getParent());
                    Files.copy(w, to, StandardCopyOption.REPLACE_EXISTING);
                    outputs.add(to.toString());
                }
                String api = ApiDescription.describe(result.classes().get(className), program, rel, w != null);
                outputs.add(write(config.apiDirectory().resolve(className.replace('.', '/') + ".java"),
                        api.getBytes(StandardCharsets.UTF_8)).toString());
            }
            state.setProperty("hash." + rel, hashes.get(s));
            state.setProperty("outputs." + rel, String.join(OUTPUT_SEPARATOR, outputs));
            state.setProperty("models." + rel, String.join(",", names));
            log.info(String.format(Locale.ROOT, "nnc: %s -> %s (%d ms)", rel,
                    names.isEmpty() ? "nothing" : String.join(", ", names.stream().map(n -> (pkg.isEmpty() ? "" : pkg + ".") + JvmBackend.className(n)).toList()),
                    (System.nanoTime() - start) / 1_000_000));
        }
        save(stateFile, state);
        if (errors > 0) {
            throw new Failure("nnc: " + errors + " error" + (errors == 1 ? "" : "s") + " in " + String.join(", ", failedFiles)
                    + " (see above)");
        }
        Set<String> unknown = new LinkedHashSet<>(config.weights().keySet());
        unknown.removeAll(modelOwners.keySet());
        if (!unknown.isEmpty()) {
            throw new Failure("nnc: <weights> names no model " + String.join(", ", unknown.stream().map(u -> "'" + u + "'").toList())
                    + "; the models are: " + (modelOwners.isEmpty() ? "(none)" : String.join(", ", modelOwners.keySet())));
        }
        return new Outcome(stale, upToDate);
    }

    private static final String OUTPUT_SEPARATOR = "|";

    private static JvmBackend.Result jvmClasses(KernelProgram p, String className) throws Failure {
        try {
            return JvmBackend.compile(p, className);
        } catch (UnsupportedByBackend e) {
            throw new Failure("nnc: model " + p.name() + " cannot be compiled for the jvm backend: " + e.getMessage());
        }
    }

    private static JvmBackend.Result nativeClasses(KernelProgram p, String className, NativeTarget target) throws Failure {
        try {
            NativeModule m = NativeBackend.emit(p, target);
            byte[] lib = AotLibrary.kernelLibrary(m, target);
            return JvmBackend.compileNative(p, className, m.signature(), m.kernelCount(), target.toString(), target.platform(), lib);
        } catch (UnsupportedByNative e) {
            throw new Failure("nnc: model " + p.name() + " cannot be compiled for the native backend: " + e.getMessage());
        } catch (NativeCompileException e) {
            throw new Failure("nnc: cannot build the native code of " + p.name() + " for " + target.triple() + ": " + e.getMessage());
        }
    }

    /** The class running PTX (for sm_80 and newer) on the GPU, with the PTX as a resource beside it. */
    private static JvmBackend.Result cudaClasses(KernelProgram p, String className) throws Failure {
        try {
            PtxModule m = CudaBackend.emit(p, CudaTarget.DEFAULT);
            return JvmBackend.compileCuda(p, className, m.signature(), m.launchTable().text(), CudaBackend.ptx(m));
        } catch (UnsupportedByCuda e) {
            throw new Failure("nnc: model " + p.name() + " cannot be compiled for the cuda backend: " + e.getMessage());
        }
    }

    /** Every .nn file under the source directory, in a stable order. */
    private List<Path> sources() throws IOException {
        if (!Files.isDirectory(config.sourceDirectory())) return List.of();
        try (Stream<Path> s = Files.walk(config.sourceDirectory())) {
            return s.filter(p -> p.toString().endsWith(".nn") && Files.isRegularFile(p)).sorted().toList();
        }
    }

    /** The source's path under the source directory, with '/' separators. */
    private String relative(Path source) {
        return config.sourceDirectory().relativize(source).toString().replace('\\', '/');
    }

    /** packageName plus the source's subfolders as sub-packages (invalid characters become '_'). */
    String packageOf(Path source) {
        StringBuilder pkg = new StringBuilder(config.packageName());
        Path parent = config.sourceDirectory().relativize(source).getParent();
        if (parent != null) {
            for (Path seg : parent) {
                if (!pkg.isEmpty()) pkg.append('.');
                pkg.append(JvmBackend.className(seg.toString()).toLowerCase(Locale.ROOT));
            }
        }
        return pkg.toString();
    }

    private static boolean isQualifiedName(String s) {
        for (String part : s.split("\\.", -1)) {
            if (part.isEmpty() || !Character.isJavaIdentifierStart(part.charAt(0))) return false;
            for (char c : part.toCharArray()) if (!Character.isJavaIdentifierPart(c)) return false;
        }
        return true;
    }

    /**
     * The source's content hash; a file with imports other than std also hashes every other .nn
     * file of the source directory (it may import them), so changing one recompiles it.
     */
    private String inputHash(Path source, List<Path> all) throws IOException {
        MessageDigest d = sha256();
        byte[] text = Files.readAllBytes(source);
        d.update(text);
        if (LOCAL_IMPORT.matcher(new String(text, StandardCharsets.UTF_8)).find()) {
            for (Path other : all) {
                if (other.equals(source)) continue;
                d.update(relative(other).getBytes(StandardCharsets.UTF_8));
                d.update(Files.readAllBytes(other));
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** Everything that changes every file's output: the parameters, the weights' contents, the import folders' .nn files. */
    private String globalFingerprint(String backend, OptLevel level) throws IOException {
        MessageDigest d = sha256();
        StringBuilder s = new StringBuilder("v" + STATE_VERSION + "\n");
        s.append("package=").append(config.packageName()).append('\n');
        s.append("backend=").append(backend).append('\n');
        if (backend.equals("native")) s.append("target=").append(NativeTarget.host()).append('\n');
        s.append("level=").append(level).append('\n');
        s.append("output=").append(config.outputDirectory().toAbsolutePath()).append('\n');
        s.append("api=").append(config.apiDirectory().toAbsolutePath()).append('\n');
        for (Map.Entry<String, Path> w : new TreeMap<>(config.weights()).entrySet()) {
            s.append("weights.").append(w.getKey()).append('=').append(fileHash(w.getValue())).append('\n');
        }
        for (Path dir : config.importPaths()) {
            s.append("import=").append(dir.toAbsolutePath()).append('\n');
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".nn") && Files.isRegularFile(p)).sorted().toList()) {
                    s.append("  ").append(dir.relativize(f)).append('=').append(fileHash(f)).append('\n');
                }
            }
        }
        d.update(s.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d.digest());
    }

    private static String fileHash(Path f) throws IOException {
        MessageDigest d = sha256();
        try (InputStream in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean allExist(String outputs) {
        for (String p : outputs.split(Pattern.quote(OUTPUT_SEPARATOR))) if (!p.isEmpty() && !Files.exists(Path.of(p))) return false;
        return true;
    }

    private static void deleteOutputs(String outputs) throws IOException {
        for (String p : outputs.split(Pattern.quote(OUTPUT_SEPARATOR))) if (!p.isEmpty()) Files.deleteIfExists(Path.of(p));
    }

    private static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return file;
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IllegalArgumentException e) {
                return new Properties();  // a damaged state file: rebuild everything
            }
        }
        return p;
    }

    private static void save(Path file, Properties p) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "nnc-maven-plugin incremental state");
        }
    }
}
