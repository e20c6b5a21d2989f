package dev.nnc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
    @Test
    void parsesNestedValues() throws Exception {
        Json v = Json.parse(" {\"a\": [1, -2.5e3, true, false, null, \"x\"], \"b\": {}} \n");
        Json.Obj obj = assertInstanceOf(Json.Obj.class, v);
        assertEquals(List.of("a", "b"), obj.members().stream().map(Json.Member::key).toList());
        Json.Arr arr = assertInstanceOf(Json.Arr.class, obj.get("a").orElseThrow());
        assertEquals(List.of(new Json.Num("1"), new Json.Num("-2.5e3"), new Json.Bool(true), new Json.Bool(false),
                new Json.Null(), new Json.Str("x")), arr.items());
        assertEquals(new Json.Obj(List.of()), obj.get("b").orElseThrow());
    }

    @Test
    void decodesEscapes() throws Exception {
        Json v = Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00\"");
        assertEquals(new Json.Str("q\" b\\ s/ \b\f\n\r\t \u00e9 \uD83D\uDE00"), v);
    }

    @Test
    void keepsDuplicateMembersForTheCaller() throws Exception {
        Json.Obj obj = (Json.Obj) Json.parse("{\"a\": 1, \"a\": 2}");
        assertEquals(2, obj.members().size());
    }

    @Test
    void exactLongOnlyForIntegers() {
        assertEquals(OptionalLong.of(9007199254740993L), new Json.Num("9007199254740993").exactLong());
        assertEquals(OptionalLong.empty(), new Json.Num("1.0").exactLong());
        assertEquals(OptionalLong.empty(), new Json.Num("1e3").exactLong());
        assertEquals(OptionalLong.empty(), new Json.Num("99999999999999999999").exactLong());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\":}", "{\"a\" 1}", "{a: 1}", "[1,]", "[1 2]", "01", "1.", "-", "1e",
            "tru", "\"abc", "\"a\\x\"", "\"\\u12\"", "\"tab\there\"", "{} {}", "{'a': 1}", "NaN"})
    void rejectsMalformedText(String text) {
        var e = assertThrows(Json.ParseException.class, () -> Json.parse(text));
        assertTrue(e.getMessage().contains("at character"), e.getMessage());
    }

    @Test
    void limitsNestingDepth() {
        String deep = "[".repeat(200) + "]".repeat(200);
        var e = assertThrows(Json.ParseException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nesting deeper than"), e.getMessage());
    }
}
