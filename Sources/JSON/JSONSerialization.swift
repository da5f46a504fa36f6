import Foundation

extension JSONValue {
    /// Compact JSON text with sorted object keys; the same value always prints the same way.
    public func serialized() -> String {
        var output = ""
        write(to: &output)
        return output
    }

    /// The UTF-8 bytes of `serialized()`.
    public var jsonData: Data { Data(serialized().utf8) }

    /// Indented JSON text with sorted keys, for people to read.
    public func prettyPrinted() -> String {
        var output = ""
        write(to: &output, indent: 0, pretty: true)
        return output
    }

    private func write(to output: inout String, indent: Int = 0, pretty: Bool = false) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let value): output += Self.format(value)
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let elements):
            if elements.isEmpty { output += "[]"; return }
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                if pretty { Self.newline(indent + 1, &output) }
                element.write(to: &output, indent: indent + 1, pretty: pretty)
            }
            if pretty { Self.newline(indent, &output) }
            output += "]"
        case .object(let members):
            if members.isEmpty { output += "{}"; return }
            output += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                if pretty { Self.newline(indent + 1, &output) }
                Self.writeString(key, to: &output)
                output += pretty ? ": " : ":"
                members[key, default: .null].write(to: &output, indent: indent + 1, pretty: pretty)
            }
            if pretty { Self.newline(indent, &output) }
            output += "}"
        }
    }

    private static func newline(_ indent: Int, _ output: inout String) {
        output += "\n" + String(repeating: "  ", count: indent)
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

    /// Escapes what JSON requires and copies runs of other bytes whole: strings dominate
    /// what stepd serializes (history details, inputs), so this is the hot loop.
    private static func writeString(_ value: String, to output: inout String) {
        output += "\""
        var value = value
        value.withUTF8 { bytes in
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index {
                    output += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<index]), as: UTF8.self)
                }
                output += escape(byte)
                runStart = index + 1
            }
            if runStart < bytes.count {
                output += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart...]), as: UTF8.self)
            }
        }
        output += "\""
    }

    private static func escape(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\""): return "\\\""
        case UInt8(ascii: "\\"): return "\\\\"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x08: return "\\b"
        case 0x0C: return "\\f"
        default:
            let hex = String(byte, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }
}
