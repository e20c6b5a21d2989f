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
            String suggestion = NameSuggestions.closest(name, missing).orElse(null);
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
}
