import Foundation
import JSON

/// Evaluates compiled intrinsic calls. Failures of a function itself are
/// `States.IntrinsicFailure`; a path argument that selects nothing is `States.Runtime`, as for
/// any other `.$` path. The functions that read whole values or write text count what they read
/// and write into the evaluation's `BuildBudget`, and no string they write may be longer than a
/// payload: past either bound, `States.DataLimitExceeded`.
struct IntrinsicEvaluator {
    let input: JSONValue
    let context: EvaluationContext
    let field: String

    /// AWS limits the text that Base64Encode, Base64Decode and Hash accept.
    static let maximumTextLength = 10_000
    /// What JSON counts as whitespace (RFC 8259), as Jackson skips it.
    static let jsonWhitespace: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r"]
    /// AWS limits the array that ArrayRange builds.
    static let maximumRangeCount = 1_000
    /// The integers an argument may hold (`JSONValue.intValue`): below this in magnitude, a
    /// `Double` holds each one exactly.
    static let largestInteger = 9_000_000_000_000_000

    mutating func evaluate(
        _ call: IntrinsicCall, budget: inout BuildBudget, using generator: inout some RandomNumberGenerator
    ) throws(StatesError) -> JSONValue {
        var values: [JSONValue] = []
        for argument in call.arguments { values.append(try value(of: argument, budget: &budget, using: &generator)) }
        let name = call.function.rawValue
        func failure(_ cause: String) -> StatesError { .intrinsicFailure("Invalid arguments in \(name): \(cause)") }
        /// A string longer than a payload can never be kept: refused before it is written whole.
        func tooLong() -> StatesError {
            .dataLimitExceeded("\(name) would write a string longer than the payload limit of \(BuildBudget.maximumBytes) bytes")
        }
        func string(_ index: Int) throws(StatesError) -> String {
            guard let text = values[index].stringValue else {
                throw failure("argument \(index + 1) must be a string, not \(describe(values[index]))")
            }
            return text
        }
        func integer(_ index: Int) throws(StatesError) -> Int {
            guard let number = values[index].intValue else {
                throw failure("argument \(index + 1) must be an integer, not \(describe(values[index]))")
            }
            return number
        }
        /// A number rounded to the nearest integer, as AWS rounds the arguments of MathAdd and
        /// MathRandom: halves toward positive infinity (Java's `Math.round`), so 2.5 is 3 and
        /// -2.5 is -2.
        func roundedInteger(_ index: Int) throws(StatesError) -> Int {
            guard case .number(let number) = values[index] else {
                throw failure("argument \(index + 1) must be a number, not \(describe(values[index]))")
            }
            let floor = number.rounded(.down)
            let rounded = number - floor >= 0.5 ? floor + 1 : floor
            guard rounded.magnitude < Double(Self.largestInteger) else {
                throw failure("argument \(index + 1) is out of range (integers must be smaller than \(Self.largestInteger) in magnitude)")
            }
            return Int(rounded)
        }
        func array(_ index: Int) throws(StatesError) -> [JSONValue] {
            guard let elements = values[index].arrayValue else {
                throw failure("argument \(index + 1) must be an array, not \(describe(values[index]))")
            }
            return elements
        }
        func limitedText(_ index: Int) throws(StatesError) -> String {
            let text = try string(index)
            guard text.count <= Self.maximumTextLength else {
                throw failure("the input string must be \(Self.maximumTextLength) characters or less")
            }
            return text
        }

        switch call.function {
        case .format:
            let pieces: [FormatPiece]
            if case .string(_, let literalPieces) = call.arguments[0] {
                pieces = literalPieces
            } else {
                pieces = Self.formatPieces(try string(0))
            }
            let placeholders = pieces.filter { $0 == .placeholder }.count
            guard placeholders == values.count - 1 else {
                throw failure(
                    "the format string has \(placeholders) placeholder\(placeholders == 1 ? "" : "s") but "
                        + "\(values.count - 1) value\(values.count == 2 ? " was" : "s were") given")
            }
            var result = ""
            var next = 1
            for piece in pieces {
                let text: String
                switch piece {
                case .text(let literal): text = literal
                case .placeholder:
                    let value = values[next]
                    next += 1
                    let room = BuildBudget.maximumBytes - result.utf8.count
                    guard let written = FormatArgumentText.text(of: value, byteLimit: room) else { throw tooLong() }
                    text = written
                }
                guard result.utf8.count + text.utf8.count <= BuildBudget.maximumBytes else { throw tooLong() }
                result += text
            }
            try budget.charge(result.utf8.count, by: call.function)
            return .string(result)

        case .stringToJson:
            let text = try string(0)
            try budget.charge(text.utf8.count, by: call.function)
            // AWS answers null for an empty string or one of whitespace only (as Jackson reads
            // no value from it), rather than failing.
            if text.unicodeScalars.allSatisfy({ Self.jsonWhitespace.contains($0) }) { return .null }
            do {
                return try JSONValue(parsing: text)
            } catch {
                throw failure("the string is not valid JSON (\(error.message))")
            }

        case .jsonToString:
            guard let text = values[0].serialized(byteLimit: BuildBudget.maximumBytes) else { throw tooLong() }
            try budget.charge(text.utf8.count, by: call.function)
            return .string(text)

        case .array:
            return .array(values)

        case .arrayPartition:
            let elements = try array(0)
            let size = try integer(1)
            guard size > 0 else { throw failure("the chunk size must be a positive integer, not \(size)") }
            try budget.charge(reading: values[0], by: call.function)
            // `start + size` could pass Int.max for a huge size; what is left of the array cannot.
            return .array(
                stride(from: 0, to: elements.count, by: size).map { start in
                    .array(Array(elements[start..<(start + min(size, elements.count - start))]))
                })

        case .arrayContains:
            let elements = try array(0)
            try budget.charge(reading: values[0], by: call.function)
            return .bool(elements.contains(values[1]))

        case .arrayRange:
            let first = try integer(0)
            let last = try integer(1)
            let step = try integer(2)
            guard step != 0 else { throw failure("the step must not be 0") }
            // Integers from input are below 2^53, but the arithmetic is checked all the same.
            let (span, spanOverflow) = last.subtractingReportingOverflow(first)
            guard !spanOverflow else { throw failure("the range from \(first) to \(last) is too large") }
            let count = (step > 0 ? span >= 0 : span <= 0) ? span / step + 1 : 0
            guard count <= Self.maximumRangeCount else {
                throw failure("the range would have \(count) elements; at most \(Self.maximumRangeCount) are allowed")
            }
            // Each element lies between `first` and `last`, so neither product nor sum overflows.
            return .array((0..<count).map { .number(Double(first + $0 * step)) })

        case .arrayGetItem:
            let elements = try array(0)
            let index = try integer(1)
            guard index >= 0, index < elements.count else {
                throw failure("index \(index) is out of bounds for an array of length \(elements.count)")
            }
            return elements[index]

        case .arrayLength:
            return .number(Double(try array(0).count))

        case .arrayUnique:
            let elements = try array(0)
            try budget.charge(reading: values[0], by: call.function)
            var seen = Set<JSONValue>()
            return .array(elements.filter { seen.insert($0).inserted })

        case .base64Encode:
            let text = try limitedText(0)
            try budget.charge(text.utf8.count, by: call.function)
            return .string(Data(text.utf8).base64EncodedString())

        case .base64Decode:
            let text = try limitedText(0)
            try budget.charge(text.utf8.count, by: call.function)
            guard let data = Data(base64Encoded: text), let decoded = String(data: data, encoding: .utf8) else {
                throw failure("'\(text)' is not valid Base64-encoded UTF-8 text")
            }
            return .string(decoded)

        case .hash:
            let data = Array(try limitedText(0).utf8)
            try budget.charge(data.count, by: call.function)
            let algorithm = try string(1)
            let digest: [UInt8]
            switch algorithm {
            case "MD5": digest = Digest.md5(data)
            case "SHA-1": digest = Digest.sha1(data)
            case "SHA-256": digest = Digest.sha256(data)
            case "SHA-384": digest = Digest.sha384(data)
            case "SHA-512": digest = Digest.sha512(data)
            default:
                throw failure("'\(algorithm)' is not a supported algorithm; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512")
            }
            return .string(Digest.hex(digest))

        case .jsonMerge:
            guard case .object(let left) = values[0] else {
                throw failure("argument 1 must be an object, not \(describe(values[0]))")
            }
            guard case .object(let right) = values[1] else {
                throw failure("argument 2 must be an object, not \(describe(values[1]))")
            }
            guard values[2] == .bool(false) else {
                throw failure("argument 3 must be false: only shallow merging is supported")
            }
            try budget.charge(reading: values[0], by: call.function)
            try budget.charge(reading: values[1], by: call.function)
            return .object(left.merging(right) { _, new in new })

        case .mathRandom:
            let start = try roundedInteger(0)
            let end = try roundedInteger(1)
            guard start < end else { throw failure("the start \(start) must be less than the end \(end)") }
            if values.count == 3 {
                var seeded = SplitMix64(seed: UInt64(bitPattern: Int64(try integer(2))))
                return .number(Double(Int.random(in: start..<end, using: &seeded)))
            }
            return .number(Double(Int.random(in: start..<end, using: &generator)))

        case .mathAdd:
            let (sum, overflow) = try roundedInteger(0).addingReportingOverflow(try roundedInteger(1))
            // Past 2^53 a JSON number no longer holds every integer: the sum would be rounded.
            guard !overflow, sum.magnitude < Self.largestInteger.magnitude else {
                throw failure("the sum is out of range (integers must be smaller than \(Self.largestInteger) in magnitude)")
            }
            return .number(Double(sum))

        case .stringSplit:
            let text = try string(0)
            // Reading the text and writing its pieces.
            try budget.charge(2 * text.utf8.count, by: call.function)
            let delimiters = Set(try string(1))
            guard !delimiters.isEmpty else { return .array([.string(text)]) }
            return .array(text.split(whereSeparator: { delimiters.contains($0) }).map { .string(String($0)) })

        case .uuid:
            return .string(Self.uuid(using: &generator))
        }
    }

