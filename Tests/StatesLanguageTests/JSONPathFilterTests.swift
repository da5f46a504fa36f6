import JSON
import Testing

@testable import StatesLanguage

private let users: JSONValue = [
    "limit": 30,
    "users": [
        ["name": "ann", "status": 0, "age": 31, "tags": ["admin"]],
        ["name": "bob", "status": 1, "age": 25],
        ["name": "cy", "status": 0, "age": 40, "nickname": .null],
        ["name": "dee", "status": "0", "age": 19.5],
    ],
]

/// Issue #16: filters in the paths of payload templates, as AWS (Jayway JsonPath) reads them.
/// https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
/// ("Paths": AWS's paths are JsonPath as Jayway implements it, filters included).
@Suite struct JSONPathFilterTests {
    @Test(arguments: [
        // The issue's case: numbers compare with numbers only ("0" is a string).
        ("$.users[?(@.status == 0)].name", ["ann", "cy"]),
        ("$.users[?(@.status == '0')].name", ["dee"]),
        ("$.users[?(@.status == \"0\")].name", ["dee"]),
        ("$.users[?(@.status != 0)].name", ["bob", "dee"]),
        ("$.users[?(@.age < 25)].name", ["dee"]),
        ("$.users[?(@.age <= 25)].name", ["bob", "dee"]),
        ("$.users[?(@.age > 31)].name", ["cy"]),
        ("$.users[?(@.age >= 31)].name", ["ann", "cy"]),
        ("$.users[?(@.age>=31)].name", ["ann", "cy"]),
        ("$.users[?(@.name < 'bz')].name", ["ann", "bob"]),
        ("$.users[?(@.age > $.limit)].name", ["ann", "cy"]),
        ("$.users[?(@['age'] == 25)].name", ["bob"]),
        ("$.users[?(@.tags[0] == 'admin')].name", ["ann"]),
        // Existence: a member that is null exists.
        ("$.users[?(@.tags)].name", ["ann"]),
        ("$.users[?(@.nickname)].name", ["cy"]),
        ("$.users[?(@.nickname == null)].name", ["cy"]),
        // A missing member makes comparisons false, but `!=` true (Jayway).
        ("$.users[?(@.missing == 1)].name", []),
        ("$.users[?(@.missing != 1)].name", ["ann", "bob", "cy", "dee"]),
        ("$.users[?(@.missing < 1)].name", []),
        // Combinations.
        ("$.users[?(@.status == 0 && @.age > 35)].name", ["cy"]),
        ("$.users[?(@.status == 1 || @.age < 20)].name", ["bob", "dee"]),
        ("$.users[?((@.status == 1 || @.age < 20) && @.name != 'bob')].name", ["dee"]),
        ("$.users[?(@.status == 0 && (@.age < 35 || @.tags))].name", ["ann"]),
        ("$.users[?(@.age == 19.5)].name", ["dee"]),
        ("$.users[?(@.age > -1e3)].name", ["ann", "bob", "cy", "dee"]),
        ("$.users[?(@.status == true)]", []),
        // The filter's result is always a list; a filter on an object keeps it when it holds.
        ("$.users[?(@.name == 'nobody')]", []),
        ("$.users[0][?(@.status == 0)].name", ["ann"]),
        ("$..[?(@.status == 1)].name", ["bob"]),
    ] as [(String, JSONValue)])
    func filtersSelectWhatJaywaySelects(text: String, expected: JSONValue) throws {
        let path = try JSONPath(text)
        #expect(!path.isDefinite)
        #expect(path.select(in: users) == expected)
    }

    /// `"x.$": "$.users[?(@.status == 0)]"` in Parameters: the issue's case end to end.
    @Test func parametersCopyWhatAFilterSelects() throws {
        let template = try PayloadTemplate(json: ["x.$": "$.users[?(@.status == 0)].name"], field: "Parameters")
        #expect(try template.evaluate(input: users, context: [:]) == ["x": ["ann", "cy"]])
    }

