import EventPatterns
import JSON
import Testing

struct InvalidPatternCase: Sendable, CustomTestStringConvertible {
    let pattern: String
    let fragment: String
    var testDescription: String { pattern }
    init(_ pattern: String, _ fragment: String) {
        self.pattern = pattern
        self.fragment = fragment
    }
}

@Test(arguments: [
    InvalidPatternCase(#"["aws.ec2"]"#, "Filter is not an object"),
    InvalidPatternCase(#""source""#, "Filter is not an object"),
    InvalidPatternCase(#"{"source": "aws.ec2"}"#, "\"source\" must be an object or an array"),
    InvalidPatternCase(#"{"detail": {"n": 5}}"#, "\"n\" must be an object or an array"),
    InvalidPatternCase(#"{}"#, "Empty objects are not allowed"),
    InvalidPatternCase(#"{"detail": {}}"#, "Empty objects are not allowed"),
    InvalidPatternCase(#"{"source": []}"#, "Empty arrays are not allowed"),
    InvalidPatternCase(#"{"source": [["a"]]}"#, "Match value must be String, number, true, false, or null"),
    InvalidPatternCase(#"{"source": [{}]}"#, "Match expression name not found"),
    InvalidPatternCase(#"{"source": [{"prefix": "a", "suffix": "b"}]}"#, "Only one key allowed in match expression"),
    InvalidPatternCase(#"{"source": [{"regex": "a.*"}]}"#, "Unrecognized match type regex"),
    InvalidPatternCase(#"{"source": [{"prefix": 5}]}"#, "prefix match pattern must be a string"),
    InvalidPatternCase(#"{"source": [{"prefix": {"wildcard": "a"}}]}"#, "prefix match pattern must be a string"),
    InvalidPatternCase(#"{"source": [{"suffix": null}]}"#, "suffix match pattern must be a string"),
    InvalidPatternCase(#"{"source": [{"equals-ignore-case": 1}]}"#, "equals-ignore-case match pattern must be a string"),
    InvalidPatternCase(#"{"source": [{"wildcard": "a**b"}]}"#, "Consecutive wildcard characters at pos 2"),
    InvalidPatternCase(#"{"source": [{"wildcard": "a\\b"}]}"#, "Invalid escape character at pos 1"),
    InvalidPatternCase(#"{"source": [{"exists": "yes"}]}"#, "exists match pattern must be either true or false."),
    InvalidPatternCase(#"{"n": [{"numeric": 5}]}"#, "Value of numeric must be an array."),
    InvalidPatternCase(#"{"n": [{"numeric": [5]}]}"#, "Invalid member in numeric match: 5"),
    InvalidPatternCase(#"{"n": [{"numeric": ["!=", 5]}]}"#, "Unrecognized numeric range operator: !="),
    InvalidPatternCase(#"{"n": [{"numeric": [">", "5"]}]}"#, "Value of > must be numeric"),
    InvalidPatternCase(#"{"n": [{"numeric": ["=", 5, "<", 6]}]}"#, "Too many elements in numeric expression"),
    InvalidPatternCase(#"{"n": [{"numeric": [">", 5, ">", 6]}]}"#, "Bad numeric range operator: >"),
    InvalidPatternCase(#"{"n": [{"numeric": [">", 5, 6]}]}"#, "Bad value in numeric range: 6"),
    InvalidPatternCase(#"{"n": [{"numeric": [">", 5, "<", "x"]}]}"#, "Value of < must be numeric"),
    InvalidPatternCase(#"{"n": [{"numeric": [">", 5, "<", 9, 1]}]}"#, "Too many terms in numeric range expression"),
    InvalidPatternCase(#"{"n": [{"numeric": [">", 5, "<", 5]}]}"#, "Bottom must be less than top"),
    InvalidPatternCase(#"{"s": [{"anything-but": true}]}"#, "Value of anything-but must be an array or single string/number value."),
    InvalidPatternCase(#"{"s": [{"anything-but": ["a", 1]}]}"#, "mixed type is not supported"),
    InvalidPatternCase(#"{"s": [{"anything-but": []}]}"#, "mixed type is not supported"),
    InvalidPatternCase(#"{"s": [{"anything-but": [null]}]}"#, "start|null|boolean is not supported"),
    InvalidPatternCase(#"{"s": [{"anything-but": {"numeric": [">", 1]}}]}"#, "Unsupported anything-but pattern: numeric"),
    InvalidPatternCase(#"{"s": [{"anything-but": {"prefix": ""}}]}"#, "Null prefix/suffix not allowed"),
    InvalidPatternCase(#"{"s": [{"anything-but": {"prefix": 1}}]}"#, "prefix match pattern must be a string"),
    InvalidPatternCase(#"{"s": [{"anything-but": {}}]}"#, "Anything-But expression name not found"),
    InvalidPatternCase(#"{"ip": [{"cidr": "10.0.0.0"}]}"#, "Malformed CIDR, one '/' required"),
    InvalidPatternCase(#"{"ip": [{"cidr": "10.0.0.256/8"}]}"#, "Nonstandard IP address: 10.0.0.256"),
    InvalidPatternCase(#"{"ip": [{"cidr": "10.0.0.0/33"}]}"#, "Invalid CIDR mask bits: 33"),
    InvalidPatternCase(#"{"$or": {"a": ["b"]}}"#, "It must be an Array followed with $or."),
    InvalidPatternCase(#"{"$or": [{"a": ["b"]}]}"#, "There must have at least 2 Objects in $or relationship."),
    InvalidPatternCase(#"{"$or": [{"a": ["b"]}, "c"]}"#, "Only JSON object is allowed in array of $or relationship."),
    InvalidPatternCase(#"{"source": [}"#, "not valid JSON"),
])
func invalidPatternIsRefused(_ testCase: InvalidPatternCase) {
    do {
        _ = try EventPattern(text: testCase.pattern)
        Issue.record("accepted an invalid pattern")
    } catch {
        #expect(error.message.hasPrefix("Event pattern is not valid. Reason: "))
        #expect(error.message.contains(testCase.fragment), "\(error.message)")
    }
}

@Test func errorNamesThePath() {
    #expect(throws: EventPatternError("Event pattern is not valid. Reason: Empty arrays are not allowed (at 'detail.state')")) {
        try EventPattern(text: #"{"detail": {"state": []}}"#)
    }
}

@Test(arguments: [
    #"{"source": ["a", 1, true, false, null, {"exact": "b"}]}"#,
    #"{"detail": {"a": {"b": {"c": [{"exists": false}]}}}}"#,
    #"{"x": [{"prefix": ""}]}"#,
    #"{"x": [{"wildcard": "a\\*b\\\\c*"}]}"#,
    #"{"x": [{"numeric": ["<=", -1.5e3]}]}"#,
    #"{"x": [{"anything-but": {"wildcard": ["*/lib/*", "*/bin/*"]}}]}"#,
])
func validPatternIsAccepted(_ text: String) throws {
    _ = try EventPattern(text: text)
}

/// `{"source":["<filler>"]}`, `length` characters long, compact as the JSON one serializes.
private func patternText(length: Int, filler: Character = "x") -> String {
    #"{"source":[""# + String(repeating: filler, count: length - 15) + #""]}"#
}

/// `levels` objects nested through fields `a`, the innermost matching `["v"]`.
private func nestedPattern(levels: Int) -> JSONValue {
    var pattern: JSONValue = ["a": ["v"]]
    for _ in 1..<levels { pattern = ["a": pattern] }
    return pattern
}

/// `count` fields, each an object holding a `$or` of two alternatives: 2^count combinations.
private func parallelOrs(_ count: Int) -> JSONValue {
    .object(Dictionary(uniqueKeysWithValues: (0..<count).map { ("f\($0)", JSONValue.object(["$or": [["a": [1]], ["b": [1]]]])) }))
}

/// Issue #15, item 6: the pattern's length is bounded as PutRule's (4,096 characters,
/// botocore), and the compiler's own work: nesting, and the combinations `$or` makes.
@Test(arguments: [
    (patternText(length: 4_096), true, ""),
    (patternText(length: 4_096, filler: "é"), true, ""),
    (patternText(length: 4_097), false, "the pattern is longer than 4096 characters"),
    (nestedPattern(levels: 64).serialized(), true, ""),
    (nestedPattern(levels: 65).serialized(), false, "Objects nest more than 64 levels"),
    (parallelOrs(9).serialized(), true, ""),
    (parallelOrs(10).serialized(), false, "Rule is too complex: its $or alternatives make more than 1000 combinations"),
    // The alternatives of one $or add up: 512 + 512.
    (JSONValue.object(["$or": [parallelOrs(9), parallelOrs(9)]]).serialized(), false, "more than 1000 combinations"),
] as [(String, Bool, String)])
func patternsAreBounded(text: String, accepted: Bool, fragment: String) throws {
    let json = try JSONValue(parsing: text)
    if accepted {
        _ = try EventPattern(text: text)
        _ = try EventPattern(json: json)
    } else {
        for attempt in [{ try EventPattern(text: text) }, { try EventPattern(json: json) }] as [() throws -> EventPattern] {
            do {
                _ = try attempt()
                Issue.record("accepted a pattern past a bound")
            } catch let error as EventPatternError {
                #expect(error.message.hasPrefix("Event pattern is not valid. Reason: "))
                #expect(error.message.contains(fragment), "\(error.message)")
            }
        }
    }
}
