import Foundation

extension JSONValue {
    /// Compact JSON text with sorted object keys; the same value always prints the same way.
    public func serialized() -> String {
        var output = JSONTextBuffer()
        write(to: &output, indent: 0, pretty: false)
        return output.text
    }

    /// `{"<name>":<this value>}`, as `JSONValue.object([name: self]).serialized()` prints it,
    /// without building the one-member object first.
    public func serialized(asMemberOf name: String) -> String {
        var output = JSONTextBuffer()
        output.append(UInt8(ascii: "{"))
        output.appendQuoted(name)
        output.append(UInt8(ascii: ":"))
        write(to: &output, indent: 0, pretty: false)
        output.append(UInt8(ascii: "}"))
        return output.text
    }

    /// The UTF-8 bytes of `serialized()`.
    public var jsonData: Data {
        var output = JSONTextBuffer()
        write(to: &output, indent: 0, pretty: false)
        return Data(output.bytes)
    }

    /// Indented JSON text with sorted keys, for people to read.
    public func prettyPrinted() -> String {
        var output = JSONTextBuffer()
        write(to: &output, indent: 0, pretty: true)
        return output.text
    }

    private func write(to output: inout JSONTextBuffer, indent: Int, pretty: Bool) {
        switch self {
        case .null: output.append("null")
        case .bool(let value): output.append(value ? "true" : "false")
        case .number(let value): output.append(Self.format(value))
        case .string(let value): output.appendQuoted(value)
        case .array(let elements):
            if elements.isEmpty { output.append("[]"); return }
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                if pretty { output.appendNewline(indent: indent + 1) }
                element.write(to: &output, indent: indent + 1, pretty: pretty)
            }
            if pretty { output.appendNewline(indent: indent) }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { output.append("{}"); return }
            output.append(UInt8(ascii: "{"))
            // Sorting the members themselves spares a dictionary lookup per key.
            for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                if pretty { output.appendNewline(indent: indent + 1) }
                output.appendQuoted(member.key)
                output.append(pretty ? ": " : ":")
                member.value.write(to: &output, indent: indent + 1, pretty: pretty)
            }
            if pretty { output.appendNewline(indent: indent) }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Integral numbers print without a fraction; others with the shortest text that reads back
    /// the same. JSON has no NaN or infinity: they print as null.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value.rounded() == value, abs(value) < 1e17 {
            return String(Int64(value))
        }
        return "\(value)"
    }
}

/// JSON text as it is written: UTF-8 bytes, made a `String` once at the end. Strings dominate
/// what stepd serializes (history details embed whole inputs as escaped text), so they are
/// copied in runs and their escapes written as bytes.
struct JSONTextBuffer {
    private(set) var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(256)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func append(_ byte: UInt8) { bytes.append(byte) }

    mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func appendNewline(indent: Int) {
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    /// `value` as a JSON string: quoted, with what JSON requires escaped.
    mutating func appendQuoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { source in
            var runStart = 0
            for index in source.indices {
                let byte = source[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<index])) }
                appendEscape(byte)
                runStart = index + 1
            }
            if runStart < source.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            let hexDigits = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
        }
    }
}