    @Test(arguments: [
        ("$.a[?(@.b == 1)", "expected ']' after the filter"),
        ("$.a[?(@.b == )]", "unexpected ')'"),
        ("$.a[?(1)]", "expected a comparison operator after a literal"),
        ("$.a[?(@.b = 1)]", "expected ')' to close the filter"),
        ("$.a[?(@.b == abc)]", "'abc' is not a value a filter can compare"),
        ("$.a[?(@.b[*] == 1)]", "only names and indexes may follow"),
        ("$.a[?(@..b)]", "only names and indexes may follow"),
        ("$.a[?@.b]", "a filter is written '[?(...)]'"),
        ("$.a[?(@.b == 'x)]", "unterminated quoted name"),
        (
            "$.a[?(" + String(repeating: "(", count: 17) + "@.b" + String(repeating: ")", count: 17) + ")]",
            "deeper than 16 levels"
        ),
    ])
    func rejectsMalformedFilters(text: String, fragment: String) {
        let error = #expect(throws: DefinitionError.self) { try JSONPath(text) }
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
    }

    @Test func sixteenNestedParenthesesAreAllowed() throws {
        let text = "$.users[?(" + String(repeating: "(", count: 16) + "@.status == 1" + String(repeating: ")", count: 16) + ")].name"
        #expect(try JSONPath(text).select(in: users) == ["bob"])
    }

    /// `ResultPath`, `InputPath`-style reference paths and Choice `Variable` take no filters.
    @Test func referencePathsRejectFilters() {
        let error = #expect(throws: DefinitionError.self) { try ReferencePath("$.users[?(@.status == 0)]") }
        #expect(error?.message.contains("is not a valid reference path") == true, "\(error?.message ?? "")")
    }
}

/// Issue #16: quoted names in brackets, escapes included, as Jayway JsonPath reads them.
@Suite struct BracketNameTests {
    private static let input: JSONValue = [
        "say \"hi\"": 1, "a'b": 2, "back\\slash": 3, "tab\there": 4, "é": 5, "a.b": 6, "x]y": 7,
    ]

    @Test(arguments: [
        (#"$['say \"hi\"']"#, 1),
        (#"$["say \"hi\""]"#, 1),
        (#"$['say "hi"']"#, 1),
        (#"$["a'b"]"#, 2),
        (#"$['a\'b']"#, 2),
        (#"$['back\\slash']"#, 3),
        (#"$['tab\there']"#, 4),
        (#"$['\u00e9']"#, 5),
        (#"$['a.b']"#, 6),
        (#"$['x]y']"#, 7),
    ] as [(String, JSONValue)])
    func quotedNamesUnescape(text: String, expected: JSONValue) throws {
        #expect(try ReferencePath(text).value(in: Self.input) == expected)
        let template = try PayloadTemplate(json: ["v.$": .string(text)], field: "Parameters")
        #expect(try template.evaluate(input: Self.input, context: [:]) == ["v": expected])
    }

    /// The same paths as intrinsic function arguments: a quote escaped inside the name does not
    /// end the argument.
    @Test(arguments: [
        (#"States.Format('{}', $['a\'b'])"#, "2"),
        (#"States.Format('{}', $["say \"hi\""])"#, "1"),
        (#"States.Format('{}-{}', $['x]y'], $["a'b"])"#, "7-2"),
    ])
    func quotedNamesInIntrinsicArguments(expression: String, expected: String) throws {
        #expect(try IntrinsicExpression(expression).evaluate(input: Self.input, context: [:]) == .string(expected))
    }

    @Test(arguments: [#"$['\u00zz']"#, #"$['\u00e"#, #"$['a\"#])
    func rejectsBadEscapes(text: String) {
        #expect(throws: DefinitionError.self) { try JSONPath(text) }
    }
}
