package dev.nnc.frontend;

import dev.nnc.runtime.NameSuggestions;
import java.util.Collection;
import java.util.Optional;

/** "Did you mean ...?" help notes for diagnostics. */
final class Suggestions {
    private Suggestions() {}

    static Optional<String> closest(String name, Collection<String> candidates) {
        return NameSuggestions.closest(name, candidates);
    }

    /** The help note for an unknown name, or none. */
    static String[] didYouMean(String name, Collection<String> candidates) {
        return closest(name, candidates).map(s -> new String[] {"help: did you mean '" + s + "'?"}).orElse(new String[0]);
    }
}
