import JSON

/// A compiled intrinsic function call such as `States.Format('Hello, {}', $.name)`, as it
/// appears as the value of a `.$` field.
///
/// Parsed when the definition is read (unknown functions, wrong argument counts, bad
/// literals and more than 10 nested calls are definition errors); evaluated against the
/// state input and the context object.
public struct IntrinsicExpression: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    let call: IntrinsicCall

    /// AWS allows up to 10 intrinsic functions nested in one field.
    public static let maximumNesting = 10

    public init(_ text: String) throws(DefinitionError) {
        var parser = IntrinsicParser(text: text)
        do {
            call = try parser.parseExpression()
        } catch {
            throw DefinitionError(message: "'\(text)' is not a valid intrinsic function call: \(error.reason)")
        }
        self.text = text
    }

    public var description: String { text }

    /// `true` when `text` looks like an intrinsic call (starts with `States.`), not a path.
    public static func looksLikeCall(_ text: String) -> Bool {
        text.hasPrefix("States.")
    }

    /// AWS documents no limit on a call's arguments; ours is 256, so that one call cannot hold
    /// an unbounded list of values (a 1 MB definition could write tens of thousands).
    public static let maximumArguments = 256

    /// Evaluates the call. `field` names the `.$` key in failure causes. The result, like any
    /// value built from input, is at most 256 KiB as text (else `States.DataLimitExceeded`) and
    /// nests at most 512 levels (else `States.Runtime`).
    public func evaluate(
        input: JSONValue, context: EvaluationContext, field: String, using generator: inout some RandomNumberGenerator
    ) throws(StatesError) -> JSONValue {
        var budget = BuildBudget(field: field)
        let value = try evaluate(input: input, context: context, field: field, budget: &budget, using: &generator)
        try budget.add(value, atDepth: 0, key: field)
        return value
    }

    /// Evaluates the call inside a larger evaluation (a payload template), whose budget the
    /// intrinsic functions share; the caller counts the result into the value it builds.
    func evaluate(
        input: JSONValue, context: EvaluationContext, field: String, budget: inout BuildBudget,
        using generator: inout some RandomNumberGenerator
    ) throws(StatesError) -> JSONValue {
        var evaluator = IntrinsicEvaluator(input: input, context: context, field: field)
        return try evaluator.evaluate(call, budget: &budget, using: &generator)
    }

    public func evaluate(input: JSONValue, context: EvaluationContext, field: String = "Parameters") throws(StatesError)
        -> JSONValue
    {
        var generator = SystemRandomNumberGenerator()
        return try evaluate(input: input, context: context, field: field, using: &generator)
    }
}

struct IntrinsicCall: Sendable, Hashable {
    let function: IntrinsicFunction
    let arguments: [IntrinsicArgument]
}

indirect enum IntrinsicArgument: Sendable, Hashable {
    case literal(JSONValue)
    /// A quoted string; `pieces` keeps which `{}` were placeholders (escaped `\{` `\}` are text).
    case string(value: String, pieces: [FormatPiece])
    case path(JSONPath)
    case call(IntrinsicCall)
}

enum FormatPiece: Sendable, Hashable {
    case text(String)
    case placeholder
}

struct IntrinsicSyntaxError: Error {
    let reason: String
}

/// Reads `States.Name(arg, ...)` text.
struct IntrinsicParser {
    private let characters: [Character]
    private var position = 0
    private var depth = 0

    init(text: String) { characters = Array(text) }

    private var current: Character? { position < characters.count ? characters[position] : nil }
    private func fail(_ reason: String) -> IntrinsicSyntaxError { IntrinsicSyntaxError(reason: reason) }
    private mutating func skipSpaces() { while let character = current, character.isWhitespace { position += 1 } }

    mutating func parseExpression() throws(IntrinsicSyntaxError) -> IntrinsicCall {
        skipSpaces()
        let call = try parseCall()
        skipSpaces()
        guard current == nil else { throw fail("unexpected text after the closing ')' at position \(position)") }
        return call
    }

