import Foundation
import JSON

/// One input of libFuzzer, as the targets read it: bytes, or text cut at its first newline.
///
/// The two-part targets take a one-line expression (a path, a pattern, a definition) and, after
/// the newline, the document to apply it to, so that the seed files stay readable and
/// libFuzzer's mutations of either part keep the other.
public struct FuzzInput: Sendable {
    public let bytes: [UInt8]

    public init(_ start: UnsafeRawPointer, _ count: Int) {
        bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    }

    public var data: Data { Data(bytes) }

    /// The bytes as text; what is not UTF-8 reads as U+FFFD, as the parsers' callers see it.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The text before the first newline, and what follows it ("" when there is no newline).
    public var firstLineAndRest: (line: String, rest: String) {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return (text, "") }
        return (String(decoding: bytes[..<newline], as: UTF8.self), String(decoding: bytes[(newline + 1)...], as: UTF8.self))
    }
}

extension JSONValue {
    /// `text` parsed, or `text` itself as a JSON string when it is not JSON, so that every
    /// input yields a document to work on.
    public static func document(_ text: String) -> JSONValue {
        (try? JSONValue(parsing: text)) ?? .string(text)
    }
}

/// Stops the fuzzer when a property that must hold for every input does not: libFuzzer sees
/// the trap as a crash and saves the input. `message` says which property and on what.
public func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("property violated: \(message())") }
}
