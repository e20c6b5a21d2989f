package dev.nnc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The files under src/test/resources/npy were written by NumPy 1.24 (Debian's
 * /usr/bin/python3) with:
 * <pre>
 * np.save('f4_2x3.npy', (np.arange(6, dtype='&lt;f4').reshape(2,3) * 0.5 - 1.25).astype('&lt;f4'))
 * np.save('f2_4.npy', np.array([1.0, -2.5, 65504, 2**-24], dtype='&lt;f2'))
 * np.save('f8_3.npy', np.array([0.1, 1e-3, -1e10], dtype='&lt;f8'))
 * np.save('i8_2x2.npy', np.array([[-(2**62), 2**40], [0, -1]], dtype='&lt;i8'))
 * np.save('i4_3.npy', np.array([-2**31, 7, 2**31-1], dtype='&lt;i4'))
 * np.save('i1_4.npy', np.array([-128, -1, 0, 127], dtype='i1'))
 * np.save('b1_5.npy', np.array([True, False, False, True, True]))
 * np.save('scalar_f4.npy', np.float32(3.5))
 * np.save('empty_f4_0x3.npy', np.zeros((0,3), dtype='&lt;f4'))
 * format.write_array(f, np.array([[1,2],[3,4]], dtype='&lt;i4'), version=(2,0))   # v2_i4_2x2.npy
 * format.write_array(f, np.array([1.5,-0.25,8], dtype='&lt;f4'), version=(3,0))   # v3_f4_3.npy
 * np.save('fortran_f4_2x3.npy', np.asfortranarray(np.arange(6, dtype='&lt;f4').reshape(2,3)))
 * np.save('u1_2.npy', np.array([1,2], dtype='u1'))
 * np.save('big_endian_f4_2.npy', np.array([1,2], dtype='&gt;f4'))
 * </pre>
 */
class NpyTest {
    @TempDir
    Path dir;

    private Path resource(String name) throws URISyntaxException {
        return Path.of(getClass().getResource("/npy/" + name).toURI());
    }

    private Tensor numpy(String name) throws URISyntaxException {
        return Npy.read(resource(name));
    }

    @Test
    void readsNumpyFloat32() throws Exception {
        assertEquals(Tensor.ofFloats(DType.F32, new int[] {2, 3}, new float[] {-1.25f, -0.75f, -0.25f, 0.25f, 0.75f,
                1.25f}), numpy("f4_2x3.npy"));
    }

    @Test
    void readsNumpyFloat16() throws Exception {
        assertEquals(Tensor.ofFloats(DType.F16, new int[] {4}, new float[] {1f, -2.5f, 65504f, 0x1p-24f}),
                numpy("f2_4.npy"));
    }

    @Test
    void narrowsNumpyFloat64ToFloat32() throws Exception {
        Tensor t = numpy("f8_3.npy");
        assertEquals(DType.F32, t.dtype());
        // float32 values as NumPy rounds them: np.float32(0.1) == 0x1.99999ap-4 etc.
        assertArrayEquals(new float[] {0x1.99999ap-4f, 0x1.0624dep-10f, -0x1.2a05f2p+33f}, t.floats());
    }

    @Test
    void readsNumpyIntegersAndBools() throws Exception {
        assertEquals(Tensor.ofLongs(DType.I64, new int[] {2, 2}, new long[] {-(1L << 62), 1L << 40, 0, -1}),
                numpy("i8_2x2.npy"));
        assertEquals(Tensor.ofLongs(DType.I32, new int[] {3}, new long[] {Integer.MIN_VALUE, 7, Integer.MAX_VALUE}),
                numpy("i4_3.npy"));
        assertEquals(Tensor.ofLongs(DType.I8, new int[] {4}, new long[] {-128, -1, 0, 127}), numpy("i1_4.npy"));
        assertEquals(Tensor.ofLongs(DType.BOOL, new int[] {5}, new long[] {1, 0, 0, 1, 1}), numpy("b1_5.npy"));
    }

    @Test
    void readsScalarsAsRankZero() throws Exception {
        Tensor s = numpy("scalar_f4.npy");
        assertEquals(0, s.rank());
        assertEquals(Tensor.scalar(3.5f), s);
    }

    @Test
    void readsEmptyArrays() throws Exception {
        Tensor e = numpy("empty_f4_0x3.npy");
        assertArrayEquals(new int[] {0, 3}, e.shape());
        assertEquals(0, e.size());
    }

    @Test
    void readsFormatVersions2And3() throws Exception {
        assertEquals(2, Files.readAllBytes(resource("v2_i4_2x2.npy"))[6], "the fixture really is version 2.0");
        assertEquals(3, Files.readAllBytes(resource("v3_f4_3.npy"))[6], "the fixture really is version 3.0");
        assertEquals(Tensor.ofLongs(DType.I32, new int[] {2, 2}, new long[] {1, 2, 3, 4}), numpy("v2_i4_2x2.npy"));
        assertEquals(Tensor.ofFloats(DType.F32, new int[] {3}, new float[] {1.5f, -0.25f, 8f}), numpy("v3_f4_3.npy"));
    }

    /** Writing what NumPy wrote gives NumPy's bytes exactly, header padding included. */
    @ParameterizedTest
    @ValueSource(strings = {"f4_2x3.npy", "f2_4.npy", "i8_2x2.npy", "i4_3.npy", "i1_4.npy", "b1_5.npy",
            "scalar_f4.npy", "empty_f4_0x3.npy"})
    void writesTheSameBytesAsNumpy(String name) throws Exception {
        Path out = dir.resolve(name);
        Npy.write(out, numpy(name));
        assertArrayEquals(Files.readAllBytes(resource(name)), Files.readAllBytes(out), name);
    }

