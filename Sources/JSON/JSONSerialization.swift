import Foundation

extension JSONValue {
    /// Compact JSON text with sorted object keys; the same value always prints the same way.
    public func serialized() -> String {
        var output = JSONTextBuffer()
        JSONWriter(pretty: false).write(self, to: &output)
        return output.text
    }

    /// `serialized()`, or `nil` when that text would be longer than `byteLimit` bytes of UTF-8.
    /// Writing stops soon after the limit is passed, so a value whose text would be huge costs
    /// no more than the limit (and the one string that crossed it).
    public func serialized(byteLimit: Int) -> String? {
        var output = JSONTextBuffer(limit: byteLimit)
        JSONWriter(pretty: false).write(self, to: &output)
        return output.isFull ? nil : output.text
    }

    /// `{"<name>":<this value>}`, as `JSONValue.object([name: self]).serialized()` prints it,
    /// without building the one-member object first.
    public func serialized(asMemberOf name: String) -> String {
        var output = JSONTextBuffer()
        output.append(UInt8(ascii: "{"))
        output.appendQuoted(name)
        output.append(UInt8(ascii: ":"))
        JSONWriter(pretty: false).write(self, to: &output)
        output.append(UInt8(ascii: "}"))
        return output.text
    }

    /// The UTF-8 bytes of `serialized()`.
    public var jsonData: Data {
        var output = JSONTextBuffer()
        JSONWriter(pretty: false).write(self, to: &output)
        return Data(output.bytes)
    }

    /// Indented JSON text with sorted keys, for people to read.
    public func prettyPrinted() -> String {
        var output = JSONTextBuffer()
        JSONWriter(pretty: true).write(self, to: &output)
        return output.text
    }

    /// How long `serialized()` is and how deeply the value's containers nest, found by the same
    /// walk that writes the text, without writing it.
    ///
    /// The walk stops as soon as `byteLimit` or `depthLimit` is passed; then the limit passed
    /// shows in the result (`bytes > byteLimit` or `depth > depthLimit`) and the other figure is
    /// what was seen until then. So measuring a value costs at most about `byteLimit` steps,
    /// however large the value is: values built from input are measured against the payload
    /// limit before they are kept.
    public func extent(byteLimit: Int = .max, depthLimit: Int = .max) -> JSONExtent {
        var counter = JSONByteCounter(limit: byteLimit)
        let depth = JSONWriter(pretty: false, depthLimit: depthLimit).write(self, to: &counter)
        return JSONExtent(bytes: counter.count, depth: depth)
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

/// The size of a value as JSON text (`bytes`, UTF-8, as `serialized()` writes it) and how many
/// containers nest at its deepest point (`depth`: 0 for a scalar, 1 for `[]` or `{"a":1}`, 2 for
/// `[[]]`). `JSONValue.maximumDepth` bounds the second for every value read from text.
public struct JSONExtent: Sendable, Equatable {
    public let bytes: Int
    public let depth: Int

    public init(bytes: Int, depth: Int) {
        self.bytes = bytes
        self.depth = depth
    }
}

/// Where a `JSONWriter` puts what it writes: text, or only a count of it.
protocol JSONSink {
    mutating func append(_ byte: UInt8)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>)
    /// `true` once the sink holds more than it was allowed: the writer then stops.
    var isFull: Bool { get }
}

extension JSONSink {
    mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { append($0) }
    }

    /// `value` as a JSON string: quoted, with what JSON requires escaped. Strings dominate what
    /// stepd serializes (history details embed whole inputs as escaped text), so they are
    /// copied in runs between the bytes that need escaping.
    mutating func appendQuoted(_ value: String) {
        append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { source in
            var runStart = 0
            for index in source.indices {
                let byte = source[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { append(UnsafeBufferPointer(rebasing: source[runStart..<index])) }
                appendEscape(byte)
                runStart = index + 1
            }
            if runStart < source.count { append(UnsafeBufferPointer(rebasing: source[runStart...])) }
        }
        append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(_ byte: UInt8) {
        append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): append(byte)
        case 0x0A: append(UInt8(ascii: "n"))
        case 0x0D: append(UInt8(ascii: "r"))
        case 0x09: append(UInt8(ascii: "t"))
        case 0x08: append(UInt8(ascii: "b"))
        case 0x0C: append(UInt8(ascii: "f"))
        default:
            append(UInt8(ascii: "u"))
            append(UInt8(ascii: "0"))
            append(UInt8(ascii: "0"))
            append(hexDigit(byte >> 4))
            append(hexDigit(byte & 0x0F))
        }
    }