    private mutating func parseCall() throws(IntrinsicSyntaxError) -> IntrinsicCall {
        depth += 1
        defer { depth -= 1 }
        guard depth <= IntrinsicExpression.maximumNesting else {
            throw fail("more than \(IntrinsicExpression.maximumNesting) nested intrinsic functions")
        }
        var name = ""
        while let character = current, character.isLetter || character.isNumber || character == "." {
            name.append(character)
            position += 1
        }
        guard let function = IntrinsicFunction(rawValue: name) else {
            throw fail(name.isEmpty ? "expected a function name" : "'\(name)' is not an intrinsic function")
        }
        skipSpaces()
        guard current == "(" else { throw fail("expected '(' after \(name)") }
        position += 1
        var arguments: [IntrinsicArgument] = []
        skipSpaces()
        if current == ")" {
            position += 1
        } else {
            while true {
                skipSpaces()
                guard arguments.count < IntrinsicExpression.maximumArguments else {
                    throw fail("\(name) has more than \(IntrinsicExpression.maximumArguments) arguments")
                }
                arguments.append(try parseArgument())
                skipSpaces()
                if current == "," { position += 1; continue }
                if current == ")" { position += 1; break }
                throw fail(current == nil ? "missing ')' for \(name)" : "expected ',' or ')' at position \(position)")
            }
        }
        guard function.arity.contains(arguments.count) else {
            throw fail("\(name) takes \(function.arityText), not \(arguments.count)")
        }
        if function == .format, case .literal(let value) = arguments[0], value.stringValue == nil {
            throw fail("the first argument of States.Format must be a string")
        }
        return IntrinsicCall(function: function, arguments: arguments)
    }

    private mutating func parseArgument() throws(IntrinsicSyntaxError) -> IntrinsicArgument {
        guard let first = current else { throw fail("missing argument") }
        switch first {
        case "'": return try parseString()
        case "$": return .path(try parsePath())
        case "S": return .call(try parseCall())
        default:
            var word = ""
            while let character = current, character != ",", character != ")", !character.isWhitespace {
                word.append(character)
                position += 1
            }
            switch word {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null": return .literal(.null)
            default:
                guard let number = Double(word), number.isFinite, word.first?.isLetter == false else {
                    throw fail(word.isEmpty ? "missing argument at position \(position)" : "'\(word)' is not a valid argument")
                }
                return .literal(.number(number))
            }
        }
    }

    private mutating func parseString() throws(IntrinsicSyntaxError) -> IntrinsicArgument {
        position += 1
        var value = ""
        var pieces: [FormatPiece] = []
        var text = ""
        while true {
            guard let character = current else { throw fail("unterminated string literal") }
            position += 1
            switch character {
            case "'":
                if !text.isEmpty { pieces.append(.text(text)) }
                return .string(value: value, pieces: pieces)
            case "\\":
                guard let escaped = current else { throw fail("unterminated string literal") }
                position += 1
                value.append(escaped)
                text.append(escaped)
            case "{" where current == "}":
                position += 1
                value += "{}"
                if !text.isEmpty { pieces.append(.text(text)) }
                text = ""
                pieces.append(.placeholder)
            default:
                value.append(character)
                text.append(character)
            }
        }
    }

    /// A path runs to the next `,` or `)` that is not inside brackets or quotes; inside quotes a
    /// backslash escapes the next character (`$['it\'s']`), as the path reader reads it.
    private mutating func parsePath() throws(IntrinsicSyntaxError) -> JSONPath {
        var text = ""
        var bracketDepth = 0
        var quote: Character?
        while let character = current {
            if let open = quote {
                if character == "\\", position + 1 < characters.count {
                    text.append(character)
                    position += 1
                    text.append(characters[position])
                    position += 1
                    continue
                }
                if character == open { quote = nil }
            } else if character == "'" || character == "\"", bracketDepth > 0 {
                quote = character
            } else if character == "[" {
                bracketDepth += 1
            } else if character == "]" {
                bracketDepth -= 1
            } else if bracketDepth == 0, character == "," || character == ")" || character.isWhitespace {
                break
            }
            text.append(character)
            position += 1
        }
        let path: JSONPath
        do {
            path = try JSONPath(text)
        } catch {
            throw fail(error.message)
        }
        // AWS documents filters for the paths of payload templates, not for arguments.
        guard !path.hasFilter else { throw fail("'\(text)': filters are not supported in intrinsic function arguments") }
        return path
    }
}
