import Foundation
import FuzzSupport
import JSON

/// The JSON parser and serializer, and RFC 3339 timestamps (Sources/JSON).
///
/// Any bytes: parsing either fails or gives a value whose canonical text parses back to the
/// same value and prints the same text again; the pretty text and `jsonData` agree with it.
/// Any text that RFC 3339 reads is a date whose formatted text reads back to the same
/// instant (to the millisecond it prints).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    checkTimestamps(input.text)
    guard let value = try? JSONValue(parsing: input.data) else { return 0 }
    let text = value.serialized()
    guard let reread = try? JSONValue(parsing: text) else {
        require(false, "the serialized text does not parse: \(text)")
        return 0
    }
    require(reread == value, "the serialized text parses to another value: \(text)")
    require(reread.serialized() == text, "the serialized text is not canonical: \(text)")
    require(Array(value.jsonData) == Array(text.utf8), "jsonData differs from serialized() for \(text)")
    require((try? JSONValue(parsing: value.prettyPrinted())) == value, "the pretty text parses to another value: \(text)")
    if case .object(let members) = value, let (name, member) = members.first {
        require(member.serialized(asMemberOf: name) == JSONValue.object([name: member]).serialized(), "serialized(asMemberOf:) for \(name)")
    }
    return 0
}

private func checkTimestamps(_ text: String) {
    for strictness in [RFC3339.Strictness.states, .events] {
        guard let date = RFC3339.parse(text, strictness) else { continue }
        let seconds = date.timeIntervalSince1970
        guard seconds >= RFC3339.earliestSeconds, seconds <= RFC3339.latestSeconds else {
            _ = RFC3339.format(date)  // out of range (an offset past year 0 or 9999): must still format
            continue
        }
        let formatted = RFC3339.format(date)
        guard let reread = RFC3339.parse(formatted) else {
            require(false, "'\(text)' formats as '\(formatted)', which does not parse")
            return
        }
        require(abs(reread.timeIntervalSince1970 - seconds) <= 0.000_501, "'\(text)' formats as '\(formatted)', another instant")
        require(RFC3339.parse(RFC3339.format(date, milliseconds: false)) != nil, "'\(text)' formats without milliseconds as unreadable text")
    }
}
