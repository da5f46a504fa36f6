import JSON
import Testing

@testable import StatesLanguage

/// The input of the AWS "Paths" documentation example.
private let pathsExampleInput: JSONValue = [
    "foo": 123,
    "bar": ["a", "b", "c"],
    "car": ["cdr": true],
    "a b": "spaced",
    "items": [["id": 1, "name": "x"], ["id": 2, "name": "y"], ["id": 3]],
]

@Suite struct ReferencePathTests {
    @Test(arguments: [
        ("$", false), ("$.foo", false), ("$.car.cdr", false), ("$['a b']", false), ("$.bar[0]", false),
        ("$[\"a b\"]", false), ("$.items[1].name", false), ("$$.Execution.Id", true), ("$$", true),
    ])
    func compilesValidReferencePaths(text: String, isContext: Bool) throws {
        let path = try ReferencePath(text)
        #expect(path.text == text)
        #expect(path.isContextPath == isContext)
    }

    @Test(arguments: [
        "", "foo", "$.", "$.bar[*]", "$..foo", "$.bar[0:2]", "$.bar[?(@.x)]", "$.bar[", "$.bar.length()", "$.bar[-1]",
        "$['unterminated]", "$.a b",
    ])
    func rejectsInvalidReferencePaths(text: String) {
        #expect(throws: DefinitionError.self) { try ReferencePath(text) }
    }

    @Test(arguments: [
        ("$", pathsExampleInput),
        ("$.foo", 123),
        ("$.bar", ["a", "b", "c"]),
        ("$.car.cdr", true),
        ("$.bar[2]", "c"),
        ("$['a b']", "spaced"),
        ("$.items[1].name", "y"),
    ] as [(String, JSONValue)])
    func selectsTheDocumentedValue(text: String, expected: JSONValue) throws {
        #expect(try ReferencePath(text).value(in: pathsExampleInput) == expected)
    }

    @Test(arguments: ["$.missing", "$.bar[3]", "$.foo.bar", "$.car.cdr.x", "$.items[2].name"])
    func missingValueIsARuntimeErrorNamingPathAndField(text: String) throws {
        let path = try ReferencePath(text)
        let error = #expect(throws: StatesError.self) { try path.value(in: pathsExampleInput, field: "InputPath") }
        #expect(error?.name == "States.Runtime")
        #expect(error?.cause.contains("The JSONPath '\(text)' specified for the field 'InputPath' could not be found in the input") == true)
    }

    @Test func contextPathReadsTheContextObject() throws {
        let path = try ReferencePath("$$.Execution.Id")
        let context: EvaluationContext = ["Execution": ["Id": "arn:exec"]]
        #expect(try path.value(in: ["Execution": ["Id": "wrong"]], context: context) == "arn:exec")
    }
}

@Suite struct JSONPathTests {
    @Test(arguments: [
        ("$.items[*].id", [1, 2, 3]),
        ("$.items[*].name", ["x", "y"]),
        ("$..name", ["x", "y"]),
        ("$.bar[1:3]", ["b", "c"]),
        ("$.bar[-1]", ["c"]),
        ("$.bar[0,2]", ["a", "c"]),
        ("$.bar[::2]", ["a", "c"]),
        ("$.car.*", [true]),
        ("$['foo','car']", [123, ["cdr": true]]),
        ("$.nothing[*]", []),
    ] as [(String, JSONValue)])
    func indefinitePathsReturnArrays(text: String, expected: JSONValue) throws {
        let path = try JSONPath(text)
        #expect(!path.isDefinite)
        #expect(path.select(in: pathsExampleInput) == expected)
    }

    /// Issue #15: `$.a[1::9223372036854775807]` stopped the daemon (the index overflowed
    /// past the slice's end); any start, end and step is a slice that ends.
    @Test(arguments: [
        ("$.bar[1::9223372036854775807]", ["b"]),
        ("$.bar[::-9223372036854775808]", ["c"]),
        ("$.bar[-9223372036854775808:9223372036854775807]", ["a", "b", "c"]),
        ("$.bar[9223372036854775807:-9223372036854775808:-1]", ["c", "b", "a"]),
        ("$.bar[::-1]", ["c", "b", "a"]),
        ("$.bar[0:3:9223372036854775806]", ["a"]),
    ] as [(String, JSONValue)])
    func slicesWithExtremeBoundsEnd(text: String, expected: JSONValue) throws {
        #expect(try JSONPath(text).select(in: pathsExampleInput) == expected)
    }

    /// Issue #15: `..` recursed once per level of the input; a deep enough value overflowed the
    /// stack. The walk keeps its own stack now, and still lists matches in document order.
    @Test(arguments: [
        ("$..x", 100_000, [1, 2] as JSONValue),
        ("$..[0].x", 100_000, [1, 2]),
        ("$..y", 100_000, []),
        ("$..x", 3, [1, 2]),
    ] as [(String, Int, JSONValue)])
    func recursiveDescentDoesNotRecurse(text: String, depth: Int, expected: JSONValue) throws {
        // [{"x": 1}, [[...[{"x": 2}]...]]]
        var chain: JSONValue = [["x": 2]]
        for _ in 0..<depth { chain = .array([chain]) }
        var input: JSONValue = [["x": 1], chain]
        chain = .null
        defer { letGoOfDeepArrays(&input) }
        #expect(try JSONPath(text).select(in: input) == expected)
    }

    @Test(arguments: ["$.a.length()", "$.a[", "x", "$.a[(@.length-1)]"])
    func rejectsUnsupportedSyntax(text: String) {
        #expect(throws: DefinitionError.self) { try JSONPath(text) }
    }
}

/// Releases arrays nested far deeper than stepd ever holds (through their last elements) one
/// level at a time: Swift releases a nested value recursively, which would overflow the stack.
/// `value` must be the only holder.
func letGoOfDeepArrays(_ value: inout JSONValue) {
    var current = value
    value = .null
    while let next = current.arrayValue?.last { current = next }
}
