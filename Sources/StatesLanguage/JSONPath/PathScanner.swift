/// A position in JSONPath text, with the pieces that both the path reader (`JSONPathParser`)
/// and the filter reader (`FilterParser`) read: quoted names and literals, integers, spaces.
struct PathScanner {
    let characters: [Character]
    var position = 0

    init(text: String) { characters = Array(text) }

    var atEnd: Bool { position >= characters.count }
    var current: Character? { atEnd ? nil : characters[position] }

    /// The character after `current`, for two-character operators (`==`, `&&`).
    var next: Character? { position + 1 < characters.count ? characters[position + 1] : nil }

    func fail(_ reason: String) -> JSONPathSyntaxError { JSONPathSyntaxError(reason: reason) }

    mutating func skipSpaces() { while current == " " { position += 1 } }

    /// Reads `'...'` or `"..."` and returns what is between the quotes, unescaped as Jayway
    /// JsonPath (AWS's) unescapes bracketed names: `\"`, `\'`, `\\`, `\/`, `\b`, `\f`, `\n`,
    /// `\r`, `\t` and `\uXXXX`; a backslash before any other character stands for that character.
    mutating func readQuoted() throws(JSONPathSyntaxError) -> String {
        guard let quote = current, quote == "'" || quote == "\"" else {
            throw fail("expected a quoted name at position \(position)")
        }
        position += 1
        var text = ""
        while true {
            guard let character = current else { throw fail("unterminated quoted name") }
            position += 1
            if character == quote { return text }
            guard character == "\\" else {
                text.append(character)
                continue
            }
            guard let escaped = current else { throw fail("unterminated quoted name") }
            position += 1
            switch escaped {
            case "b": text.append("\u{08}")
            case "f": text.append("\u{0C}")
            case "n": text.append("\n")
            case "r": text.append("\r")
            case "t": text.append("\t")
            case "u": text.unicodeScalars.append(try readUnicodeEscape())
            default: text.append(escaped)
            }
        }
    }

    /// The four hex digits after `\u`.
    private mutating func readUnicodeEscape() throws(JSONPathSyntaxError) -> Unicode.Scalar {
        guard position + 4 <= characters.count else { throw fail("'\\u' needs four hex digits") }
        let digits = String(characters[position..<(position + 4)])
        guard digits.allSatisfy(\.isHexDigit), let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) else {
            throw fail("'\\u\(digits)' is not a character")
        }
        position += 4
        return scalar
    }

    /// An optional `-` and ASCII digits, between optional spaces; `nil` when there are no digits.
    mutating func readInteger() throws(JSONPathSyntaxError) -> Int? {
        skipSpaces()
        var digits = ""
        if current == "-" { digits.append("-"); position += 1 }
        while let character = current, character.isASCII, character.isNumber { digits.append(character); position += 1 }
        skipSpaces()
        if digits.isEmpty { return nil }
        guard let value = Int(digits) else { throw fail("'\(digits)' is not an index") }
        return value
    }
}
