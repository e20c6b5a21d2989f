package dev.nnc.codegen.nativecode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Writes the text of one LLVM IR function: fresh SSA names, basic blocks, counted loops with
 * their phis, and an entry prologue for allocas and values loaded once (base pointers,
 * symbol values) so that loop bodies never reload them.
 *
 * <p>Values are strings as they appear in IR: {@code %t12}, {@code 3}, {@code 1.0e+00}.
 * {@link #let} formats an instruction with {@code %s} placeholders, names its result and
 * returns that name.
 */
public final class FunctionWriter {
    private final String header;
    private final StringBuilder prologue = new StringBuilder();
    private final StringBuilder body = new StringBuilder();
    private final Map<String, String> entryValues = new LinkedHashMap<>();
    private final ModuleWriter module;
    private int counter;
    private String current;
    private boolean terminated;

    /** @param header the {@code define} line up to and without the opening brace */
    FunctionWriter(ModuleWriter module, String header) {
        this.module = module;
        this.header = header;
        body.append("start:\n");
        current = "start";
    }

    /** The module this function goes into: for declarations and helper functions. */
    public ModuleWriter module() { return module; }

    /** A new SSA name, {@code %hintN}. */
    public String fresh(String hint) {
        return "%" + hint + (counter++);
    }

    /** Emits {@code %name = instr} (instr formatted with args) and returns the name. */
    public String let(String instr, Object... args) {
        String name = fresh("t");
        line(name + " = " + String.format(java.util.Locale.ROOT, instr, args));
        return name;
    }

    /** Emits an instruction with no result. */
    public void emit(String instr, Object... args) {
        line(String.format(java.util.Locale.ROOT, instr, args));
    }

    private void line(String text) {
        if (terminated) throw new IllegalStateException("instruction after a terminator in block " + current + ": " + text);
        body.append("  ").append(text).append('\n');
    }

    /**
     * A value computed once in the entry block and reused: {@code key} identifies it, the
     * instruction (with %s args) computes it from function parameters or other entry values.
     */
    public String entryValue(String key, String instr, Object... args) {
        String v = entryValues.get(key);
        if (v != null) return v;
        v = fresh("e");
        prologue.append("  ").append(v).append(" = ").append(String.format(java.util.Locale.ROOT, instr, args)).append('\n');
        entryValues.put(key, v);
        return v;
    }

    /** Stack memory for {@code count} elements of {@code type}, allocated once in the entry block. */
    public String alloca(String type, long count, int align) {
        String v = fresh("stack");
        prologue.append("  ").append(v).append(" = alloca ").append(type).append(", i64 ").append(count)
                .append(", align ").append(align).append('\n');
        return v;
    }

    /** The label of the block instructions now go into. */
    public String currentBlock() { return current; }

    /** A new block label (not yet started). */
    public String newBlock(String hint) {
        return hint + (counter++);
    }

    /** Starts emitting into block {@code label}; the previous block must have ended with a branch. */
    public void begin(String label) {
        if (!terminated) throw new IllegalStateException("block " + current + " has no terminator before " + label);
        body.append(label).append(":\n");
        current = label;
        terminated = false;
    }

    public void br(String label) {
        line("br label %" + label);
        terminated = true;
    }

    public void condBr(String cond, String ifTrue, String ifFalse) {
        line("br i1 " + cond + ", label %" + ifTrue + ", label %" + ifFalse);
        terminated = true;
    }

    /** {@code for (i = lo; i < hi; i += step) body(i)} over i64 (signed compare). */
    public void loop(String lo, String hi, long step, Consumer<String> bodyOf) {
        loop(lo, hi, String.valueOf(step), bodyOf);
    }

    /** As {@link #loop(String, String, long, Consumer)} with a step that is an IR value. */
    public void loop(String lo, String hi, String step, Consumer<String> bodyOf) {
        loopCarrying(lo, hi, step, List.of(), (i, none) -> {
            bodyOf.accept(i);
            return List.of();
        });
    }

    /**
     * A counted loop carrying values from one iteration to the next (accumulators in registers).
     * {@code carried} lists {type, initial value} pairs; the body gets the induction variable and
     * the current values and returns the next ones. Returns the values after the last iteration.
     */
    public List<String> loopCarrying(String lo, String hi, String step, List<String[]> carried,
                                     BiFunction<String, List<String>, List<String>> bodyOf) {
        String pre = current;
        String head = newBlock("loop"), inner = newBlock("body"), latch = newBlock("latch"), exit = newBlock("exit");
        br(head);
        begin(head);
        String i = fresh("i"), next = fresh("inext");
        line(i + " = phi i64 [ " + lo + ", %" + pre + " ], [ " + next + ", %" + latch + " ]");
        List<String> values = new ArrayList<>();
        List<String> placeholders = new ArrayList<>();
        for (String[] c : carried) {
            String v = fresh("c"), ph = "@@CARRY" + (counter++) + "@@";
            line(v + " = phi " + c[0] + " [ " + c[1] + ", %" + pre + " ], [ " + ph + ", %" + latch + " ]");
            values.add(v);
            placeholders.add(ph);
        }
        String cond = let("icmp slt i64 %s, %s", i, hi);
        condBr(cond, inner, exit);
        begin(inner);
        List<String> updated = bodyOf.apply(i, values);
        if (updated.size() != carried.size()) throw new IllegalStateException("loop body returned " + updated.size() + " values for " + carried.size());
        br(latch);
        begin(latch);
        line(next + " = add i64 " + i + ", " + step);
        br(head);
        begin(exit);
        for (int k = 0; k < placeholders.size(); k++) {
            int at = body.indexOf(placeholders.get(k));
            body.replace(at, at + placeholders.get(k).length(), updated.get(k));
        }
        return values;
    }

    /** {@code if (cond) then()}. */
    public void ifThen(String cond, Runnable then) {
        String yes = newBlock("then"), done = newBlock("endif");
        condBr(cond, yes, done);
        begin(yes);
        then.run();
        br(done);
        begin(done);
    }

    /** {@code cond ? a() : b()} for values of {@code type}, each side emitted in its own block. */
    public String ifElse(String cond, String type, Supplier<String> ifTrue, Supplier<String> ifFalse) {
        String yes = newBlock("then"), no = newBlock("else"), done = newBlock("endif");
        condBr(cond, yes, no);
        begin(yes);
        String a = ifTrue.get();
        String aFrom = current;
        br(done);
        begin(no);
        String b = ifFalse.get();
        String bFrom = current;
        br(done);
        begin(done);
        return let("phi %s [ %s, %%%s ], [ %s, %%%s ]", type, a, aFrom, b, bFrom);
    }

    /** The function's text; ends the last block with {@code ret void} when the caller has not. */
    String finish() {
        if (!terminated) line(header.startsWith("define void") || header.contains(" void @") ? "ret void" : "unreachable");
        return header + " {\nentry:\n" + prologue + "  br label %start\n" + body + "}\n";
    }
}
