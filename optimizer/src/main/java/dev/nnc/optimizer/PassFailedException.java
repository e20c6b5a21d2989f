package dev.nnc.optimizer;

/** A pass produced a program the IR verifier rejects: a compiler bug, reported with the pass's name. */
public final class PassFailedException extends RuntimeException {
    private final String pass;

    public PassFailedException(String pass, Throwable cause) {
        super("pass '" + pass + "' produced an invalid program: " + cause.getMessage(), cause);
        this.pass = pass;
    }

    public String pass() { return pass; }
}
