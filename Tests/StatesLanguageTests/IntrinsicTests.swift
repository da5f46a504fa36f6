import JSON
import Testing

@testable import StatesLanguage

private let oneToNine: JSONValue = [1, 2, 3, 4, 5, 6, 7, 8, 9]

@Suite struct IntrinsicTests {
    /// The examples of the AWS "Intrinsic functions" page.
    @Test(arguments: [
        ("States.Format('Hello, my name is {}.', $.name)", ["name": "Arnav"], "Hello, my name is Arnav."),
        ("States.StringToJson($.escapedJsonString)", ["escapedJsonString": "{\"foo\": \"bar\"}"], ["foo": "bar"]),
        ("States.JsonToString($.unescapedJson)", ["unescapedJson": ["foo": "bar"]], "{\"foo\":\"bar\"}"),
        (
            "States.Array('Foo', 2020, $.someJson, null)", ["someJson": ["random": "abcdefg"]],
            ["Foo", 2020, ["random": "abcdefg"], .null]
        ),
        ("States.ArrayPartition($.inputArray,4)", ["inputArray": oneToNine], [[1, 2, 3, 4], [5, 6, 7, 8], [9]]),
        ("States.ArrayContains($.inputArray, $.lookingFor)", ["inputArray": oneToNine, "lookingFor": 5], true),
        ("States.ArrayContains($.inputArray, 10)", ["inputArray": oneToNine], false),
        ("States.ArrayRange(1, 9, 2)", [:], [1, 3, 5, 7, 9]),
        ("States.ArrayRange(5, 1, -2)", [:], [5, 3, 1]),
        ("States.ArrayGetItem($.inputArray, $.index)", ["inputArray": oneToNine, "index": 5], 6),
        ("States.ArrayLength($.inputArray)", ["inputArray": oneToNine], 9),
        ("States.ArrayUnique($.inputArray)", ["inputArray": [1, 2, 3, 3, 3, 3, 3, 3, 4]], [1, 2, 3, 4]),
        ("States.Base64Encode($.input)", ["input": "Data to encode"], "RGF0YSB0byBlbmNvZGU="),
        ("States.Base64Decode($.base64)", ["base64": "RGF0YSB0byBlbmNvZGU="], "Data to encode"),
        ("States.Hash($.Data, $.Algorithm)", ["Data": "input data", "Algorithm": "SHA-1"], "aaff4a450a104cd177d28d18d74485e8cae074b7"),
        ("States.Hash('input data', 'MD5')", [:], "812f45842bc6d66ee14572ce20db8e86"),
        ("States.Hash('input data', 'SHA-256')", [:], "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"),
        (
            "States.Hash('input data', 'SHA-384')", [:],
            "d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562"
        ),
        (
            "States.Hash('input data', 'SHA-512')", [:],
            "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4"
        ),
        ("States.Hash('', 'MD5')", [:], "d41d8cd98f00b204e9800998ecf8427e"),
        (
            "States.JsonMerge($.json1, $.json2, false)",
            ["json1": ["a": ["a1": 1, "a2": 2], "b": 2], "json2": ["a": ["a3": 1, "a4": 2], "c": 3]],
            ["a": ["a3": 1, "a4": 2], "b": 2, "c": 3]
        ),
        ("States.MathAdd($.value1, $.step)", ["value1": 111, "step": -1], 110),
        ("States.StringSplit($.inputString, $.splitter)", ["inputString": "1,2,3,4,5", "splitter": ","], ["1", "2", "3", "4", "5"]),
        (
            "States.StringSplit($.inputString, $.splitter)", ["inputString": "This.is+a,test=string", "splitter": ".+,="],
            ["This", "is", "a", "test", "string"]
        ),
        // Escapes in string literals and nesting.
        ("States.Format('It\\'s {} \\{literal\\}', $.x)", ["x": 42], "It's 42 {literal}"),
        ("States.Format('{} and {}', true, null)", [:], "true and null"),
        ("States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.arn, '/'), 2), '.'), 1)",
         ["arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/myrecipe/1.2.3"], "2"),
        ("States.ArrayLength($.list[*].id)", ["list": [["id": 1], ["id": 2], ["name": 3]]], 2),
        ("States.Format('{}', $$.Execution.Name)", [:], "exec-1"),
    ] as [(String, JSONValue, JSONValue)])
    func evaluatesDocumentedExamples(expression: String, input: JSONValue, expected: JSONValue) throws {
        let compiled = try IntrinsicExpression(expression)
        #expect(try compiled.evaluate(input: input, context: ["Execution": ["Name": "exec-1"]]) == expected)
    }

