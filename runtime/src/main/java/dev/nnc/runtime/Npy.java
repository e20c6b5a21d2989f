package dev.nnc.runtime;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes NumPy's <a href="https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html">
 * .npy format</a>, the simplest way to exchange test inputs and expected outputs with
 * Python.
 *
 * <p>Reading accepts format versions 1.0, 2.0 and 3.0 and the dtypes {@code <f4} (F32),
 * {@code <f2} (F16), {@code <f8}, {@code <i8} (I64), {@code <i4} (I32), {@code |i1} (I8)
 * and {@code |b1} (BOOL). {@code <f8} arrays are <em>narrowed</em> to F32, rounding each
 * value to the nearest float, since nnc computes in at most single precision; this lets
 * {@code np.save} of a default float64 array be used directly. Fortran-ordered arrays are
 * rejected rather than silently transposed. Writing produces version 1.0 files that NumPy
 * reads back unchanged.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final String SUPPORTED = "'<f4', '<f2', '<f8', '<i8', '<i4', '|i1' and '|b1'";
    /** NumPy pads headers so data starts at a multiple of 64 bytes. */
    private static final int ALIGN = 64;

    private Npy() {
    }

    /**
     * The array stored in {@code path}; a shape {@code ()} array becomes a rank-0 tensor.
     *
     * @throws TensorFormatException if the file is not a supported .npy file
     * @throws java.io.UncheckedIOException if the file cannot be read
     */
    public static Tensor read(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long fileSize = ch.size();
            ByteBuffer start = ByteBuffer.allocate((int) Math.min(12, fileSize)).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, start, 0);
            if (fileSize < 10 || !startsWithMagic(start)) {
                throw bad(path, "it does not start with the .npy magic string \\x93NUMPY");
            }
            int major = start.get(6) & 0xFF;
            int minor = start.get(7) & 0xFF;
            if (minor != 0 || major < 1 || major > 3) {
                throw bad(path, "it has format version " + major + "." + minor
                        + ", but only versions 1.0, 2.0 and 3.0 are supported");
            }
            int lengthBytes = major == 1 ? 2 : 4;
            if (fileSize < 8 + lengthBytes) {
                throw bad(path, "it ends inside its header length field");
            }
            long headerLen = major == 1 ? start.getShort(8) & 0xFFFF : start.getInt(8) & 0xFFFFFFFFL;
            long headerStart = 8 + lengthBytes;
            if (headerLen > fileSize - headerStart) {
                throw bad(path, "its header length field says " + headerLen + " bytes, but only "
                        + (fileSize - headerStart) + " bytes follow it");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBytes, headerStart);
            String header = decodeHeader(path, headerBytes.flip(), major);
            Header h = parseHeader(path, header);

            long dataStart = headerStart + headerLen;
            long expected = (long) h.numel() * h.itemSize();
            long actual = fileSize - dataStart;
            if (actual != expected) {
                throw bad(path, "its header describes a " + h.descr() + " array of shape " + pyShape(h.shape())
                        + ", which takes " + expected + " bytes, but the file has " + actual + " bytes of data");
            }
            MemorySegment data = expected == 0 ? MemorySegment.NULL
                    : ch.map(FileChannel.MapMode.READ_ONLY, dataStart, expected, arena);
            return decode(data, h);
        } catch (IOException e) {
            throw IoErrors.wrap("read .npy file", path, e);
        }
    }

    /**
     * Writes {@code tensor} as a version 1.0 .npy file in C order, as {@code np.save} would.
     *
     * @throws IllegalArgumentException for BF16 tensors, which NumPy has no dtype for
     * @throws java.io.UncheckedIOException if the file cannot be written
     */
    public static void write(Path path, Tensor tensor) {
        String descr = switch (tensor.dtype()) {
            case F32 -> "<f4";
            case F16 -> "<f2";
            case I64 -> "<i8";
            case I32 -> "<i4";
            case I8 -> "|i1";
            case BOOL -> "|b1";
            case BF16 -> throw new IllegalArgumentException("Cannot write " + tensor + " to " + path
                    + ": NumPy has no bfloat16 dtype; convert it with tensor.to(DType.F32) first.");
        };
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + pyShape(tensor.shape())
                + ", }";
        int prefix = MAGIC.length + 2 + 2;
        int padding = (ALIGN - (prefix + dict.length() + 1) % ALIGN) % ALIGN;
        byte[] header = (dict + " ".repeat(padding) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        if (header.length > 0xFFFF) {
            throw new IllegalArgumentException("Cannot write " + tensor + " to " + path
                    + ": its header is too long for .npy version 1.0.");
        }
        int n = tensor.size();
        long total = prefix + header.length + (long) n * tensor.dtype().byteSize();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE); Arena arena = Arena.ofConfined()) {
            MemorySegment out = ch.map(FileChannel.MapMode.READ_WRITE, 0, total, arena);
            MemorySegment.copy(MAGIC, 0, out, ValueLayout.JAVA_BYTE, 0, MAGIC.length);
            out.set(ValueLayout.JAVA_BYTE, 6, (byte) 1);
            out.set(ValueLayout.JAVA_BYTE, 7, (byte) 0);
            out.set(LittleEndian.I16, 8, (short) header.length);
            MemorySegment.copy(header, 0, out, ValueLayout.JAVA_BYTE, prefix, header.length);
            long at = prefix + header.length;
            switch (tensor.dtype()) {
                case F32 -> MemorySegment.copy(tensor.floats(), 0, out, LittleEndian.F32, at, n);
                case F16 -> {
                    float[] v = tensor.floats();
                    for (int i = 0; i < n; i++) {
                        out.set(LittleEndian.I16, at + 2L * i, HalfFloats.floatToF16Bits(v[i]));
                    }
                }
                case I64 -> MemorySegment.copy(tensor.longs(), 0, out, LittleEndian.I64, at, n);
                case I32 -> {
                    long[] v = tensor.longs();
                    for (int i = 0; i < n; i++) {
                        out.set(LittleEndian.I32, at + 4L * i, (int) v[i]);
                    }
                }
                case I8, BOOL -> {
                    long[] v = tensor.longs();
                    for (int i = 0; i < n; i++) {
                        out.set(ValueLayout.JAVA_BYTE, at + i, (byte) v[i]);
                    }
                }
                case BF16 -> throw new AssertionError("rejected above");
            }
            out.force();
        } catch (IOException e) {
            throw IoErrors.wrap("write .npy file", path, e);
        }
    }

    /** The validated header: the file's descr, the dtype it is read as, and the shape. */
    private record Header(String descr, DType dtype, int itemSize, int[] shape, int numel) {
    }

    private static Header parseHeader(Path path, String text) {
        Map<String, Object> dict;
        try {
            dict = new LiteralParser(text).parseDict();
        } catch (IllegalArgumentException e) {
            String shown = text.strip();
            shown = shown.length() > 200 ? shown.substring(0, 200) + "..." : shown;
            throw bad(path, "its header is not a Python dict literal (" + e.getMessage() + "): " + shown);
        }
        for (String key : dict.keySet()) {
            if (!key.equals("descr") && !key.equals("fortran_order") && !key.equals("shape")) {
                throw bad(path, "its header has an unexpected key '" + key
                        + "'; a .npy header has exactly 'descr', 'fortran_order' and 'shape'");
            }
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw bad(path, "its header has no '" + key + "' key");
            }
        }
        if (!(dict.get("descr") instanceof String descr)) {
            String what = dict.get("descr") instanceof List<?> ? "a structured (record) dtype" : "not a dtype string";
            throw bad(path, "its 'descr' is " + what + "; only plain arrays with dtype " + SUPPORTED
                    + " are supported");
        }
        record Kind(DType dtype, int itemSize) {
        }
        Kind kind = switch (descr) {
            case "<f4" -> new Kind(DType.F32, 4);
            case "<f2" -> new Kind(DType.F16, 2);
            case "<f8" -> new Kind(DType.F32, 8);
            case "<i8" -> new Kind(DType.I64, 8);
            case "<i4" -> new Kind(DType.I32, 4);
            case "|i1" -> new Kind(DType.I8, 1);
            case "|b1" -> new Kind(DType.BOOL, 1);
            default -> throw bad(path, "it holds dtype '" + descr + "', which nnc does not support; the supported "
                    + "dtypes are " + SUPPORTED);
        };
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw bad(path, "its 'fortran_order' must be True or False");
        }
        if (fortran) {
            throw bad(path, "the array is stored in Fortran (column-major) order, which nnc does not read; save it "
                    + "with np.save(path, np.ascontiguousarray(array))");
        }
        if (!(dict.get("shape") instanceof List<?> dims)) {
            throw bad(path, "its 'shape' must be a tuple of non-negative integers");
        }
        int[] shape = new int[dims.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0) {
                throw bad(path, "its 'shape' must be a tuple of non-negative integers");
            }
            if (d > Integer.MAX_VALUE || (numel *= d) > Integer.MAX_VALUE - 8) {
                throw bad(path, "its shape " + dims + " has more elements than a Java array can hold");
            }
            shape[i] = (int) (long) d;
        }
        return new Header(descr, kind.dtype(), kind.itemSize(), shape, (int) numel);
    }

    private static Tensor decode(MemorySegment data, Header h) {
        int n = h.numel();
        return switch (h.descr()) {
            case "<f4" -> {
                float[] v = new float[n];
                MemorySegment.copy(data, LittleEndian.F32, 0, v, 0, n);
                yield Tensor.ofFloats(DType.F32, h.shape(), v);
            }
            case "<f8" -> {
                double[] wide = new double[n];
                MemorySegment.copy(data, LittleEndian.F64, 0, wide, 0, n);
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) wide[i];
                }
                yield Tensor.ofFloats(DType.F32, h.shape(), v);
            }
            case "<f2" -> {
                short[] bits = new short[n];
                MemorySegment.copy(data, LittleEndian.I16, 0, bits, 0, n);
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = HalfFloats.f16BitsToFloat(bits[i]);
                }
                yield Tensor.ofFloats(DType.F16, h.shape(), v);
            }
            case "<i8" -> {
                long[] v = new long[n];
                MemorySegment.copy(data, LittleEndian.I64, 0, v, 0, n);
                yield Tensor.ofLongs(DType.I64, h.shape(), v);
            }
            case "<i4" -> {
                int[] raw = new int[n];
                MemorySegment.copy(data, LittleEndian.I32, 0, raw, 0, n);
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = raw[i];
                }
                yield Tensor.ofLongs(DType.I32, h.shape(), v);
            }
            default -> { // "|i1" and "|b1"
                byte[] raw = new byte[n];
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, raw, 0, n);
                long[] v = new long[n];
                boolean bool = h.dtype() == DType.BOOL;
                for (int i = 0; i < n; i++) {
                    v[i] = bool ? (raw[i] != 0 ? 1 : 0) : raw[i];
                }
                yield Tensor.ofLongs(h.dtype(), h.shape(), v);
            }
        };
    }

    /** A shape as a Python tuple, as NumPy writes it: {@code ()}, {@code (3,)}, {@code (2, 3)}. */
    private static String pyShape(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return sb.append(')').toString();
    }

    private static String decodeHeader(Path path, ByteBuffer bytes, int major) {
        if (major < 3) {
            return StandardCharsets.ISO_8859_1.decode(bytes).toString();
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw bad(path, "its version 3.0 header is not valid UTF-8");
        }
    }

    private static boolean startsWithMagic(ByteBuffer start) {
        if (start.limit() < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (start.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static void readFully(FileChannel ch, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (ch.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static TensorFormatException bad(Path path, String reason) {
        return new TensorFormatException("Cannot read .npy file " + path + ": " + reason + ".");
    }

    /**
     * The subset of Python literal syntax that .npy headers use: a dict with string keys
     * whose values are strings, True/False/None, integers (Python 2 files may suffix them
     * with L) and tuples or lists of those. Errors are IllegalArgumentExceptions whose
     * message says what was expected where.
     */
    private static final class LiteralParser {
        /** Python's None, distinct from every string so it cannot pass as a dtype. */
        private static final Object NONE = new Object() {
            @Override
            public String toString() {
                return "None";
            }
        };

        private final String s;
        private int pos;

        LiteralParser(String s) {
            this.s = s;
        }

        Map<String, Object> parseDict() {
            skipSpace();
            expect('{');
            Map<String, Object> dict = new LinkedHashMap<>();
            while (true) {
                skipSpace();
                if (peek() == '}') {
                    pos++;
                    break;
                }
                if (!(value() instanceof String key)) {
                    throw error("expected a string key");
                }
                skipSpace();
                expect(':');
                skipSpace();
                if (dict.put(key, value()) != null) {
                    throw error("duplicate key '" + key + "'");
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
            skipSpace();
            if (pos < s.length()) {
                throw error("unexpected text after the dict");
            }
            return dict;
        }

        private Object value() {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string(c);
            }
            if (c == '(' || c == '[') {
                return sequence(c == '(' ? ')' : ']');
            }
            if (c == '-' || Character.isDigit(c)) {
                return integer();
            }
            for (String word : List.of("True", "False", "None")) {
                if (s.startsWith(word, pos)) {
                    pos += word.length();
                    return switch (word) {
                        case "True" -> Boolean.TRUE;
                        case "False" -> Boolean.FALSE;
                        default -> NONE;
                    };
                }
            }
            throw error("expected a value");
        }

        private String string(char quote) {
            int begin = ++pos;
            int end = s.indexOf(quote, begin);
            if (end < 0) {
                throw error("unterminated string");
            }
            // NumPy's dtype strings never contain escapes, so none are interpreted.
            if (s.substring(begin, end).indexOf('\\') >= 0) {
                throw error("escape sequences in strings are not supported");
            }
            pos = end + 1;
            return s.substring(begin, end);
        }

        private List<Object> sequence(char close) {
            pos++;
            List<Object> items = new ArrayList<>();
            while (true) {
                skipSpace();
                if (peek() == close) {
                    pos++;
                    return items;
                }
                items.add(value());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != close) {
                    throw error("expected ',' or '" + close + "'");
                }
            }
        }

        private Long integer() {
            int begin = pos;
            if (peek() == '-') {
                pos++;
            }
            while (Character.isDigit(peek())) {
                pos++;
            }
            String digits = s.substring(begin, pos);
            if (peek() == 'L' || peek() == 'l') {
                pos++;
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw error("invalid integer '" + digits + "'");
            }
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at character " + pos);
        }
    }
}
