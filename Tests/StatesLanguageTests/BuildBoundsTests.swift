import JSON
import Testing

@testable import StatesLanguage

/// `depth` arrays around `innermost`.
private func deepArray(_ depth: Int, innermost: JSONValue = 1) -> JSONValue {
    var value = innermost
    for _ in 0..<depth { value = .array([value]) }
    return value
}

private let hundredK = String(repeating: "x", count: 100_000)
private let bigInput: JSONValue = [
    "big": .string(hundredK), "commas": .string(String(repeating: "a,", count: 50_000)),
    "quotes": .string(String(repeating: "\"", count: 60_000)), "list": .array(Array(repeating: 1, count: 50_000)),
    "deep": deepArray(500), "deeper": deepArray(511), "obj": ["d": deepArray(511)],
    "deepText": .string(String(repeating: "[", count: 512) + String(repeating: "]", count: 512)),
]

/// A template of `count` members `k0.$` ... each holding `expression`.
private func repeated(_ expression: String, _ count: Int) -> JSONValue {
    .object(Dictionary(uniqueKeysWithValues: (0..<count).map { ("k\($0).$", JSONValue.string(expression)) }))
}

/// Issue #15, items 2 and 4: values built from input are bounded while they are built: larger
/// than a payload (256 KiB of text) is States.DataLimitExceeded, deeper than 512 levels is
/// States.Runtime, each naming what was too large or deep and where.
@Suite struct BuildBoundsTests {
    @Test(arguments: [
        // Three copies of a 100 KB string: refused at the third, before it is kept.
        (["a.$": "$.big", "b.$": "$.big", "c.$": "$.big"], "States.DataLimitExceeded", ["262144 bytes", "'c.$'"]),
        // Many copies of one value.
        (repeated("$.list", 100), "States.DataLimitExceeded", ["262144 bytes", "'Parameters'"]),
        // Functions that write text stop at a payload's length.
        (["f.$": "States.Format('{}{}{}', $.big, $.big, $.big)"], "States.DataLimitExceeded", ["States.Format", "262144"]),
        (["j.$": "States.JsonToString($)"], "States.DataLimitExceeded", ["States.JsonToString", "262144"]),
        (
            ["j.$": "States.JsonToString(States.JsonToString(States.JsonToString($.quotes)))"], "States.DataLimitExceeded",
            ["States.JsonToString", "262144"]
        ),
        // Many calls that read a large value, each result small: the reading is bounded too.
        (
            repeated("States.ArrayLength(States.StringSplit($.commas, ','))", 50), "States.DataLimitExceeded",
            ["8388608 bytes", "States.StringSplit"]
        ),
        (repeated("States.ArrayUnique($.list)", 100), "States.DataLimitExceeded", ["8388608 bytes", "States.ArrayUnique"]),
        // Deep values placed deep.
        (["x": deepArray(20, innermost: ["v.$": "$.deep"])], "States.Runtime", ["deeper than 512", "'v.$'"]),
        (["x": ["y.$": "States.StringToJson($.deepText)"]], "States.Runtime", ["deeper than 512", "'y.$'"]),
        (["a.$": "States.Array(States.Array($.deeper))"], "States.Runtime", ["deeper than 512", "'a.$'"]),
        (["m.$": "States.JsonMerge($.obj, $.obj, false)"], "States.Runtime", ["deeper than 512", "'m.$'"]),
        // Paths whose selections multiply: `..*` after `..*` on a value nested 500 deep selects
        // some 20 million values from 1 KB. The work of a field's paths is bounded as they select.
        (["x.$": "$.deep..*..*..*"], "States.Runtime", ["'$.deep..*..*..*' visits more than 2000000 values"]),
        (["x.$": "$.deep..*..*..*..*..*..*"], "States.Runtime", ["visits more than 2000000 values"]),
        (["x.$": "States.ArrayLength($.deep..*..*..*)"], "States.Runtime", ["visits more than 2000000 values"]),
    ] as [(JSONValue, String, [String])])
    func templatesAreBoundedWhileBuilt(template: JSONValue, error: String, fragments: [String]) throws {
        let compiled = try PayloadTemplate(json: template, field: "Parameters")
        let failure = #expect(throws: StatesError.self) { try compiled.evaluate(input: bigInput, context: [:]) }
        #expect(failure?.name == error)
        for fragment in fragments { #expect(failure?.cause.contains(fragment) == true, "\(failure?.cause ?? "")") }
    }

    /// The count is exact: a payload of 262,144 bytes is built, one of 262,145 is not.
    /// `{"a":"<s>","b":[1,{"c":"é"}]}` is 27 bytes and the string.
    @Test(arguments: [(262_117, true), (262_118, false)])
    func aPayloadOfExactlyTheLimitIsBuilt(length: Int, built: Bool) throws {
        let template = try PayloadTemplate(json: ["a.$": "$.s", "b": [1, ["c": "é"]]], field: "Parameters")
        let input: JSONValue = ["s": .string(String(repeating: "x", count: length))]
        if built {
            #expect(try template.evaluate(input: input, context: [:]).serialized().utf8.count == 262_144)
        } else {
            let error = #expect(throws: StatesError.self) { try template.evaluate(input: input, context: [:]) }
            #expect(error?.name == StatesError.dataLimitExceeded)
        }
    }

    @Test(arguments: [(511, true), (512, false)])
    func aPayloadOfExactlyTheDepthIsBuilt(inputDepth: Int, built: Bool) throws {
        let template = try PayloadTemplate(json: ["v.$": "$.d"], field: "Parameters")
        let input: JSONValue = ["d": deepArray(inputDepth)]
        if built {
            #expect(try template.evaluate(input: input, context: [:]).extent().depth == 512)
        } else {
            #expect(throws: StatesError.self) { try template.evaluate(input: input, context: [:]) }
        }
    }

    @Test(arguments: [(511, true), (512, false)])
    func templatesDeeperThanTheParserReadsAreRefused(depth: Int, accepted: Bool) {
        let template = JSONValue.object(["x": deepArray(depth)])
        if accepted {
            #expect(throws: Never.self) { try PayloadTemplate(json: template, field: "Parameters") }
        } else {
            let error = #expect(throws: DefinitionError.self) { try PayloadTemplate(json: template, field: "Parameters") }
            #expect(error?.message.contains("nests deeper than 512 levels") == true, "\(error?.message ?? "")")
        }
    }

    @Test(arguments: [
        ("$.a", ["a": "x", "b": .string(hundredK + hundredK)] as JSONValue, JSONValue.string(hundredK),
         "States.DataLimitExceeded", ["262144", "'$.a'"]),
        ("$.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t", [:], deepArray(500), "States.Runtime", ["deeper than 512", "$.a.b.c"]),
    ] as [(String, JSONValue, JSONValue, String, [String])])
    func resultPathOutputsAreBounded(path: String, input: JSONValue, result: JSONValue, error: String, fragments: [String])
        throws
    {
        let failure = #expect(throws: StatesError.self) { try ResultPath(json: .string(path)).apply(result: result, to: input) }
        #expect(failure?.name == error)
        for fragment in fragments { #expect(failure?.cause.contains(fragment) == true, "\(failure?.cause ?? "")") }
    }

    /// `$` and `null` build nothing: the result, or the input, is passed on as it is.
    @Test func resultPathRootAndNullBuildNothing() throws {
        let large: JSONValue = .string(hundredK + hundredK + hundredK)
        #expect(try ResultPath.default.apply(result: large, to: [:]) == large)
        #expect(try ResultPath.discard.apply(result: 1, to: large) == large)
    }
}
