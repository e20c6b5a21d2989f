package dev.nnc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> allDtypes() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("fc.weight", Tensor.ofFloats(DType.F32, new int[] {2, 3}, new float[] {1, -2, 3.5f, 1e-30f, Float.NaN, -0f}));
        m.put("half", Tensor.ofFloats(DType.F16, new int[] {3}, new float[] {0.1f, 65504f, 0x1p-24f}));
        m.put("brain", Tensor.ofFloats(DType.BF16, new int[] {2, 1}, new float[] {(float) Math.PI, -1e30f}));
        m.put("ids", Tensor.ofLongs(DType.I64, new int[] {2}, new long[] {Long.MIN_VALUE, Long.MAX_VALUE}));
        m.put("ints", Tensor.ofLongs(DType.I32, new int[] {3}, new long[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}));
        m.put("bytes", Tensor.ofLongs(DType.I8, new int[] {2}, new long[] {-128, 127}));
        m.put("mask", Tensor.ofLongs(DType.BOOL, new int[] {3}, new long[] {1, 0, 1}));
        m.put("scalar", Tensor.scalar(42f));
        m.put("empty", Tensor.zeros(DType.F32, new int[] {0, 4}));
        m.put("naïve \"quoted\" \\ name\n", Tensor.ofFloats(DType.F32, new int[] {1}, new float[] {7}));
        return m;
    }

    @Test
    void roundTripsEveryDtypeInOrder() {
        Path file = dir.resolve("all.safetensors");
        Map<String, Tensor> written = allDtypes();
        Safetensors.write(file, written);
        LinkedHashMap<String, Tensor> read = Safetensors.read(file);
        assertEquals(List.copyOf(written.keySet()), List.copyOf(read.keySet()));
        for (String name : written.keySet()) {
            assertEquals(written.get(name), read.get(name), name);
        }
    }

    @Test
    void writesPaddedHeaderAndLittleEndianData() throws IOException {
        Path file = dir.resolve("one.safetensors");
        Safetensors.write(file, Map.of("x", Tensor.ofFloats(DType.F32, new int[] {1}, new float[] {1f})));
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, n % 8, "header length is a multiple of 8");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", header.stripTrailing());
        assertTrue(header.endsWith(" "), "padded with spaces");
        assertEquals(8 + n + 4, bytes.length);
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F}, java.util.Arrays.copyOfRange(bytes, 8 + (int) n,
                bytes.length));
    }

    @Test
    void writesEmptyFile() {
        Path file = dir.resolve("empty.safetensors");
        Safetensors.write(file, Map.of());
        assertTrue(Safetensors.read(file).isEmpty());
    }

    @Test
    void rejectsTheReservedMetadataName() {
        var e = assertThrows(IllegalArgumentException.class, () -> Safetensors.write(dir.resolve("m.safetensors"),
                Map.of("__metadata__", Tensor.scalar(1))));
        assertTrue(e.getMessage().contains("__metadata__"), e.getMessage());
    }

    @Test
    void readsLargeTensorsByBulkCopy() {
        int n = 4 << 20;
        float[] big = new float[n];
        for (int i = 0; i < n; i++) {
            big[i] = i * 0.5f;
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("odd", Tensor.ofLongs(DType.I8, new int[] {3}, new long[] {1, 2, 3})); // misaligns what follows
        m.put("big", Tensor.ofFloats(DType.F32, new int[] {1024, n / 1024}, big));
        Path file = dir.resolve("big.safetensors");
        Safetensors.write(file, m);
        Tensor back = Safetensors.read(file).get("big");
        assertArrayEquals(big, back.floats());
    }

    /**
     * A file written by Python with only json and struct, in the layout the safetensors
     * spec describes (header order differs from data order; metadata present):
     * <pre>
     * tensors = {'w': ('F32', [2,3], np.array([[1,-2,3.5],[0.25,-0.125,1e-3]], '&lt;f4').tobytes()),
     *            'h': ('F16', [3], np.array([1.0, -0.333, 65504], '&lt;f2').tobytes()),
     *            'b': ('BF16', [2], torch.tensor([1.0, -3.14159], dtype=torch.bfloat16).view(torch.int16)...),
     *            'ids': ('I64', [2], [-5, 2**50]), 'n': ('I32', [2], [-7, 123456]),
     *            'q': ('I8', [3], [-128, 0, 127]), 'm': ('BOOL', [2], [True, False]),
     *            's': ('F32', [], 2.5)}
     * data laid out in reverse order; header = json.dumps({'__metadata__': {'format': 'pt'}, ...})
     * padded with spaces to a multiple of 8; file = struct.pack('&lt;Q', len(h)) + h + data
     * </pre>
     */
    @Test
    void readsFileWrittenByPython() throws URISyntaxException {
        Path file = Path.of(getClass().getResource("/safetensors/python_written.safetensors").toURI());
        LinkedHashMap<String, Tensor> m = Safetensors.read(file);
        assertEquals(List.of("w", "h", "b", "ids", "n", "q", "m", "s"), List.copyOf(m.keySet()));
        assertEquals(Tensor.ofFloats(DType.F32, new int[] {2, 3}, new float[] {1, -2, 3.5f, 0.25f, -0.125f, 1e-3f}),
                m.get("w"));
        // numpy: np.array([1.0, -0.333, 65504], '<f2') has bits 0x3c00, 0xb554, 0x7bff.
        assertEquals(Tensor.ofFloats(DType.F16, new int[] {3}, new float[] {1f, -0.3330078125f, 65504f}), m.get("h"));
        // torch: bfloat16 of -3.14159 is bits 0xc049 = -3.140625.
        assertEquals(Tensor.ofFloats(DType.BF16, new int[] {2}, new float[] {1f, -3.140625f}), m.get("b"));
        assertEquals(Tensor.ofLongs(DType.I64, new int[] {2}, new long[] {-5, 1L << 50}), m.get("ids"));
        assertEquals(Tensor.ofLongs(DType.I32, new int[] {2}, new long[] {-7, 123456}), m.get("n"));
        assertEquals(Tensor.ofLongs(DType.I8, new int[] {3}, new long[] {-128, 0, 127}), m.get("q"));
        assertEquals(Tensor.ofLongs(DType.BOOL, new int[] {2}, new long[] {1, 0}), m.get("m"));
        assertEquals(Tensor.scalar(2.5f), m.get("s"));
    }

    // ---- malformed files: each message names the file and says what was expected ----

    private Path raw(byte[] bytes) throws IOException {
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, bytes);
        return file;
    }

    private Path withHeader(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return raw(b.array());
    }

    private String failure(Path file) {
        var e = assertThrows(TensorFormatException.class, () -> Safetensors.read(file));
        String message = e.getMessage();
        assertTrue(message.startsWith("Cannot read safetensors file " + file + ": "), message);
        assertTrue(message.endsWith("."), message);
        return message;
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\": {\"dtype\": \"" + dtype + "\", \"shape\": " + shape + ", \"data_offsets\": [" + begin
                + ", " + end + "]}";
    }

    @Test
    void tooShort() throws IOException {
        Path file = raw(new byte[5]);
        assertEquals("Cannot read safetensors file " + file + ": it is 5 bytes long, shorter than the 8-byte header "
                + "length that starts every safetensors file.", failure(file));
    }

    @Test
    void headerLongerThanFile() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
        assertTrue(failure(raw(b.array())).endsWith("its header length field says 1000 bytes, but only 10 bytes "
                + "follow it."));
    }

    @Test
    void headerLengthBeyondSignedRange() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1);
        assertTrue(failure(raw(b.array())).contains("says 18446744073709551615 bytes"));
    }

    @Test
    void headerNotUtf8() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(4)
                .put(new byte[] {'{', (byte) 0xFF, (byte) 0xFE, '}'});
        assertTrue(failure(raw(b.array())).endsWith("its header is not valid UTF-8."));
    }

    @Test
    void headerNotJson() throws IOException {
        String m = failure(withHeader("{\"a\": }", 0));
        assertTrue(m.contains("its header is not valid JSON (unexpected '}', expected a value at character 6)"), m);
    }

    @Test
    void headerNotAnObject() throws IOException {
        assertTrue(failure(withHeader("[1, 2]", 0)).contains("its header must be a JSON object mapping tensor names "
                + "to their dtype, shape and data_offsets, but it is a JSON array."));
    }

    @Test
    void entryNotAnObject() throws IOException {
        assertTrue(failure(withHeader("{\"w\": 3}", 0)).contains("tensor 'w' must be described by a JSON object"));
    }

    @Test
    void unknownDtype() throws IOException {
        String m = failure(withHeader("{" + entry("w", "F64", "[1]", 0, 8) + "}", 8));
        assertTrue(m.endsWith("tensor 'w' has dtype \"F64\", which nnc does not support; the supported dtypes are "
                + "F32, F16, BF16, I64, I32, I8, BOOL."), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dtype", "shape", "data_offsets"})
    void missingField(String field) throws IOException {
        String full = "{\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}";
        String without = full.replaceAll("\"" + field + "\": (\"[A-Z0-9]+\"|\\[[0-9, ]+\\])(, )?", "")
                .replace(", }", "}");
        assertTrue(!without.contains(field), without);
        String m = failure(withHeader("{\"w\": " + without + "}", 4));
        assertTrue(m.endsWith("tensor 'w' has no \"" + field + "\" field; each tensor needs \"dtype\", \"shape\" and "
                + "\"data_offsets\"."), m);
    }

    @Test
    void unknownField() throws IOException {
        String m = failure(withHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offset\": [0, 4]}}", 4));
        assertTrue(m.contains("tensor 'w' has an unknown field \"data_offset\""), m);
    }

    @Test
    void repeatedField() throws IOException {
        String m = failure(withHeader("{\"w\": {\"dtype\": \"F32\", \"dtype\": \"F32\", \"shape\": [1], "
                + "\"data_offsets\": [0, 4]}}", 4));
        assertTrue(m.contains("tensor 'w' has the field \"dtype\" more than once"), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[-1]", "[1.0]", "[\"1\"]", "3", "[99999999999]"})
    void badShape(String shape) throws IOException {
        String m = failure(withHeader("{" + entry("w", "F32", shape, 0, 4) + "}", 4));
        assertTrue(m.contains("tensor 'w' has a \"shape\" of") || m.contains("more elements than a Java array"), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[0]", "[0, 4, 8]", "[-4, 0]", "\"0-4\"", "[0, 4.0]"})
    void badOffsets(String offsets) throws IOException {
        String m = failure(withHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": " + offsets
                + "}}", 4));
        assertTrue(m.contains("tensor 'w' has \"data_offsets\" of") && m.contains("two non-negative integers"), m);
    }

    @Test
    void dtypeNotAString() throws IOException {
        String m = failure(withHeader("{\"w\": {\"dtype\": 4, \"shape\": [1], \"data_offsets\": [0, 4]}}", 4));
        assertTrue(m.contains("tensor 'w' has a \"dtype\" of the number 4, but it must be a string"), m);
    }

    @Test
    void byteLengthMustMatchShape() throws IOException {
        String m = failure(withHeader("{" + entry("conv.weight", "F32", "[2, 3]", 0, 20) + "}", 20));
        assertTrue(m.endsWith("tensor 'conv.weight' is f32[2,3], which takes 24 bytes, but its data_offsets [0, 20] "
                + "span 20 bytes."), m);
    }

    @Test
    void beginAfterEnd() throws IOException {
        String m = failure(withHeader("{" + entry("w", "F32", "[1]", 8, 4) + "}", 8));
        assertTrue(m.endsWith("tensor 'w' has data_offsets [8, 4], whose begin is after its end."), m);
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        String m = failure(withHeader("{" + entry("w", "F32", "[6]", 0, 24) + "}", 16));
        assertTrue(m.endsWith("tensor 'w' has data_offsets [0, 24], which run past the end of the data section "
                + "(16 bytes)."), m);
    }

    @Test
    void overlappingTensors() throws IOException {
        String m = failure(withHeader("{" + entry("a", "F32", "[2]", 0, 8) + ", " + entry("b", "F32", "[2]", 4, 12)
                + "}", 12));
        assertTrue(m.endsWith("tensors 'a' and 'b' overlap in the data section (data_offsets [0, 8] and [4, 12])."), m);
    }

    @Test
    void gapBetweenTensors() throws IOException {
        String m = failure(withHeader("{" + entry("a", "F32", "[1]", 0, 4) + ", " + entry("b", "F32", "[1]", 8, 12)
                + "}", 12));
        assertTrue(m.endsWith("the data section has 4 unused bytes between tensor 'a' (which ends at 4) and tensor "
                + "'b' (which begins at 8)."), m);
    }

    @Test
    void gapAtStart() throws IOException {
        String m = failure(withHeader("{" + entry("a", "F32", "[1]", 4, 8) + "}", 8));
        assertTrue(m.endsWith("the data section has 4 unused bytes between the start of the data section and tensor "
                + "'a' (which begins at 4)."), m);
    }

    @Test
    void unusedBytesAtEnd() throws IOException {
        String m = failure(withHeader("{" + entry("a", "F32", "[1]", 0, 4) + "}", 8));
        assertTrue(m.endsWith("the data section has 4 unused bytes after the last tensor, 'a'."), m);
    }

    @Test
    void duplicateNames() throws IOException {
        String m = failure(withHeader("{" + entry("a", "F32", "[1]", 0, 4) + ", " + entry("a", "F32", "[1]", 4, 8)
                + "}", 8));
        assertTrue(m.endsWith("the name 'a' appears more than once in the header."), m);
    }

    @Test
    void metadataMustMapStringsToStrings() throws IOException {
        String m = failure(withHeader("{\"__metadata__\": {\"format\": 1}}", 0));
        assertTrue(m.endsWith("its \"__metadata__\" entry must be a JSON object mapping strings to strings."), m);
    }

    @Test
    void metadataIsSkipped() throws IOException {
        Path file = withHeader("{\"__metadata__\": {\"format\": \"pt\"}, " + entry("a", "I8", "[2]", 0, 2) + "}", 2);
        assertEquals(List.of("a"), List.copyOf(Safetensors.read(file).keySet()));
    }

    @Test
    void missingFileIsAnIoError() {
        Path file = dir.resolve("nope.safetensors");
        var e = assertThrows(UncheckedIOException.class, () -> Safetensors.read(file));
        assertEquals("Cannot read safetensors file " + file + ": the file does not exist.", e.getMessage());
    }
}
