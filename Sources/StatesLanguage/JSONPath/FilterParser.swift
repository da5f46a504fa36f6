import JSON

/// Reads the condition of a filter, from just after `[?(` through the closing `)]`.
///
/// `||` and `&&` chains are read in loops; only parentheses recurse, at most
/// `maximumNesting` deep, so a definition cannot make reading or evaluating a filter go
/// deeper than that.
struct FilterParser {
    /// Parentheses inside one filter. Jayway states no bound; conditions people write nest a
    /// level or two.
    static let maximumNesting = 16

    private var nesting = 0

    /// Reads the condition and the `)]` that closes the filter.
    static func parse(_ scanner: inout PathScanner) throws(JSONPathSyntaxError) -> FilterExpression {
        var parser = FilterParser()
        let condition = try parser.parseAny(&scanner)
        scanner.skipSpaces()
        guard scanner.current == ")" else { throw scanner.fail("expected ')' to close the filter at position \(scanner.position)") }
        scanner.position += 1
        scanner.skipSpaces()
        guard scanner.current == "]" else { throw scanner.fail("expected ']' after the filter at position \(scanner.position)") }
        scanner.position += 1
        return condition
    }

    private mutating func parseAny(_ scanner: inout PathScanner) throws(JSONPathSyntaxError) -> FilterExpression {
        var operands = [try parseAll(&scanner)]
        while skipOperator("||", &scanner) { operands.append(try parseAll(&scanner)) }
        return operands.count == 1 ? operands[0] : .any(operands)
    }

    private mutating func parseAll(_ scanner: inout PathScanner) throws(JSONPathSyntaxError) -> FilterExpression {
        var operands = [try parseTerm(&scanner)]
        while skipOperator("&&", &scanner) { operands.append(try parseTerm(&scanner)) }
        return operands.count == 1 ? operands[0] : .all(operands)
    }

    private func skipOperator(_ symbol: String, _ scanner: inout PathScanner) -> Bool {
        scanner.skipSpaces()
        let symbolCharacters = Array(symbol)
        guard scanner.current == symbolCharacters[0], scanner.next == symbolCharacters[1] else { return false }
        scanner.position += 2
        return true
    }

    /// `( condition )`, a comparison, or a path alone (it exists).
    private mutating func parseTerm(_ scanner: inout PathScanner) throws(JSONPathSyntaxError) -> FilterExpression {
        scanner.skipSpaces()
        if scanner.current == "(" {
            guard nesting < Self.maximumNesting else {
                throw scanner.fail("a filter nests parentheses deeper than \(Self.maximumNesting) levels")
            }
            scanner.position += 1
            nesting += 1
            let inner = try parseAny(&scanner)
            nesting -= 1
            scanner.skipSpaces()
            guard scanner.current == ")" else { throw scanner.fail("expected ')' at position \(scanner.position)") }
            scanner.position += 1
            return inner
        }
        let left = try parseOperand(&scanner)
        scanner.skipSpaces()
        guard let op = readComparisonOperator(&scanner) else {
            guard case .path(let path) = left else {
                throw scanner.fail("expected a comparison operator after a literal at position \(scanner.position)")
            }
            return .exists(path)
        }
        let right = try parseOperand(&scanner)
        return .comparison(left, op, right)
    }

    private func readComparisonOperator(_ scanner: inout PathScanner) -> FilterOperator? {
        // Two-character operators first, so that `<=` is not read as `<`.
        for op in FilterOperator.allCases {
            let symbol = Array(op.rawValue)
            guard scanner.current == symbol[0] else { continue }
            if symbol.count == 2 {
                guard scanner.next == symbol[1] else { continue }
            }
            scanner.position += symbol.count
            return op
        }
        return nil
    }

    private func parseOperand(_ scanner: inout PathScanner) throws(JSONPathSyntaxError) -> FilterOperand {
        scanner.skipSpaces()
        guard let first = scanner.current else { throw scanner.fail("the filter ends early") }
        switch first {
        case "@", "$":
            scanner.position += 1
            return .path(FilterPath(startsAtRoot: first == "$", selectors: try parseDefiniteSelectors(&scanner)))
        case "'", "\"":
            return .literal(.string(try scanner.readQuoted()))
        default:
            var word = ""
            while let character = scanner.current, character.isLetter || character.isNumber || "+-.".contains(character) {
                word.append(character)
                scanner.position += 1
            }
            switch word {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null": return .literal(.null)
            default:
                guard word.first?.isLetter == false, let number = Double(word), number.isFinite else {
                    throw scanner.fail(
                        word.isEmpty
                            ? "unexpected '\(first)' in the filter at position \(scanner.position)"
                            : "'\(word)' is not a value a filter can compare")
                }
                return .literal(.number(number))
            }
        }
    }

    /// `.name`, `['name']` and `[index]` after `@` or `$`: a filter's paths select one value.
    private func parseDefiniteSelectors(_ scanner: inout PathScanner) throws(JSONPathSyntaxError) -> [PathSelector] {
        var selectors: [PathSelector] = []
        while let character = scanner.current {
            if character == "." {
                scanner.position += 1
                var name = ""
                while let nameCharacter = scanner.current, !" .[]()=!<>&|".contains(nameCharacter) {
                    name.append(nameCharacter)
                    scanner.position += 1
                }
                guard !name.isEmpty, name != "*" else {
                    throw scanner.fail("only names and indexes may follow '@' or '$' in a filter (position \(scanner.position))")
                }
                selectors.append(.name(name))
            } else if character == "[" {
                scanner.position += 1
                scanner.skipSpaces()
                if scanner.current == "'" || scanner.current == "\"" {
                    selectors.append(.name(try scanner.readQuoted()))
                } else if let index = try scanner.readInteger(), index >= 0 {
                    selectors.append(.index(index))
                } else {
                    throw scanner.fail("only names and indexes may follow '@' or '$' in a filter (position \(scanner.position))")
                }
                scanner.skipSpaces()
                guard scanner.current == "]" else { throw scanner.fail("expected ']' at position \(scanner.position)") }
                scanner.position += 1
            } else {
                break
            }
        }
        return selectors
    }
}
