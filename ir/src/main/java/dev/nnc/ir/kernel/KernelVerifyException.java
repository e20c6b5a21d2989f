package dev.nnc.ir.kernel;

import java.util.List;

/** A kernel program that breaks the kernel IR's rules; the message lists every problem, one per line. */
public final class KernelVerifyException extends RuntimeException {
    private final List<String> problems;

    public KernelVerifyException(String programName, List<String> problems) {
        super("kernel program " + programName + " is not valid kernel IR (" + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + "):\n" + String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, starting with the kernel (index and printed form) or declaration it concerns. */
    public List<String> problems() { return problems; }
}