    private func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

/// Walks a value and writes it as JSON text. The walk keeps its own stack of open containers
/// instead of recursing, so no value is too deep to print: a value's depth only costs heap.
struct JSONWriter {
    let pretty: Bool
    var depthLimit: Int = .max

    /// One container being written: its children, and the next one to write.
    private struct OpenContainer {
        /// An array's elements, or nil for an object.
        let elements: [JSONValue]?
        /// An object's members, sorted by key.
        let members: [(key: String, value: JSONValue)]
        var next = 0

        var count: Int { elements?.count ?? members.count }
    }

    /// Writes `root` into `sink`, stopping early when the sink is full or the containers open
    /// at once pass `depthLimit`. Returns the deepest nesting seen.
    @discardableResult
    func write(_ root: JSONValue, to sink: inout some JSONSink) -> Int {
        var open: [OpenContainer] = []
        var deepest = 0
        var pending: JSONValue? = root
        while true {
            if let value = pending {
                pending = nil
                switch value {
                case .null: sink.append("null")
                case .bool(let flag): sink.append(flag ? "true" : "false")
                case .number(let number): sink.append(JSONValue.format(number))
                case .string(let text): sink.appendQuoted(text)
                case .array(let elements):
                    deepest = max(deepest, open.count + 1)
                    if elements.isEmpty {
                        sink.append("[]")
                    } else {
                        sink.append(UInt8(ascii: "["))
                        open.append(OpenContainer(elements: elements, members: []))
                    }
                case .object(let members):
                    deepest = max(deepest, open.count + 1)
                    if members.isEmpty {
                        sink.append("{}")
                    } else {
                        sink.append(UInt8(ascii: "{"))
                        // Sorting the members themselves spares a dictionary lookup per key.
                        open.append(OpenContainer(elements: nil, members: members.sorted(by: { $0.key < $1.key })))
                    }
                }
            }
            if sink.isFull || deepest > depthLimit { return deepest }
            guard let top = open.indices.last else { return deepest }
            let index = open[top].next
            if index == open[top].count {
                if pretty { sink.appendNewline(indent: top) }
                sink.append(open[top].elements == nil ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                open.removeLast()
                continue
            }
            open[top].next += 1
            if index > 0 { sink.append(UInt8(ascii: ",")) }
            if pretty { sink.appendNewline(indent: top + 1) }
            if let elements = open[top].elements {
                pending = elements[index]
            } else {
                let member = open[top].members[index]
                sink.appendQuoted(member.key)
                sink.append(pretty ? ": " : ":")
                pending = member.value
            }
        }
    }
}

extension JSONSink {
    fileprivate mutating func appendNewline(indent: Int) {
        append(0x0A)
        for _ in 0..<(2 * indent) { append(UInt8(ascii: " ")) }
    }
}

/// JSON text as it is written: UTF-8 bytes, made a `String` once at the end.
struct JSONTextBuffer: JSONSink {
    private(set) var bytes: [UInt8] = []
    /// Bytes allowed; past them the buffer is full and the writer stops.
    let limit: Int

    init(limit: Int = .max) {
        self.limit = limit
        bytes.reserveCapacity(256)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
    var isFull: Bool { bytes.count > limit }

    mutating func append(_ byte: UInt8) { bytes.append(byte) }
    mutating func append(_ run: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: run) }
}

/// Counts the bytes a `JSONWriter` would write, keeping none of them.
struct JSONByteCounter: JSONSink {
    private(set) var count = 0
    let limit: Int

    init(limit: Int) { self.limit = limit }

    var isFull: Bool { count > limit }

    mutating func append(_ byte: UInt8) { count += 1 }
    mutating func append(_ run: UnsafeBufferPointer<UInt8>) { count += run.count }
}
