package dev.nnc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DTypeTest {
    @Test
    void textAndSizeOfEveryDtype() {
        String[] texts = {"f32", "f16", "bf16", "i8", "i32", "i64", "bool"};
        int[] sizes = {4, 2, 2, 1, 4, 8, 1};
        boolean[] floats = {true, true, true, false, false, false, false};
        DType[] all = DType.values();
        assertEquals(texts.length, all.length);
        for (int i = 0; i < all.length; i++) {
            assertEquals(texts[i], all[i].text());
            assertEquals(texts[i], all[i].toString());
            assertEquals(sizes[i], all[i].byteSize(), all[i].text());
            assertEquals(floats[i], all[i].isFloat(), all[i].text());
            assertEquals(Optional.of(all[i]), DType.fromText(texts[i]));
        }
    }

    @Test
    void fromTextRejectsOtherSpellings() {
        assertFalse(DType.fromText("F32").isPresent());
        assertFalse(DType.fromText("float32").isPresent());
        assertFalse(DType.fromText("").isPresent());
        assertTrue(DType.fromText("bf16").isPresent());
    }
}
