package dev.nnc.ir;

import java.util.List;

/** A graph that breaks the IR's rules; the message lists every problem, one per line. */
public final class VerifyException extends RuntimeException {
    private final List<String> problems;

    public VerifyException(String graphName, List<String> problems) {
        super("graph " + graphName + " is not valid IR (" + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + "):\n" + String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, starting with the node or output it concerns as printed. */
    public List<String> problems() { return problems; }
}
