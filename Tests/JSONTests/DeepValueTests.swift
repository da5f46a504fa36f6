import Foundation
import JSON
import Testing

/// `depth` arrays (even levels) and one-member objects (odd levels) around `innermost`.
func nested(_ depth: Int, innermost: JSONValue = 1) -> JSONValue {
    var value = innermost
    for level in 0..<depth { value = level.isMultiple(of: 2) ? .array([value]) : .object(["k": value]) }
    return value
}

/// The text of `nested(depth)`, written out by hand.
func nestedText(_ depth: Int) -> String {
    var opening = ""
    var closing = ""
    for level in (0..<depth).reversed() {
        opening += level.isMultiple(of: 2) ? "[" : "{\"k\":"
        closing += level.isMultiple(of: 2) ? "]" : "}"
    }
    return opening + "1" + String(closing.reversed())
}

/// Releases a value far deeper than `JSONValue.maximumDepth` one level at a time. Swift
/// releases a nested value recursively, so letting such a value go at once would overflow the
/// stack; stepd never holds one (the parser and the builders stop at the maximum depth), only
/// these tests make them, to show that the walks over values do not recurse.
func dismantle(_ value: inout JSONValue) {
    var current = value
    value = .null  // `current` now holds the value alone: each level goes as `current` leaves it
    while true {
        switch current {
        case .array(let elements):
            guard let first = elements.first else { return }
            current = first
        case .object(let members):
            guard let first = members.first?.value else { return }
            current = first
        default:
            return
        }
    }
}

@Suite struct DeepValueTests {
    /// Issue #15: serialization recursed once per level, so a deep enough value overflowed the
    /// stack. These depths are far past what the recursive writer survived on an 8 MiB stack.
    @Test(arguments: [1, 2, 513, 200_000])
    func serializesWithoutRecursing(depth: Int) {
        var value = nested(depth)
        defer { dismantle(&value) }
        #expect(value.serialized() == nestedText(depth))
        #expect(value.serialized(byteLimit: .max) == nestedText(depth))
        #expect(value.jsonData.count == nestedText(depth).utf8.count)
        // Pretty text grows with the square of the depth; a shallower value shows the same walk.
        if depth < 1_000 { #expect(value.prettyPrinted().filter { !$0.isWhitespace } == nestedText(depth)) }
        #expect(value.extent() == JSONExtent(bytes: nestedText(depth).utf8.count, depth: depth))
    }

    @Test func prettyPrintsWithTwoSpacesALevel() {
        let value: JSONValue = ["b": [1, [:]], "a": ["c": []]]
        #expect(value.prettyPrinted() == "{\n  \"a\": {\n    \"c\": []\n  },\n  \"b\": [\n    1,\n    {}\n  ]\n}")
    }
}

@Suite struct JSONExtentTests {
    @Test(arguments: [
        (JSONValue.null, 4, 0),
        (.string("a\"b\u{01}"), 12, 0),
        (.number(0.25), 4, 0),
        ([], 2, 1),
        ([[:]], 4, 2),
        (["b": 1, "a": [true, .null]], 23, 2),
        (["é": "✓"], 12, 1),
    ] as [(JSONValue, Int, Int)])
    func measuresTheSerializedText(value: JSONValue, bytes: Int, depth: Int) {
        #expect(value.serialized().utf8.count == bytes)
        #expect(value.extent() == JSONExtent(bytes: bytes, depth: depth))
    }

    /// A walk past a limit stops there: measuring a huge value costs what the limit allows.
    @Test(arguments: [
        (100, Int.max, true, false),
        (Int.max, 10, false, true),
        (1_000_000, 1_000, false, false),
    ])
    func stopsPastALimit(byteLimit: Int, depthLimit: Int, tooLarge: Bool, tooDeep: Bool) {
        let value = JSONValue.array(Array(repeating: nested(20), count: 1_000))
        let extent = value.extent(byteLimit: byteLimit, depthLimit: depthLimit)
        #expect((extent.bytes > byteLimit) == tooLarge)
        #expect((extent.depth > depthLimit) == tooDeep)
        if tooLarge { #expect(extent.bytes < 200) }
        if !tooLarge, !tooDeep { #expect(extent == JSONExtent(bytes: value.serialized().utf8.count, depth: 21)) }
    }

    @Test(arguments: [
        (JSONValue.string(String(repeating: "x", count: 98)), 100, "\"" + String(repeating: "x", count: 98) + "\""),
        (.string(String(repeating: "x", count: 99)), 100, nil),
        (.array(Array(repeating: "abc", count: 10_000)), 1_000, nil),
    ] as [(JSONValue, Int, String?)])
    func serializesUpToAByteLimit(value: JSONValue, limit: Int, expected: String?) {
        #expect(value.serialized(byteLimit: limit) == expected)
    }
}
