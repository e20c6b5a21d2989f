package dev.nnc.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Matches the tensors of a weights file to the parameters a model declares, the way
 * PyTorch's {@code load_state_dict(strict=True)} does, but reporting every problem at
 * once so a user fixes a mismatched export in one round.
 *
 * <p>Rules:
 * <ul>
 *   <li>every declared parameter needs a tensor of the same name and shape;</li>
 *   <li>a float parameter accepts F32, F16 or BF16 data, converted to the declared dtype
 *       (as {@code load_state_dict} copies into the parameter's dtype); an integer
 *       parameter accepts I8, I32 or I64 data whose values fit; a bool parameter only bool
 *       data. Integer or bool data for a float parameter, or the reverse, is an error;</li>
 *   <li>a tensor no parameter asks for is an error, except names ending in
 *       {@code .num_batches_tracked}: PyTorch's batch norm layers keep that training
 *       counter in their state dict, and it has no effect on inference, so it is ignored
 *       silently.</li>
 * </ul>
 */
public final class WeightBinder {
    private static final String IGNORED_SUFFIX = ".num_batches_tracked";

    private WeightBinder() {
    }

    /**
     * The file's tensors for {@code declared}, in declared order, each converted to the
     * declared dtype.
     *
     * @param fileName how to name the weights file in messages
     * @throws TensorFormatException listing every missing, unexpected or mismatched tensor,
     *     one per line after a first line that names the file
     * @throws IllegalArgumentException if {@code declared} names a parameter twice
     */
    public static Map<String, Tensor> bind(List<ParamSpec> declared, Map<String, Tensor> file, String fileName) {
        Objects.requireNonNull(file, "file");
        Set<String> declaredNames = new HashSet<>();
        for (ParamSpec p : declared) {
            if (!declaredNames.add(p.name())) {
                throw new IllegalArgumentException("Parameter '" + p.name() + "' is declared twice.");
            }
        }

        List<String> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Map<String, Tensor> bound = new LinkedHashMap<>();
        for (ParamSpec p : declared) {
            Tensor t = file.get(p.name());
            if (t == null) {
                missing.add(p.name());
                problems.add("weight '" + p.name() + "' is missing: the model expects " + p.typeString() + ".");
                continue;
            }
            String mismatch = mismatch(p, t);
            if (mismatch != null) {
                problems.add(mismatch);
                continue;
            }
            bound.put(p.name(), t.to(p.dtype()));
        }
        for (Map.Entry<String, Tensor> e : file.entrySet()) {
            String name = e.getKey();
            if (declaredNames.contains(name) || name.endsWith(IGNORED_SUFFIX)) {
                continue;
            }
            String line = "unexpected weight '" + name + "' (" + e.getValue() + "): the model has no parameter named '"
                    + name + "'";
            String suggestion = closest(name, missing);
            problems.add(line + (suggestion == null ? "." : "; did you mean '" + suggestion + "'?"));
        }
        if (!problems.isEmpty()) {
            String count = problems.size() == 1 ? "1 problem" : problems.size() + " problems";
            throw new TensorFormatException("The weights in " + fileName + " do not match the model (" + count
                    + "):\n" + String.join("\n", problems));
        }
        return Collections.unmodifiableMap(bound);
    }

    /** A problem line if {@code t} cannot be bound to {@code p}, else null. */
    private static String mismatch(ParamSpec p, Tensor t) {
        String head = "weight '" + p.name() + "': expected " + p.typeString() + " but the file has " + t;
        if (!Arrays.equals(p.shape(), t.shape())) {
            return head + ".";
        }
        DType want = p.dtype();
        DType have = t.dtype();
        if (want.isFloat() != have.isFloat()) {
            return head + " (" + (want.isFloat() ? "integer or bool data cannot be loaded into a float parameter"
                    : "float data cannot be loaded into an integer or bool parameter") + ").";
        }
        if ((want == DType.BOOL) != (have == DType.BOOL)) {
            return head + " (bool and integer tensors are not interchangeable).";
        }
        if (!want.isFloat() && want != have) {
            try {
                t.to(want);
            } catch (IllegalArgumentException outOfRange) {
                return head + " (" + outOfRange.getMessage().replaceAll("\\.$", "") + ").";
            }
        }
        return null;
    }

    /** The candidate nearest to {@code name} by edit distance if it is close enough to be a likely typo. */
    private static String closest(String name, List<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = editDistance(name, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        // A third of the name, at least 2 edits: catches typos and renamed layer numbers
        // without pairing unrelated names.
        int limit = Math.max(2, Math.max(name.length(), best == null ? 0 : best.length()) / 3);
        return bestDistance <= limit ? best : null;
    }

    /** Levenshtein distance with two rolling rows. */
    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
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
