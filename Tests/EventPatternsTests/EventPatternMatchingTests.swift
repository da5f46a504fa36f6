import EventPatterns
import JSON
import Testing

/// The example event of "Content filtering in Amazon EventBridge event patterns", with the
/// fields the examples there refer to.
private let ec2Event = """
    {
      "version": "0",
      "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
      "detail-type": "EC2 Instance State-change Notification",
      "source": "aws.ec2",
      "account": "111122223333",
      "time": "2017-12-22T18:43:48Z",
      "region": "us-west-1",
      "resources": [
        "arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"
      ],
      "detail": {
        "instance-id": "i-1234567890abcdef0",
        "state": "terminated",
        "c-count": 5,
        "d-count": 3,
        "x-limit": 301.8,
        "source-ip": "10.0.0.123",
        "FileName": "photo.PNG",
        "eventVersion": "",
        "responseElements": null,
        "tags": ["blue", "prod"],
        "location": { "city": "Seattle", "zip": 98101 },
        "items": [ { "kind": "book", "price": 12 }, { "kind": "pen", "price": 2 } ]
      }
    }
    """

struct MatchCase: Sendable, CustomTestStringConvertible {
    let pattern: String
    let matches: Bool
    let note: String
    var testDescription: String { "\(matches ? "matches" : "no match"): \(note)" }
    init(_ note: String, _ pattern: String, _ matches: Bool) {
        self.note = note
        self.pattern = pattern
        self.matches = matches
    }
}

