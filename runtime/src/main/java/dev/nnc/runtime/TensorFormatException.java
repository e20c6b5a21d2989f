package dev.nnc.runtime;

import java.io.Serial;

/**
 * A tensor or weights file is malformed, or does not match what the model declares.
 *
 * <p>The message is meant to be shown to the user as is: it is a complete sentence (or,
 * from {@link WeightBinder}, a lead-in sentence and one line per problem) that names the
 * file, the tensor where one is involved, and what was expected.
 */
public final class TensorFormatException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public TensorFormatException(String message) {
        super(message);
    }

    public TensorFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