    @Test(arguments: [
        ("States.ArrayGetItem($.a, 3)", ["a": [1, 2]]),
        ("States.ArrayPartition($.a, 0)", ["a": [1, 2]]),
        ("States.MathAdd($.a, 1)", ["a": "one"]),
        ("States.ArrayRange(1, 2000, 1)", [:]),
        ("States.StringToJson($.a)", ["a": "{not json"]),
        ("States.Base64Decode($.a)", ["a": "%%%"]),
        ("States.Hash('x', 'SHA-999')", [:]),
        ("States.JsonMerge($.a, $.a, true)", ["a": [:]]),
        ("States.Format('{} {}', 1)", [:]),
        ("States.ArrayLength($.a)", ["a": "not an array"]),
        ("States.MathRandom(5, 5)", [:]),
    ] as [(String, JSONValue)])
    func badArgumentsAreIntrinsicFailures(expression: String, input: JSONValue) throws {
        let compiled = try IntrinsicExpression(expression)
        let error = #expect(throws: StatesError.self) { try compiled.evaluate(input: input, context: [:]) }
        #expect(error?.name == "States.IntrinsicFailure")
        #expect(error?.cause.contains(expression.prefix { $0 != "(" }) == true)
    }

    /// Issue #16: AWS rounds non-integer arguments of MathAdd to the nearest integer, halves
    /// toward positive infinity (Java's `Math.round`), each argument before adding. The first
    /// five were recorded on AWS (localstack's snapshot of `test_math_add`); the page:
    /// https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html#asl-intrsc-func-math-operation
    @Test(arguments: [
        (-9, 3, -6),
        (1.49, 1.5, 3),
        (1.5, 1.51, 4),
        (-1.49, -1.5, -2),
        (-1.5, -1.51, -3),
        (2.5, 0, 3),
        (-2.5, 0, -2),
        (-0.5, 0.5, 1),
        (0.49999999999999994, 0, 0),
        (111, -1, 110),
    ] as [(Double, Double, Double)])
    func mathAddRoundsEachArgument(first: Double, second: Double, sum: Double) throws {
        let compiled = try IntrinsicExpression("States.MathAdd($.a, $.b)")
        #expect(try compiled.evaluate(input: ["a": .number(first), "b": .number(second)], context: [:]) == .number(sum))
    }

    /// MathRandom rounds its start and end the same way (the same page); AWS ran
    /// `States.MathRandom` with 12.5 and 44.51 (localstack's `test_math_random`).
    @Test(arguments: 0..<20)
    func mathRandomRoundsStartAndEnd(seed: Int) throws {
        var generator = SplitMix64(seed: UInt64(seed))
        let value = try IntrinsicExpression("States.MathRandom($.start, $.end)").evaluate(
            input: ["start": 12.5, "end": 44.51], context: [:], field: "r.$", using: &generator)
        let number = try #require(value.intValue)
        #expect((13..<45).contains(number))
    }

    @Test(arguments: [
        ("States.MathAdd($.a, 1)", ["a": "1"], "Invalid arguments in States.MathAdd: argument 1 must be a number, not the string '1'"),
        ("States.MathAdd($.a, 1)", ["a": 1e300], "Invalid arguments in States.MathAdd: argument 1 is out of range (integers must be smaller than 9000000000000000 in magnitude)"),
        ("States.MathRandom($.a, 2)", ["a": true], "Invalid arguments in States.MathRandom: argument 1 must be a number, not the boolean true"),
    ] as [(String, JSONValue, String)])
    func roundedArgumentsMustBeNumbers(expression: String, input: JSONValue, cause: String) throws {
        let error = #expect(throws: StatesError.self) { try IntrinsicExpression(expression).evaluate(input: input, context: [:]) }
        #expect(error?.name == "States.IntrinsicFailure")
        #expect(error?.cause == cause)
    }

    /// Issue #16: what AWS's StringToJson returns, as recorded on AWS (localstack's snapshot of
    /// `test_string_to_json`): an empty string, or one of whitespace only, is null.
    /// https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html#asl-intrsc-func-json-manipulate
    @Test(arguments: [
        ("", .null),
        (" ", .null),
        (" \t\r\n", .null),
        ("null", .null),
        ("-0", 0),
        ("1", 1),
        ("1.1", 1.1),
        ("true", true),
        ("\"HelloWorld\"", "HelloWorld"),
        ("[1, 2, \"HelloWorld\"]", [1, 2, "HelloWorld"]),
        ("{\"Arg1\": 1, \"Arg2\": []}", ["Arg1": 1, "Arg2": []]),
        ("  {\"a\": 1}\n", ["a": 1]),
    ] as [(String, JSONValue)])
    func stringToJsonAsAWSReadsIt(text: String, expected: JSONValue) throws {
        let compiled = try IntrinsicExpression("States.StringToJson($.s)")
        #expect(try compiled.evaluate(input: ["s": .string(text)], context: [:]) == expected)
    }