private let cases: [MatchCase] = [
    // Exact values, AND across fields, OR within a list.
    MatchCase("source exact", #"{"source": ["aws.ec2"]}"#, true),
    MatchCase("source is case-sensitive", #"{"source": ["AWS.EC2"]}"#, false),
    MatchCase("any of a list", #"{"source": ["aws.s3", "aws.ec2"]}"#, true),
    MatchCase("every field must match", #"{"source": ["aws.ec2"], "detail-type": ["nope"]}"#, false),
    MatchCase("nested detail", #"{"detail": {"state": ["terminated"]}}"#, true),
    MatchCase("nested two deep", #"{"detail": {"location": {"city": ["Seattle"]}}}"#, true),
    MatchCase("nested two deep, other value", #"{"detail": {"location": {"city": ["Boston"]}}}"#, false),
    MatchCase("missing field", #"{"detail": {"colour": ["red"]}}"#, false),
    MatchCase("number equals 5.0", #"{"detail": {"c-count": [5.0]}}"#, true),
    MatchCase("number is not a string", #"{"detail": {"c-count": ["5"]}}"#, false),
    MatchCase("string is not a number", #"{"detail": {"eventVersion": [0]}}"#, false),
    MatchCase("zip number nested", #"{"detail": {"location": {"zip": [98101]}}}"#, true),
    MatchCase("empty string", #"{"detail": {"eventVersion": [""]}}"#, true),
    MatchCase("null", #"{"detail": {"responseElements": [null]}}"#, true),
    MatchCase("null is not empty string", #"{"detail": {"responseElements": [""]}}"#, false),
    MatchCase("empty string is not null", #"{"detail": {"eventVersion": [null]}}"#, false),
    // Arrays in the event: any element.
    MatchCase("resources array element", #"{"resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"]}"#, true),
    MatchCase("event array any element", #"{"detail": {"tags": ["prod"]}}"#, true),
    MatchCase("event array no element", #"{"detail": {"tags": ["dev"]}}"#, false),
    MatchCase("array of objects, same element", #"{"detail": {"items": {"kind": ["pen"], "price": [2]}}}"#, true),
    MatchCase("array of objects, fields from different elements", #"{"detail": {"items": {"kind": ["pen"], "price": [12]}}}"#, false),
    // prefix / suffix / equals-ignore-case / wildcard.
    MatchCase("prefix", #"{"time": [{"prefix": "2017-12-22"}]}"#, true),
    MatchCase("prefix no", #"{"time": [{"prefix": "2017-10-02"}]}"#, false),
    MatchCase("prefix is case-sensitive", #"{"detail": {"instance-id": [{"prefix": "I-"}]}}"#, false),
    MatchCase("prefix ignore case", #"{"detail": {"instance-id": [{"prefix": {"equals-ignore-case": "I-1234"}}]}}"#, true),
    MatchCase("prefix never matches a number", #"{"detail": {"c-count": [{"prefix": "5"}]}}"#, false),
    MatchCase("suffix is case-sensitive", #"{"detail": {"FileName": [{"suffix": ".png"}]}}"#, false),
    MatchCase("suffix", #"{"detail": {"FileName": [{"suffix": ".PNG"}]}}"#, true),
    MatchCase("suffix ignore case", #"{"detail": {"FileName": [{"suffix": {"equals-ignore-case": ".png"}}]}}"#, true),
    MatchCase("equals-ignore-case", #"{"detail-type": [{"equals-ignore-case": "ec2 instance state-change notification"}]}"#, true),
    MatchCase("equals-ignore-case no", #"{"detail-type": [{"equals-ignore-case": "ec2 instance"}]}"#, false),
    MatchCase("wildcard", #"{"detail": {"FileName": [{"wildcard": "p*.PNG"}]}}"#, true),
    MatchCase("wildcard middle", #"{"resources": [{"wildcard": "arn:aws:ec2:*:instance/*"}]}"#, true),
    MatchCase("wildcard no", #"{"detail": {"FileName": [{"wildcard": "*.png"}]}}"#, false),
    MatchCase("wildcard escaped star is literal", #"{"detail": {"FileName": [{"wildcard": "photo\\*"}]}}"#, false),
    // anything-but.
    MatchCase("anything-but string", #"{"detail": {"state": [{"anything-but": "initializing"}]}}"#, true),
    MatchCase("anything-but the value", #"{"detail": {"state": [{"anything-but": "terminated"}]}}"#, false),
    MatchCase("anything-but list", #"{"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}}"#, true),
    MatchCase("anything-but list containing value", #"{"detail": {"state": [{"anything-but": ["stopped", "terminated"]}]}}"#, false),
    MatchCase("anything-but number", #"{"detail": {"c-count": [{"anything-but": 4}]}}"#, true),
    MatchCase("anything-but the number", #"{"detail": {"c-count": [{"anything-but": [5, 6]}]}}"#, false),
    MatchCase("anything-but on a missing field", #"{"detail": {"colour": [{"anything-but": "red"}]}}"#, false),
    MatchCase("anything-but prefix", #"{"detail": {"state": [{"anything-but": {"prefix": "init"}}]}}"#, true),
    MatchCase("anything-but prefix no", #"{"detail": {"state": [{"anything-but": {"prefix": "term"}}]}}"#, false),
    MatchCase("anything-but suffix", #"{"detail": {"FileName": [{"anything-but": {"suffix": ".PNG"}}]}}"#, false),
    MatchCase("anything-but ignore case", #"{"detail": {"state": [{"anything-but": {"equals-ignore-case": "TERMINATED"}}]}}"#, false),
    MatchCase("anything-but ignore case list", #"{"detail": {"state": [{"anything-but": {"equals-ignore-case": ["A", "B"]}}]}}"#, true),
    MatchCase("anything-but wildcard", #"{"detail": {"FileName": [{"anything-but": {"wildcard": "*.PNG"}}]}}"#, false),
    MatchCase("anything-but on an array: one other element", #"{"detail": {"tags": [{"anything-but": "blue"}]}}"#, true),
    // numeric.
    MatchCase("numeric range", #"{"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}], "d-count": [{"numeric": ["<", 10]}], "x-limit": [{"numeric": ["=", 3.018e2]}]}}"#, true),
    MatchCase("numeric open top", #"{"detail": {"c-count": [{"numeric": [">", 0, "<", 5]}]}}"#, false),
    MatchCase("numeric >=", #"{"detail": {"c-count": [{"numeric": [">=", 5]}]}}"#, true),
    MatchCase("numeric >", #"{"detail": {"c-count": [{"numeric": [">", 5]}]}}"#, false),
    MatchCase("numeric never matches a string", #"{"detail": {"state": [{"numeric": [">", 0]}]}}"#, false),
    // exists.
    MatchCase("exists true", #"{"detail": {"state": [{"exists": true}]}}"#, true),
    MatchCase("exists true on null value", #"{"detail": {"responseElements": [{"exists": true}]}}"#, true),
    MatchCase("exists true on missing", #"{"detail": {"colour": [{"exists": true}]}}"#, false),
    MatchCase("exists false on missing", #"{"detail": {"colour": [{"exists": false}]}}"#, true),
    MatchCase("exists false on present", #"{"detail": {"state": [{"exists": false}]}}"#, false),
    MatchCase("exists false under a missing object", #"{"detail": {"nothing": {"here": [{"exists": false}]}}}"#, true),
    MatchCase("exists works on leaves only: an object is not one", #"{"detail": {"location": [{"exists": true}]}}"#, false),
    MatchCase("numeric inside an array of objects", #"{"detail": {"items": {"price": [{"numeric": ["<", 5]}]}}}"#, true),
    MatchCase("exists false or a value", #"{"detail": {"state": [{"exists": false}, "terminated"]}}"#, true),
    // cidr.
    MatchCase("cidr", #"{"detail": {"source-ip": [{"cidr": "10.0.0.0/24"}]}}"#, true),
    MatchCase("cidr other net", #"{"detail": {"source-ip": [{"cidr": "10.0.1.0/24"}]}}"#, false),
    MatchCase("cidr wide", #"{"detail": {"source-ip": [{"cidr": "10.0.0.0/8"}]}}"#, true),
    // $or.
    MatchCase("$or first", #"{"$or": [{"source": ["aws.ec2"]}, {"detail-type": ["x"]}]}"#, true),
    MatchCase("$or none", #"{"$or": [{"source": ["x"]}, {"detail-type": ["y"]}]}"#, false),
    MatchCase("$or inside detail", #"{"detail": {"$or": [{"c-count": [{"numeric": [">", 10]}]}, {"d-count": [3]}]}}"#, true),
]

@Test(arguments: cases)
func patternMatchesEvent(_ testCase: MatchCase) throws {
    let pattern = try EventPattern(text: testCase.pattern)
    let event = try JSONValue(parsing: ec2Event)
    #expect(pattern.matches(event) == testCase.matches)
}

/// The stepd reference scenario: the job's "End Flow Run Report" and the two rules.
struct FlowReportCase: Sendable {
    let status: String
    let success: Bool
}

@Test(arguments: [
    FlowReportCase(status: "Execution Successful", success: true),
    FlowReportCase(status: "Execution Failed", success: false),
    FlowReportCase(status: "Execution Cancelled", success: false),
])
func flowReportRules(_ testCase: FlowReportCase) throws {
    let event: JSONValue = [
        "version": "0", "id": "1", "detail-type": "AppFlow End Flow Run Report", "source": "aws.appflow",
        "account": "0", "time": "2023-01-01T00:00:00Z", "region": "local", "resources": [],
        "detail": ["flow-name": "hello-flow", "status": .string(testCase.status), "execution-id": "abc"],
    ]
    let success = try EventPattern(text: """
        {"source": ["aws.appflow"], "detail-type": ["AppFlow End Flow Run Report"],
         "detail": {"flow-name": ["hello-flow"], "status": ["Execution Successful"]}}
        """)
    let failure = try EventPattern(text: """
        {"source": ["aws.appflow"], "detail-type": ["AppFlow End Flow Run Report"],
         "detail": {"flow-name": ["hello-flow"], "status": [{"anything-but": "Execution Successful"}]}}
        """)
    #expect(success.matches(event) == testCase.success)
    #expect(failure.matches(event) == !testCase.success)
}

struct IPCase: Sendable {
    let cidr: String
    let address: String
    let matches: Bool
}

@Test(arguments: [
    IPCase(cidr: "192.168.0.0/16", address: "192.168.44.1", matches: true),
    IPCase(cidr: "192.168.0.0/16", address: "192.169.0.1", matches: false),
    IPCase(cidr: "10.0.0.1/32", address: "10.0.0.1", matches: true),
    IPCase(cidr: "0.0.0.0/0", address: "8.8.8.8", matches: true),
    IPCase(cidr: "10.0.0.0/8", address: "not an ip", matches: false),
    IPCase(cidr: "2001:db8::/32", address: "2001:db8:1::5", matches: true),
    IPCase(cidr: "2001:db8::/32", address: "2001:db9::5", matches: false),
    IPCase(cidr: "::ffff:10.0.0.0/120", address: "::ffff:10.0.0.7", matches: true),
    IPCase(cidr: "10.0.0.0/8", address: "::ffff:10.0.0.7", matches: false),
])
func cidrMatching(_ testCase: IPCase) throws {
    let pattern = try EventPattern(json: ["ip": [["cidr": .string(testCase.cidr)]]])
    #expect(pattern.matches(["ip": .string(testCase.address)]) == testCase.matches)
}

@Test func stringsCompareByteForByte() throws {
    // "é" precomposed (U+00E9) and decomposed (e + U+0301) are different bytes.
    let pattern = try EventPattern(json: ["name": ["caf\u{E9}"]])
    #expect(pattern.matches(["name": "caf\u{E9}"]))
    #expect(!pattern.matches(["name": "cafe\u{301}"]))
    let anythingBut = try EventPattern(json: ["name": [["anything-but": "caf\u{E9}"]]])
    #expect(anythingBut.matches(["name": "cafe\u{301}"]))
}

@Test func patternKeepsJSONAsGiven() throws {
    let json: JSONValue = ["source": ["a"], "detail": ["x": [["numeric": [">", 1]]]]]
    #expect(try EventPattern(json: json).json == json)
}

/// Issue #15: one rule with this wildcard against ten 200 KB details took five seconds (the
/// matcher backtracked to its star at every position); it is one pass over the text now.
@Test(arguments: [
    ("*" + String(repeating: "a", count: 4_000) + "b", String(repeating: "a", count: 200_000), false),
    ("*" + String(repeating: "a", count: 4_000) + "b", String(repeating: "a", count: 200_000) + "b", true),
    ("*" + String(repeating: "a", count: 4_000) + "*b*", String(repeating: "a", count: 200_000) + "b", true),
    (#"a\*b*"#, "a*bc", true),
    (#"a\\*"#, #"a\bc"#, true),
    (#"a\*b*"#, "aXbc", false),
] as [(String, String, Bool)])
func wildcardOnLongValues(wildcard: String, value: String, matches: Bool) throws {
    let pattern = try EventPattern(json: ["detail": ["text": [["wildcard": .string(wildcard)]]]])
    #expect(pattern.matches(["detail": ["text": .string(value)]]) == matches)
}

/// Releases a value nested far deeper than stepd ever holds (through last elements and members
/// named "a") one level at a time: Swift releases a nested value recursively, which would
/// overflow the stack. `value` must be the only holder.
private func letGoOfDeepValue(_ value: inout JSONValue) {
    var current = value
    value = .null
    while let next = current.arrayValue?.last ?? current["a"] { current = next }
}

/// `depth` arrays around `innermost`.
private func deepArrays(_ depth: Int, around innermost: JSONValue) -> JSONValue {
    var value = innermost
    for _ in 0..<depth { value = .array([value]) }
    return value
}

/// Issue #15: matching walked an event's nested arrays by recursing, once a level. It keeps
/// its own stack now: arrays nested 100,000 deep are matched, for leaves (`{"a": [[[..."v"]]]}`)
/// and for objects (`[[[...{"a": "v"}]]]`, an array of objects at any depth).
@Test(arguments: [
    (#"{"a": ["v"]}"#, true, true),
    (#"{"a": ["w"]}"#, true, false),
    (#"{"a": [{"exists": true}]}"#, true, true),
    (#"{"a": [{"exists": false}]}"#, true, false),
    (#"{"a": ["v"]}"#, false, true),
    (#"{"a": ["w"]}"#, false, false),
] as [(String, Bool, Bool)])
func deeplyNestedArraysInEvents(pattern: String, leafIsDeep: Bool, matches: Bool) throws {
    var event = leafIsDeep ? ["a": deepArrays(100_000, around: "v")] : deepArrays(100_000, around: ["a": "v"])
    defer { letGoOfDeepValue(&event) }
    #expect(try EventPattern(text: pattern).matches(event) == matches)
}