    private mutating func value(
        of argument: IntrinsicArgument, budget: inout BuildBudget, using generator: inout some RandomNumberGenerator
    ) throws(StatesError) -> JSONValue {
        switch argument {
        case .literal(let value): return value
        case .string(let value, _): return .string(value)
        case .call(let call): return try evaluate(call, budget: &budget, using: &generator)
        case .path(let path):
            guard let document = path.document(input: input, context: context),
                let value = try path.select(in: document, visitsLeft: &budget.pathVisitsLeft)
            else {
                throw StatesError.runtime(
                    "The JSONPath '\(path.text)' specified for the field '\(field)' could not be found in the "
                        + path.documentDescription(input: input, context: context))
            }
            return value
        }
    }

    private func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): "the string '\(text)'"
        case .number, .bool, .null: "the \(value.typeName) \(value.serialized())"
        case .array, .object: "an \(value.typeName)"
        }
    }

    /// Splits a format string into text and `{}` placeholders; `\{`, `\}`, `\'` and `\\` escape.
    static func formatPieces(_ template: String) -> [FormatPiece] {
        var pieces: [FormatPiece] = []
        var text = ""
        var characters = template.makeIterator()
        var pending: Character? = characters.next()
        while let character = pending {
            pending = characters.next()
            if character == "\\", let escaped = pending {
                text.append(escaped)
                pending = characters.next()
            } else if character == "{", pending == "}" {
                if !text.isEmpty { pieces.append(.text(text)) }
                text = ""
                pieces.append(.placeholder)
                pending = characters.next()
            } else {
                text.append(character)
            }
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        return pieces
    }

    /// A version 4 (random) UUID in lowercase, as `States.UUID` returns.
    static func uuid(using generator: inout some RandomNumberGenerator) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Digest.hex(bytes)
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}

/// A small seeded generator: `States.MathRandom` with a seed, and tests that need repeatable
/// randomness.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