    @Test
    void roundTripsEveryWritableDtype() {
        Tensor[] tensors = {
            Tensor.ofFloats(DType.F32, new int[] {2, 2}, new float[] {1, -0f, Float.MAX_VALUE, Float.MIN_VALUE}),
            Tensor.ofFloats(DType.F16, new int[] {3}, new float[] {0.1f, -65504f, 0x1p-24f}),
            Tensor.ofLongs(DType.I64, new int[] {2}, new long[] {Long.MIN_VALUE, Long.MAX_VALUE}),
            Tensor.ofLongs(DType.I32, new int[] {1, 2}, new long[] {-1, 1 << 30}),
            Tensor.ofLongs(DType.I8, new int[] {2}, new long[] {-128, 127}),
            Tensor.ofLongs(DType.BOOL, new int[] {2, 1, 2}, new long[] {1, 0, 0, 1}),
            Tensor.scalar(-7f),
            Tensor.zeros(DType.I64, new int[] {0}),
        };
        for (int i = 0; i < tensors.length; i++) {
            Path file = dir.resolve("t" + i + ".npy");
            Npy.write(file, tensors[i]);
            assertEquals(tensors[i], Npy.read(file), tensors[i].toString());
        }
    }

    @Test
    void refusesToWriteBf16() {
        Tensor t = Tensor.zeros(DType.BF16, new int[] {1});
        var e = assertThrows(IllegalArgumentException.class, () -> Npy.write(dir.resolve("b.npy"), t));
        assertTrue(e.getMessage().contains("NumPy has no bfloat16 dtype"), e.getMessage());
    }

    // ---- malformed or unsupported files ----

    private String failure(Path file) {
        var e = assertThrows(TensorFormatException.class, () -> Npy.read(file));
        String message = e.getMessage();
        assertTrue(message.startsWith("Cannot read .npy file " + file + ": "), message);
        assertTrue(message.endsWith("."), message);
        return message;
    }

    @Test
    void rejectsFortranOrder() throws Exception {
        String m = failure(resource("fortran_f4_2x3.npy"));
        assertTrue(m.contains("stored in Fortran (column-major) order"), m);
    }

    @Test
    void rejectsUnsupportedDtypesListingTheSupportedOnes() throws Exception {
        String m = failure(resource("u1_2.npy"));
        assertTrue(m.endsWith("it holds dtype '|u1', which nnc does not support; the supported dtypes are '<f4', "
                + "'<f2', '<f8', '<i8', '<i4', '|i1' and '|b1'."), m);
        assertTrue(failure(resource("big_endian_f4_2.npy")).contains("dtype '>f4'"));
    }

    private Path npyWithHeader(int major, String dict, int dataBytes) throws IOException {
        byte[] h = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] bytes = new byte[8 + lengthBytes + h.length + dataBytes];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0};
        System.arraycopy(magic, 0, bytes, 0, 8);
        bytes[8] = (byte) h.length;
        bytes[9] = (byte) (h.length >> 8);
        System.arraycopy(h, 0, bytes, 8 + lengthBytes, h.length);
        Path file = dir.resolve("bad.npy");
        Files.write(file, bytes);
        return file;
    }

    @Test
    void rejectsBadMagic() throws IOException {
        Path file = dir.resolve("text.npy");
        Files.writeString(file, "hello, world");
        assertTrue(failure(file).endsWith("it does not start with the .npy magic string \\x93NUMPY."));
        Files.write(file, new byte[3]);
        assertTrue(failure(file).contains("magic string"));
    }

    @Test
    void rejectsUnknownVersion() throws IOException {
        String m = failure(npyWithHeader(4, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4));
        assertTrue(m.endsWith("it has format version 4.0, but only versions 1.0, 2.0 and 3.0 are supported."), m);
    }

    @Test
    void rejectsDataSizeMismatch() throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        String m = failure(npyWithHeader(1, dict, 20));
        assertTrue(m.endsWith("its header describes a <f4 array of shape (2, 3), which takes 24 bytes, but the file "
                + "has 20 bytes of data."), m);
        assertTrue(failure(npyWithHeader(1, dict, 28)).contains("the file has 28 bytes of data"));
    }

    @Test
    void rejectsMalformedHeaders() throws IOException {
        assertTrue(failure(npyWithHeader(1, "{'descr': '<f4', 'fortran_order': False}", 0))
                .endsWith("its header has no 'shape' key."));
        assertTrue(failure(npyWithHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", 4))
                .contains("unexpected key 'x'"));
        assertTrue(failure(npyWithHeader(1, "['descr', '<f4']", 0)).contains("is not a Python dict literal"));
        assertTrue(failure(npyWithHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", 0))
                .contains("'shape' must be a tuple of non-negative integers"));
        assertTrue(failure(npyWithHeader(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 4))
                .contains("a structured (record) dtype"));
        assertTrue(failure(npyWithHeader(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", 4))
                .contains("'fortran_order' must be True or False"));
    }

    @Test
    void acceptsPython2StyleHeaders() throws IOException {
        // NumPy under Python 2 wrote long integers with an L suffix.
        Path file = npyWithHeader(2, "{'descr': '<i4', 'fortran_order': False, 'shape': (1L, 2L), }", 8);
        Tensor t = Npy.read(file);
        assertArrayEquals(new int[] {1, 2}, t.shape());
        assertEquals(Arrays.toString(new long[2]), Arrays.toString(t.longs()));
    }

    @Test
    void missingFileIsAnIoError() {
        Path file = dir.resolve("nope.npy");
        var e = assertThrows(UncheckedIOException.class, () -> Npy.read(file));
        assertEquals("Cannot read .npy file " + file + ": the file does not exist.", e.getMessage());
    }
}