    /// Issue #16: States.Format writes a value that is not a string as Java's `toString` does:
    /// objects as `{name=value, ...}`, arrays as `[a, b]`, strings inside them unquoted. The
    /// first cases were recorded on AWS (localstack's snapshot of `test_format_2`, and
    /// `test_context_json_path`: `{Id=arn:..., Name=...}`).
    /// https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html#asl-intrsc-func-generic
    @Test(arguments: [
        (["Arg1": 1, "Arg2": []], "{Arg1=1, Arg2=[]}"),
        ("{\"Arg1\": 1, \"Arg2\": []}", "{\"Arg1\": 1, \"Arg2\": []}"),
        (1.1, "1.1"),
        (1, "1"),
        ("", ""),
        (["Id": "arn:aws:states:us-east-1:1:stateMachine:m", "Name": "m"], "{Id=arn:aws:states:us-east-1:1:stateMachine:m, Name=m}"),
        ([1, "two", JSONValue.null, true, ["a": ["b", 2]]], "[1, two, null, true, {a=[b, 2]}]"),
        ([:], "{}"),
        ([], "[]"),
    ] as [(JSONValue, String)])
    func formatWritesValuesAsJavaDoes(value: JSONValue, expected: String) throws {
        let compiled = try IntrinsicExpression("States.Format('Formatting arguments fst={} and snd={}.', $.v, $.v)")
        #expect(
            try compiled.evaluate(input: ["v": value], context: [:])
                == .string("Formatting arguments fst=\(expected) and snd=\(expected)."))
    }

    @Test func formatOfALargeObjectStopsAtAPayload() throws {
        let large: JSONValue = .object(Dictionary(uniqueKeysWithValues: (0..<3_000).map { ("key\($0)", .string(String(repeating: "x", count: 100))) }))
        let error = #expect(throws: StatesError.self) {
            try IntrinsicExpression("States.Format('{}', $.v)").evaluate(input: ["v": large], context: [:], field: "CausePath")
        }
        #expect(error?.name == "States.DataLimitExceeded")
        #expect(error?.cause.contains("States.Format would write a string longer than the payload limit") == true, "\(error?.cause ?? "")")
    }

    @Test func missingPathArgumentIsARuntimeError() throws {
        let compiled = try IntrinsicExpression("States.Format('{}', $.missing)")
        let error = #expect(throws: StatesError.self) { try compiled.evaluate(input: [:], context: [:], field: "greeting.$") }
        #expect(error?.name == "States.Runtime")
        #expect(error?.cause.contains("'$.missing' specified for the field 'greeting.$'") == true)
    }

    @Test(arguments: [
        ("States.Unknown()", "not an intrinsic function"),
        ("States.UUID(1)", "takes no arguments"),
        ("States.ArrayRange(1, 2)", "takes 3 arguments"),
        ("States.Format(1, 2)", "must be a string"),
        ("States.Format('x'", "missing ')'"),
        ("States.Format('x) ", "unterminated string"),
        ("States.Array($.a[?(@.b)])", "filters are not supported in intrinsic function arguments"),
        ("States.Array(foo)", "'foo' is not a valid argument"),
        ("States.Array() extra", "unexpected text"),
        (
            "States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array())))))))))))",
            "more than 10 nested"
        ),
    ])
    func rejectsMalformedCalls(expression: String, fragment: String) {
        let error = #expect(throws: DefinitionError.self) { try IntrinsicExpression(expression) }
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
    }

    /// Issue #15: a call may have at most 256 arguments (AWS states no bound; ours keeps one
    /// call from holding tens of thousands of values).
    @Test(arguments: [(256, true), (257, false)])
    func argumentsAreBounded(count: Int, accepted: Bool) throws {
        let text = "States.Array(" + Array(repeating: "1", count: count).joined(separator: ", ") + ")"
        if accepted {
            #expect(try IntrinsicExpression(text).evaluate(input: [:], context: [:]).arrayValue?.count == count)
        } else {
            let error = #expect(throws: DefinitionError.self) { try IntrinsicExpression(text) }
            #expect(error?.message.contains("States.Array has more than 256 arguments") == true, "\(error?.message ?? "")")
        }
    }

    /// Issue #15: arithmetic on integers from input is checked; results stay integers a JSON
    /// number holds exactly (below 9e15, as `intValue` reads them).
    @Test(arguments: [
        ("States.MathAdd(8999999999999999, 1)", nil),
        ("States.MathAdd(-8999999999999999, -8999999999999999)", nil),
        ("States.MathAdd(8999999999999998, 1)", 8_999_999_999_999_999),
        ("States.ArrayRange(-8999999999999999, 8999999999999999, 1)", nil),
        ("States.ArrayRange(8999999999999999, -8999999999999999, -8999999999999999)", [8_999_999_999_999_999, 0, -8_999_999_999_999_999]),
        ("States.ArrayPartition(States.Array(1, 2, 3), 8999999999999999)", [[1, 2, 3]]),
        ("States.ArrayGetItem(States.Array(1, 2, 3), 8999999999999999)", nil),
        ("States.ArrayGetItem(States.Array(1, 2, 3), -8999999999999999)", nil),
        ("States.MathRandom(-8999999999999999, 8999999999999999, 8999999999999999)", nil),
    ] as [(String, JSONValue?)])
    func integerArithmeticIsChecked(expression: String, expected: JSONValue?) throws {
        let compiled = try IntrinsicExpression(expression)
        if let expected {
            #expect(try compiled.evaluate(input: [:], context: [:]) == expected)
        } else if expression.hasPrefix("States.MathRandom") {
            let value = try compiled.evaluate(input: [:], context: [:])
            #expect(value.intValue.map { abs($0) < 9_000_000_000_000_000 } == true)
        } else {
            let error = #expect(throws: StatesError.self) { try compiled.evaluate(input: [:], context: [:]) }
            #expect(error?.name == "States.IntrinsicFailure")
        }
    }

    /// A call used alone (`ErrorPath`, `CausePath`) is a built value like a template's.
    @Test(arguments: [
        ("States.Format('{}{}{}', $.s, $.s, $.s)", "States.Format would write a string longer than the payload limit of 262144 bytes"),
        ("States.JsonToString(States.Array($.s, $.s, $.s))", "States.JsonToString would write a string longer"),
    ])
    func textFunctionsStopAtAPayload(expression: String, cause: String) throws {
        let input: JSONValue = ["s": .string(String(repeating: "x", count: 100_000))]
        let error = #expect(throws: StatesError.self) {
            try IntrinsicExpression(expression).evaluate(input: input, context: [:], field: "CausePath")
        }
        #expect(error?.name == "States.DataLimitExceeded")
        #expect(error?.cause.contains(cause) == true, "\(error?.cause ?? "")")
    }

    @Test func tenNestedCallsAreAllowed() throws {
        let text = String(repeating: "States.Array(", count: 10) + String(repeating: ")", count: 10)
        #expect(try IntrinsicExpression(text).evaluate(input: [:], context: [:]) == [[[[[[[[[[]]]]]]]]]])
    }

    @Test func uuidIsVersion4AndInjectable() throws {
        let compiled = try IntrinsicExpression("States.UUID()")
        var first = SplitMix64(seed: 7)
        var second = SplitMix64(seed: 7)
        let a = try compiled.evaluate(input: [:], context: [:], field: "id.$", using: &first)
        let b = try compiled.evaluate(input: [:], context: [:], field: "id.$", using: &second)
        #expect(a == b)
        let text = try #require(a.stringValue)
        let groups = text.split(separator: "-").map(\.count)
        #expect(groups == [8, 4, 4, 4, 12])
        #expect(Array(text)[14] == "4")
        #expect("89ab".contains(Array(text)[19]))
    }

    @Test(arguments: 0..<20)
    func mathRandomStaysInRange(seed: Int) throws {
        var generator = SplitMix64(seed: UInt64(seed))
        let value = try IntrinsicExpression("States.MathRandom($.start, $.end)").evaluate(
            input: ["start": 1, "end": 10], context: [:], field: "r.$", using: &generator)
        let number = try #require(value.intValue)
        #expect((1..<10).contains(number))
    }

    @Test func mathRandomWithSeedIsRepeatable() throws {
        let compiled = try IntrinsicExpression("States.MathRandom(1, 1000, 42)")
        #expect(try compiled.evaluate(input: [:], context: [:]) == compiled.evaluate(input: [:], context: [:]))
    }
}
