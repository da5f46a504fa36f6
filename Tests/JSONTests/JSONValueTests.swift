import Foundation
import JSON
import Testing

@Suite struct JSONValueTests {
    @Test(arguments: [
        ("null", JSONValue.null),
        ("true", .bool(true)),
        ("1", .number(1)),
        ("-2.5", .number(-2.5)),
        ("\"a\\\"b\"", .string("a\"b")),
        ("[1,\"x\",null]", .array([1, "x", .null])),
        ("{\"b\":1,\"a\":{\"c\":[]}}", .object(["a": ["c": []], "b": 1])),
    ])
    func parses(text: String, expected: JSONValue) throws {
        #expect(try JSONValue(parsing: text) == expected)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "nul"])
    func rejectsMalformedText(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test(arguments: [
        (JSONValue.object(["b": 1, "a": [true, .null]]), "{\"a\":[true,null],\"b\":1}"),
        (.number(3), "3"),
        (.number(0.25), "0.25"),
        (.number(-1e20), "-1e+20"),
        (.string("line\nbreak \u{01} \"q\""), "\"line\\nbreak \\u0001 \\\"q\\\"\""),
        (.string("é✓"), "\"é✓\""),
    ])
    func serializesCompactlyWithSortedKeys(value: JSONValue, expected: String) {
        #expect(value.serialized() == expected)
    }

    @Test(arguments: [
        ("details", JSONValue.object(["output": "{\"a\":1}", "outputDetails": ["truncated": false]])),
        ("quote\"and\nbreak", JSONValue.string("x")),
        ("empty", JSONValue.object([:])),
        ("list", JSONValue.array([1, .null, "two"])),
    ] as [(String, JSONValue)])
    func serializesAsTheOnlyMemberOfAnObject(name: String, value: JSONValue) {
        #expect(value.serialized(asMemberOf: name) == JSONValue.object([name: value]).serialized())
    }

    @Test func roundTripsThroughText() throws {
        let value: JSONValue = ["name": "x", "list": [1, 2.5, "three", ["deep": true]], "none": .null]
        #expect(try JSONValue(parsing: value.serialized()) == value)
        #expect(try JSONValue(parsing: value.prettyPrinted()) == value)
    }

    @Test func keepsBooleansApartFromNumbers() throws {
        #expect(try JSONValue(parsing: "[true, 1, 0, false]") == [true, 1, 0, false])
    }
}

@Suite struct JSONStrictnessTests {
    @Test(arguments: ["[1,]", "{\"a\":1,}", "01", "1.", ".5", "NaN", "\"\u{01}\"", "\"\\x\"", "[1] 2", "\"\\ud800\""])
    func rejectsWhatRFC8259Forbids(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test(arguments: [
        ("\"\\u00e9\\ud83d\\ude00\"", JSONValue.string("é😀")),
        (" [ 1e2 , -0.5E-1 ] ", .array([100, -0.05])),
        ("\"a\\/b\\\\\"", .string("a/b\\")),
    ])
    func readsEscapesAndExponents(text: String, expected: JSONValue) throws {
        #expect(try JSONValue(parsing: text) == expected)
    }
}
