package dev.nnc.codegen.nativecode.aot;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Java strings spelled as C: string literals and identifiers. */
final class CSyntax {
    private CSyntax() {}

    /**
     * A C string literal with the same UTF-8 bytes. Quotes, backslashes and question marks
     * (trigraphs) are escaped; bytes outside printable ASCII become three-digit octal escapes,
     * which never swallow a following digit.
     */
    static String string(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c == '"' || c == '\\' || c == '?') {
                out.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7F) {
                out.append((char) c);
            } else {
                out.append(String.format("\\%03o", c));
            }
        }
        return out.append('"').toString();
    }

    /** {@code s} with every character that cannot appear in a C identifier replaced by '_' (and 'n' before a leading digit). */
    static String identifier(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            out.append(ok ? c : '_');
        }
        if (out.isEmpty() || Character.isDigit(out.charAt(0))) out.insert(0, 'n');
        return out.toString();
    }

    /** Upper-case identifiers for {@code names}, made distinct by suffixes _2, _3, ... where two spell the same. */
    static List<String> uniqueMacroNames(List<String> names) {
        Set<String> taken = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (String name : names) {
            String base = identifier(name).toUpperCase(Locale.ROOT), candidate = base;
            for (int n = 2; !taken.add(candidate); n++) candidate = base + "_" + n;
            out.add(candidate);
        }
        return out;
    }
}
