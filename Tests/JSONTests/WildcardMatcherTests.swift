import JSON
import Testing

/// `pattern` with every `*` a star and every other character literal.
private func matcher(_ pattern: String) -> WildcardMatcher {
    WildcardMatcher(tokens: pattern.utf8.map { $0 == UInt8(ascii: "*") ? nil : $0 })
}

/// What `*` matching means, by its definition: a star takes any run, a literal itself.
private func referenceMatches(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
    guard let first = pattern.first else { return text.isEmpty }
    if first == UInt8(ascii: "*") {
        return (text.startIndex...text.endIndex).contains { referenceMatches(pattern.dropFirst(), text[$0...]) }
    }
    return text.first == first && referenceMatches(pattern.dropFirst(), text.dropFirst())
}

/// Every string of up to `length` characters from `alphabet`.
private func allStrings(of alphabet: String, upTo length: Int) -> [String] {
    var result = [""]
    var last = [""]
    for _ in 0..<length {
        last = last.flatMap { prefix in alphabet.map { prefix + String($0) } }
        result += last
    }
    return result
}

@Suite struct WildcardMatcherTests {
    @Test(arguments: [
        ("", "", true),
        ("", "a", false),
        ("*", "", true),
        ("*", "anything", true),
        ("abc", "abc", true),
        ("abc", "abcd", false),
        ("a*", "abc", true),
        ("*c", "abc", true),
        ("a*c", "ac", true),
        ("a*a", "a", false),
        ("a*b*c", "aXbYc", true),
        ("a*b*c", "acb", false),
        ("*ab*ab*", "abab", true),
        ("*ab*ab*", "aba", false),
        ("*aab*", "aaab", true),
        ("*abcabd*", "abcabcabd", true),
        ("**", "x", true),
        ("*é*", "café", true),
    ])
    func matchesAsStarsMean(pattern: String, text: String, expected: Bool) {
        #expect(matcher(pattern).matches(text) == expected)
    }

    /// Every pattern and text of up to five characters agrees with the definition.
    @Test func agreesWithTheDefinitionOnSmallCases() {
        let texts = allStrings(of: "ab", upTo: 5)
        for pattern in allStrings(of: "ab*", upTo: 5) {
            let compiled = matcher(pattern)
            for text in texts {
                let expected = referenceMatches(Array(pattern.utf8)[...], Array(text.utf8)[...])
                #expect(compiled.matches(text) == expected, "'\(pattern)' against '\(text)'")
            }
        }
    }

    /// Issue #15: `*` + 4,000 × "a" + "b" against 200 KB of "a"s took seconds with greedy
    /// matching that backtracks to the last star; it is one pass now.
    @Test(arguments: [
        ("*" + String(repeating: "a", count: 4_000) + "b", false),
        ("*" + String(repeating: "a", count: 4_000) + "*b", false),
        ("*" + String(repeating: "a", count: 4_000) + "*", true),
        (String(repeating: "a*", count: 2_000) + "b", false),
        (String(repeating: "a*", count: 2_000), true),
    ])
    func longPatternsOnLongTextsEndQuickly(pattern: String, expected: Bool) {
        #expect(matcher(pattern).matches(String(repeating: "a", count: 200_000)) == expected)
    }
}
