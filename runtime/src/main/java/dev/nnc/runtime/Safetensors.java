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
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON mapping
 * each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets
 * relative to the data section), and the little-endian tensor data.
 *
 * <p>Supported dtypes are F32, F16, BF16, I64, I32, I8 and BOOL; F16 and BF16 data is
 * widened into float storage and keeps its dtype. The header is validated strictly, as a
 * mistake there would otherwise surface as garbage weights: every byte of the data section
 * must belong to exactly one tensor.
 */
public final class Safetensors {
    private static final String SUPPORTED = "F32, F16, BF16, I64, I32, I8, BOOL";
    private static final String METADATA = "__metadata__";
    private static final Set<String> FIELDS = Set.of("dtype", "shape", "data_offsets");


    private Safetensors() {
    }

    /** One header entry, validated on its own; the layout checks come after. */
    private record Entry(String name, DType dtype, int[] shape, int numel, long begin, long end) {
    }

    /**
     * All tensors of the file, in header order; the optional {@code __metadata__} entry is
     * checked for form and skipped. The file is memory-mapped and copied with bulk copies,
     * so weights of hundreds of megabytes load at memory speed.
     *
     * @throws TensorFormatException if the file is not a valid safetensors file
     * @throws java.io.UncheckedIOException if the file cannot be read
     */
    public static LinkedHashMap<String, Tensor> read(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw bad(path, "it is " + fileSize + " bytes long, shorter than the 8-byte header length "
                        + "that starts every safetensors file");
            }
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, prefix, 0);
            long headerLen = prefix.getLong(0);
            if (Long.compareUnsigned(headerLen, fileSize - 8) > 0) {
                throw bad(path, "its header length field says " + Long.toUnsignedString(headerLen)
                        + " bytes, but only " + (fileSize - 8) + " bytes follow it");
            }
            if (headerLen > Integer.MAX_VALUE - 8) {
                throw bad(path, "its header of " + headerLen + " bytes is too large to be a tensor index");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBytes, 8);
            Json header = parseHeader(path, headerBytes.flip());

            long dataStart = 8 + headerLen;
            long dataLen = fileSize - dataStart;
            List<Entry> entries = entries(path, header, dataLen);
            checkLayout(path, entries, dataLen);

            MemorySegment data = dataLen == 0 ? MemorySegment.NULL
                    : ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLen, arena);
            LinkedHashMap<String, Tensor> result = LinkedHashMap.newLinkedHashMap(entries.size());
            for (Entry e : entries) {
                result.put(e.name(), decode(data, e));
            }
            return result;
        } catch (IOException e) {
            throw IoErrors.wrap("read safetensors file", path, e);
        }
    }

    /**
     * The tensors of resource {@code name} beside class {@code owner} (as a build tool packs a
     * model's weights next to its generated class): copied to a temporary file, then read as by
     * {@link #read(Path)}.
     *
     * @throws TensorFormatException if there is no such resource or it is not a valid safetensors file
     */
    public static LinkedHashMap<String, Tensor> readResource(Class<?> owner, String name) {
        Path copy = null;
        try (java.io.InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new TensorFormatException("no weights resource " + name + " beside " + owner.getName()
                        + " on the class path: give the model's weights file to the nnc build (the Maven plugin's <weights>), "
                        + "or load them from a file with load(Path)");
            }
            copy = java.nio.file.Files.createTempFile("nnc-weights-", ".safetensors");
            java.nio.file.Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return read(copy);
        } catch (IOException e) {
            throw IoErrors.wrap("read weights resource", Path.of(name), e);
        } finally {
            if (copy != null) copy.toFile().delete();
        }
    }

    /**
     * Writes {@code tensors} in map order: the header lists dtype, shape and data_offsets of
     * each, padded with spaces so the data section starts at a multiple of 8 bytes, as the
     * format recommends for aligned loading.
     *
     * @throws IllegalArgumentException if a tensor is named {@code __metadata__}
     * @throws java.io.UncheckedIOException if the file cannot be written
     */
    public static void write(Path path, Map<String, Tensor> tensors) {
        StringBuilder json = new StringBuilder("{");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                throw new IllegalArgumentException("A tensor cannot be named " + METADATA
                        + ": safetensors reserves that name for string metadata.");
            }
            Tensor t = e.getValue();
            long bytes = (long) t.size() * t.dtype().byteSize();
            if (json.length() > 1) {
                json.append(',');
            }
            appendJsonString(json, e.getKey());
            json.append(":{\"dtype\":\"").append(fileDtype(t.dtype())).append("\",\"shape\":[");
            int[] shape = t.shape();
            for (int i = 0; i < shape.length; i++) {
                json.append(i > 0 ? "," : "").append(shape[i]);
            }
            json.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        json.append('}');
        byte[] headerUtf8 = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (headerUtf8.length + 7) & ~7;
        long total = 8 + padded + offset;

        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE); Arena arena = Arena.ofConfined()) {
            MemorySegment out = ch.map(FileChannel.MapMode.READ_WRITE, 0, total, arena);
            out.set(LittleEndian.I64, 0, padded);
            MemorySegment.copy(headerUtf8, 0, out, ValueLayout.JAVA_BYTE, 8, headerUtf8.length);
            out.asSlice(8 + headerUtf8.length, padded - headerUtf8.length).fill((byte) ' ');
            long at = 8 + padded;
            for (Tensor t : tensors.values()) {
                encode(t, out, at);
                at += (long) t.size() * t.dtype().byteSize();
            }
            out.force();
        } catch (IOException e) {
            throw IoErrors.wrap("write safetensors file", path, e);
        }
    }

    private static Json parseHeader(Path path, ByteBuffer bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw bad(path, "its header is not valid UTF-8");
        }
        try {
            return Json.parse(text);
        } catch (Json.ParseException e) {
            throw bad(path, "its header is not valid JSON (" + e.getMessage() + ")");
        }
    }

    private static List<Entry> entries(Path path, Json header, long dataLen) {
        if (!(header instanceof Json.Obj root)) {
            throw bad(path, "its header must be a JSON object mapping tensor names to their dtype, shape and "
                    + "data_offsets, but it is " + header.describe());
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Json.Member m : root.members()) {
            String name = m.key();
            if (!seen.add(name)) {
                throw bad(path, "the name '" + name + "' appears more than once in the header");
            }
            if (name.equals(METADATA)) {
                checkMetadata(path, m.value());
                continue;
            }
            entries.add(entry(path, name, m.value(), dataLen));
        }
        return entries;
    }

    private static void checkMetadata(Path path, Json value) {
        boolean ok = value instanceof Json.Obj obj
                && obj.members().stream().allMatch(m -> m.value() instanceof Json.Str);
        if (!ok) {
            throw bad(path, "its \"" + METADATA + "\" entry must be a JSON object mapping strings to strings");
        }
    }

    private static Entry entry(Path path, String name, Json value, long dataLen) {
        String where = "tensor '" + name + "'";
        if (!(value instanceof Json.Obj obj)) {
            throw bad(path, where + " must be described by a JSON object with \"dtype\", \"shape\" and "
                    + "\"data_offsets\", but it is " + value.describe());
        }
        Set<String> fields = new HashSet<>();
        for (Json.Member m : obj.members()) {
            if (!FIELDS.contains(m.key())) {
                throw bad(path, where + " has an unknown field \"" + m.key()
                        + "\"; the fields are \"dtype\", \"shape\" and \"data_offsets\"");
            }
            if (!fields.add(m.key())) {
                throw bad(path, where + " has the field \"" + m.key() + "\" more than once");
            }
        }
        Json dtypeJson = field(path, where, obj, "dtype");
        Json shapeJson = field(path, where, obj, "shape");
        Json offsetsJson = field(path, where, obj, "data_offsets");

        if (!(dtypeJson instanceof Json.Str(String dtypeName))) {
            throw bad(path, where + " has a \"dtype\" of " + dtypeJson.describe() + ", but it must be a string, one of "
                    + SUPPORTED);
        }
        DType dtype = memoryDtype(dtypeName).orElseThrow(() -> bad(path, where + " has dtype \"" + dtypeName
                + "\", which nnc does not support; the supported dtypes are " + SUPPORTED));

        long[] dims = naturals(shapeJson).orElseThrow(() -> bad(path, where + " has a \"shape\" of "
                + shapeJson.describe() + ", but it must be an array of non-negative integers"));
        int[] shape = new int[dims.length];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            numel *= dims[i];
            if (dims[i] > Integer.MAX_VALUE || numel > Integer.MAX_VALUE - 8) {
                throw bad(path, where + " has shape " + java.util.Arrays.toString(dims)
                        + ", more elements than a Java array can hold");
            }
            shape[i] = (int) dims[i];
        }

        long[] offsets = naturals(offsetsJson).filter(o -> o.length == 2).orElseThrow(() -> bad(path, where
                + " has \"data_offsets\" of " + offsetsJson.describe()
                + ", but it must be an array of two non-negative integers [begin, end]"));
        long begin = offsets[0];
        long end = offsets[1];
        String span = "[" + begin + ", " + end + "]";
        if (begin > end) {
            throw bad(path, where + " has data_offsets " + span + ", whose begin is after its end");
        }
        long needed = numel * dtype.byteSize();
        if (end - begin != needed) {
            throw bad(path, where + " is " + dtype.text() + Tensor.shapeString(shape) + ", which takes " + needed
                    + " bytes, but its data_offsets " + span + " span " + (end - begin) + " bytes");
        }
        if (end > dataLen) {
            throw bad(path, where + " has data_offsets " + span + ", which run past the end of the data section ("
                    + dataLen + " bytes)");
        }
        return new Entry(name, dtype, shape, (int) numel, begin, end);
    }

    private static Json field(Path path, String where, Json.Obj obj, String key) {
        return obj.get(key).orElseThrow(() -> bad(path, where + " has no \"" + key
                + "\" field; each tensor needs \"dtype\", \"shape\" and \"data_offsets\""));
    }

    /** The array's elements if it is an array of integers in [0, 2^63). */
    private static Optional<long[]> naturals(Json value) {
        if (!(value instanceof Json.Arr(List<Json> items))) {
            return Optional.empty();
        }
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            OptionalLong v = items.get(i) instanceof Json.Num n ? n.exactLong() : OptionalLong.empty();
            if (v.isEmpty() || v.getAsLong() < 0) {
                return Optional.empty();
            }
            out[i] = v.getAsLong();
        }
        return Optional.of(out);
    }

    /** Every data byte must belong to exactly one tensor: no gaps, no overlaps, nothing left over. */
    private static void checkLayout(Path path, List<Entry> entries, long dataLen) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < covered) {
                throw bad(path, "tensors '" + previous.name() + "' and '" + e.name()
                        + "' overlap in the data section (data_offsets [" + previous.begin() + ", "
                        + previous.end() + "] and [" + e.begin() + ", " + e.end() + "])");
            }
            if (e.begin() > covered) {
                String after = previous == null ? "the start of the data section"
                        : "tensor '" + previous.name() + "' (which ends at " + covered + ")";
                throw bad(path, "the data section has " + (e.begin() - covered) + " unused bytes between " + after
                        + " and tensor '" + e.name() + "' (which begins at " + e.begin() + ")");
            }
            covered = e.end();
            previous = e;
        }
        if (covered < dataLen) {
            String after = previous == null ? "an empty header" : "the last tensor, '" + previous.name() + "'";
            throw bad(path, "the data section has " + (dataLen - covered) + " unused bytes after " + after);
        }
    }

    private static Tensor decode(MemorySegment data, Entry e) {
        int n = e.numel();
        long at = e.begin();
        return switch (e.dtype()) {
            case F32 -> {
                float[] v = new float[n];
                MemorySegment.copy(data, LittleEndian.F32, at, v, 0, n);
                yield Tensor.ofFloats(DType.F32, e.shape(), v);
            }
            case F16, BF16 -> {
                short[] bits = new short[n];
                MemorySegment.copy(data, LittleEndian.I16, at, bits, 0, n);
                float[] v = new float[n];
                if (e.dtype() == DType.F16) {
                    for (int i = 0; i < n; i++) {
                        v[i] = HalfFloats.f16BitsToFloat(bits[i]);
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        v[i] = HalfFloats.bf16BitsToFloat(bits[i]);
                    }
                }
                yield Tensor.ofFloats(e.dtype(), e.shape(), v);
            }
            case I64 -> {
                long[] v = new long[n];
                MemorySegment.copy(data, LittleEndian.I64, at, v, 0, n);
                yield Tensor.ofLongs(DType.I64, e.shape(), v);
            }
            case I32 -> {
                int[] raw = new int[n];
                MemorySegment.copy(data, LittleEndian.I32, at, raw, 0, n);
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = raw[i];
                }
                yield Tensor.ofLongs(DType.I32, e.shape(), v);
            }
            case I8, BOOL -> {
                byte[] raw = new byte[n];
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, raw, 0, n);
                long[] v = new long[n];
                boolean bool = e.dtype() == DType.BOOL;
                for (int i = 0; i < n; i++) {
                    // Any non-zero byte is true, as in PyTorch and NumPy.
                    v[i] = bool ? (raw[i] != 0 ? 1 : 0) : raw[i];
                }
                yield Tensor.ofLongs(e.dtype(), e.shape(), v);
            }
        };
    }

    private static void encode(Tensor t, MemorySegment out, long at) {
        int n = t.size();
        switch (t.dtype()) {
            case F32 -> MemorySegment.copy(t.floats(), 0, out, LittleEndian.F32, at, n);
            case F16 -> {
                float[] v = t.floats();
                for (int i = 0; i < n; i++) {
                    out.set(LittleEndian.I16, at + 2L * i, HalfFloats.floatToF16Bits(v[i]));
                }
            }
            case BF16 -> {
                float[] v = t.floats();
                for (int i = 0; i < n; i++) {
                    out.set(LittleEndian.I16, at + 2L * i, HalfFloats.floatToBf16Bits(v[i]));
                }
            }
            case I64 -> MemorySegment.copy(t.longs(), 0, out, LittleEndian.I64, at, n);
            case I32 -> {
                long[] v = t.longs();
                for (int i = 0; i < n; i++) {
                    out.set(LittleEndian.I32, at + 4L * i, (int) v[i]);
                }
            }
            case I8, BOOL -> {
                long[] v = t.longs();
                for (int i = 0; i < n; i++) {
                    out.set(ValueLayout.JAVA_BYTE, at + i, (byte) v[i]);
                }
            }
        }
    }

    private static Optional<DType> memoryDtype(String fileName) {
        return Optional.ofNullable(switch (fileName) {
            case "F32" -> DType.F32;
            case "F16" -> DType.F16;
            case "BF16" -> DType.BF16;
            case "I64" -> DType.I64;
            case "I32" -> DType.I32;
            case "I8" -> DType.I8;
            case "BOOL" -> DType.BOOL;
            default -> null;
        });
    }

    private static String fileDtype(DType dtype) {
        return switch (dtype) {
            case F32 -> "F32";
            case F16 -> "F16";
            case BF16 -> "BF16";
            case I64 -> "I64";
            case I32 -> "I32";
            case I8 -> "I8";
            case BOOL -> "BOOL";
        };
    }

    private static void appendJsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void readFully(FileChannel ch, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = ch.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static TensorFormatException bad(Path path, String reason) {
        return new TensorFormatException("Cannot read safetensors file " + path + ": " + reason + ".");
    }
}
