package dev.nnc.runtime;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean ...?": the known name nearest to a misspelled one, for every user-facing message. */
public final class NameSuggestions {
    private NameSuggestions() {}

    /** The candidate nearest to {@code name} by edit distance, if it is close enough to be a likely typo. */
    public static Optional<String> closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = editDistance(name, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        // A third of the longer name, at least one edit: catches typos and renumbered layers
        // without pairing unrelated names.
        int limit = Math.max(1, Math.max(name.length(), best == null ? 0 : best.length()) / 3);
        return bestDistance <= limit ? Optional.of(best) : Optional.empty();
    }

    /** Levenshtein distance with two rolling rows. */
    public static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }
}
