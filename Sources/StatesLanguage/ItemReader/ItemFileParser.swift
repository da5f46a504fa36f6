import JSON

/// The items a Distributed Map's `ItemReader` reads from one file
/// (`arn:aws:states:::s3:getObject`), as AWS Step Functions reads them.
///
/// What AWS documents ("ItemReader (Map)",
/// https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html, and
/// "How Step Functions parses input CSV files",
/// https://docs.aws.amazon.com/step-functions/latest/dg/example-csv-parse-dist-map.html):
/// - `JSON`: the file is a JSON array and its elements are the items; `ItemsPointer`, a JSON
///   Pointer, selects an array inside the document instead. A file that is not an array fails
///   with AWS's cause "Attempting to map over non-iterable node.".
/// - `JSONL`: one JSON value on each line.
/// - `CSV`: every value is a string; a record with fewer fields than the header gets empty
///   strings for the missing ones, one with more has the extra fields skipped; headers of up
///   to 10 KiB. Duplicate header names fail with AWS's cause "CSV headers cannot contain
///   duplicates.". Quoting and escapes: see `CSVReader`.
/// - `MaxItems`: at most that many items, read in order (after the header row); 0 means no
///   limit, and AWS reads no more than 100,000,000 items.
///
/// Where AWS does not say, the plain choice:
/// - a UTF-8 byte order mark at the start of the file is skipped (it would otherwise stick to
///   the first header name);
/// - in JSON Lines, an empty or blank line is no item, so a final newline adds none; a line
///   may end with CRLF; each non-blank line must be exactly one JSON value (of any type);
/// - in CSV, an empty line is no record; header names may be empty; with `FIRST_ROW`, an
///   empty file has no items;
/// - reading stops at `MaxItems`: what follows is not read, so a fault after it goes
///   unnoticed (except with `ItemsPointer`, which needs the whole document).
///
/// Every failure is `States.ItemReaderFailed`, its cause naming what was wrong and where (the
/// line, from 1). One pass over the bytes without recursion (each JSON value goes to the JSON
/// parser, which bounds its depth); memory is the bytes, one copy, and the items.
public enum ItemFileParser {
    /// AWS's bound on `MaxItems`: "The Distributed Map state stops reading items beyond"
    /// 100,000,000, with or without `MaxItems`.
    public static let maximumItems = 100_000_000
    /// "Currently, Step Functions supports CSV headers of up to 10 KiB."
    public static let maximumCSVHeaderBytes = 10 * 1024
    /// stepd's bounds, so that what a file makes in memory stays in proportion to the file: an
    /// item of JSON text is at most 1 MiB (a child's input is at most 256 KiB anyway), and a CSV
    /// file makes at most 10,000,000 values (records × headers: 3,000 short headers over a
    /// million lines of commas would make billions).
    public static let maximumItemBytes = 1 << 20
    public static let maximumCSVValues = 10_000_000

    /// AWS's cause for a `JSON` file (or `ItemsPointer` target) that is not an array.
    static let nonIterableCause = "Attempting to map over non-iterable node."

    /// The items of a file's bytes, at most `maxItems` of them (`nil` or 0: no limit but
    /// `maximumItems`; a negative count fails, as AWS fails a negative `MaxItemsPath` value).
    public static func items(
        in bytes: some Collection<UInt8>, format: ItemFileFormat, maxItems: Int?
    ) throws(StatesError) -> [JSONValue] {
        let limit = try itemLimit(maxItems)
        let buffer = Array(bytes)
        let start = buffer.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        switch format {
        case .json(itemsPointer: nil): return try jsonArrayItems(buffer, from: start, limit: limit)
        case .json(itemsPointer: let pointer?): return try pointedItems(buffer, from: start, pointer: pointer, limit: limit)
        case .jsonLines: return try jsonLinesItems(buffer, from: start, limit: limit)
        case .csv(let options): return try csvItems(buffer, from: start, options: options, limit: limit)
        }
    }

    static func itemLimit(_ maxItems: Int?) throws(StatesError) -> Int {
        guard let maxItems, maxItems != 0 else { return maximumItems }
        guard maxItems > 0 else { throw failure("field MaxItems must be positive") }
        return min(maxItems, maximumItems)
    }

    private static func failure(_ cause: String) -> StatesError {
        StatesError(name: StatesError.itemReaderFailed, cause: cause)
    }

    // MARK: - JSON

    /// The elements of the array the file is, each parsed on its own so that reading can stop
    /// at `limit`.
    private static func jsonArrayItems(_ bytes: [UInt8], from start: Int, limit: Int) throws(StatesError) -> [JSONValue] {
        var scanner = JSONArrayScanner(bytes: bytes, offset: start)
        scanner.skipWhitespace()
        guard scanner.current == UInt8(ascii: "[") else {
            _ = try document(bytes, from: start)  // says so if the file is not JSON at all
            throw failure(nonIterableCause)
        }
        scanner.offset += 1
        scanner.skipWhitespace()
        var items: [JSONValue] = []
        if scanner.current == UInt8(ascii: "]") {
            scanner.offset += 1
            try scanner.expectEnd()
            return items
        }
        while items.count < limit {
            scanner.skipWhitespace()
            let itemStart = scanner.offset
            let itemLine = scanner.line
            try scanner.skipElement()
            items.append(try element(bytes[itemStart..<scanner.offset], index: items.count, line: itemLine))
            if scanner.current == UInt8(ascii: "]") {
                scanner.offset += 1
                try scanner.expectEnd()
                return items
            }
            scanner.offset += 1  // the ','
        }
        return items
    }

    private static func element(_ text: ArraySlice<UInt8>, index: Int, line: Int) throws(StatesError) -> JSONValue {
        let position = "Item \(index) of the JSON array, on line \(line),"
        guard text.count <= maximumItemBytes else { throw failure("\(position) is more than \(maximumItemBytes) bytes, more than stepd reads as one item") }
        guard !text.allSatisfy(isJSONWhitespace) else { throw failure("\(position) is missing") }
        guard let string = String(validating: text, as: UTF8.self) else { throw failure("\(position) is not valid UTF-8") }
        do {
            return try JSONValue(parsing: string)
        } catch {
            throw failure("\(position) is not valid JSON: \(detail(of: error))")
        }
    }

    /// The whole file as one JSON value.
    private static func document(_ bytes: [UInt8], from start: Int) throws(StatesError) -> JSONValue {
        let text = bytes[start...]
        guard let string = String(validating: text, as: UTF8.self) else {
            throw failure("The JSON file is not valid UTF-8 on line \(lineOfFirstInvalidUTF8(in: text))")
        }
        do {
            return try JSONValue(parsing: string)
        } catch {
            throw failure("The JSON file is not valid JSON: \(detail(of: error))")
        }
    }

    /// The array `pointer` selects in the document. RFC 6901: `""` is the whole document,
    /// `/a/0` member `a`'s first element; `~1` stands for `/` and `~0` for `~`.
    private static func pointedItems(
        _ bytes: [UInt8], from start: Int, pointer: String, limit: Int
    ) throws(StatesError) -> [JSONValue] {
        let tokens = try pointerTokens(pointer)
        var node = try document(bytes, from: start)
        for token in tokens {
            switch node {
            case .object(let members):
                guard let member = members[token] else {
                    throw failure("The ItemsPointer '\(pointer)' selects nothing: there is no member '\(token)'")
                }
                node = member
            case .array(let elements):
                guard let index = arrayIndex(token), index < elements.count else {
                    throw failure("The ItemsPointer '\(pointer)' selects nothing: there is no element '\(token)'")
                }
                node = elements[index]
            default:
                throw failure("The ItemsPointer '\(pointer)' selects nothing: a \(node.typeName) has no member '\(token)'")
            }
        }
        guard case .array(let elements) = node else { throw failure(nonIterableCause) }
        return Array(elements.prefix(limit))
    }

    /// The reference tokens of a JSON Pointer, unescaped.
    static func pointerTokens(_ pointer: String) throws(StatesError) -> [String] {
        guard !pointer.isEmpty else { return [] }
        guard pointer.hasPrefix("/") else {
            throw failure("The ItemsPointer '\(pointer)' is not a JSON Pointer: it must be empty or start with '/'")
        }
        var tokens: [String] = []
        for part in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            var token = String.UnicodeScalarView()
            var scalars = part.unicodeScalars.makeIterator()
            while let scalar = scalars.next() {
                guard scalar == "~" else {
                    token.append(scalar)
                    continue
                }
                switch scalars.next() {
                case "0": token.append("~")
                case "1": token.append("/")
                default:
                    throw failure("The ItemsPointer '\(pointer)' is not a JSON Pointer: '~' must be followed by '0' or '1'")
                }
            }
            tokens.append(String(token))
        }
        return tokens
    }

    /// An array index token: `0`, or digits without a leading zero.
    private static func arrayIndex(_ token: String) -> Int? {
        let digits = Array(token.utf8)
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        if digits.count > 1, digits[0] == UInt8(ascii: "0") { return nil }
        return Int(token)
    }

    // MARK: - JSON Lines

    private static func jsonLinesItems(_ bytes: [UInt8], from start: Int, limit: Int) throws(StatesError) -> [JSONValue] {
        var items: [JSONValue] = []
        var lineStart = start
        var line = 1
        while lineStart < bytes.count, items.count < limit {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            var textEnd = lineEnd
            if textEnd > lineStart, bytes[textEnd - 1] == UInt8(ascii: "\r") { textEnd -= 1 }
            let text = bytes[lineStart..<textEnd]
            if !text.allSatisfy(isJSONWhitespace) {
                guard text.count <= maximumItemBytes else {
                    throw failure("Line \(line) of the JSONL file is more than \(maximumItemBytes) bytes, more than stepd reads as one item")
                }
                guard let string = String(validating: text, as: UTF8.self) else {
                    throw failure("Line \(line) of the JSONL file is not valid UTF-8")
                }
                do {
                    items.append(try JSONValue(parsing: string))
                } catch {
                    throw failure("Line \(line) of the JSONL file is not valid JSON: \(detail(of: error))")
                }
            }
            lineStart = lineEnd + 1
            line += 1
        }
        return items
    }

    // MARK: - CSV

    private static func csvItems(
        _ bytes: [UInt8], from start: Int, options: CSVOptions, limit: Int
    ) throws(StatesError) -> [JSONValue] {
        var reader = CSVReader(bytes: bytes, delimiter: options.delimiter.byte, from: start)
        let headers: [String]
        switch options.headers {
        case .given(let names):
            let size = names.reduce(0) { $0 + $1.utf8.count } + max(names.count - 1, 0)
            guard size <= maximumCSVHeaderBytes else { throw failure(csvCause(of: .recordTooLong(line: 1))) }
            headers = names
        case .firstRow:
            let record: CSVReader.Record?
            do {
                record = try reader.nextRecord(byteLimit: maximumCSVHeaderBytes)
            } catch {
                throw failure(csvCause(of: error))
            }
            guard let record else { return [] }
            headers = record.fields
        }
        guard Set(headers).count == headers.count else { throw failure("CSV headers cannot contain duplicates.") }

        var items: [JSONValue] = []
        var values = 0
        while items.count < limit {
            let record: CSVReader.Record?
            do {
                record = try reader.nextRecord(fieldLimit: headers.count)
            } catch {
                throw failure(csvCause(of: error))
            }
            guard let record else { break }
            values += headers.count
            guard values <= maximumCSVValues else {
                throw failure("The CSV file makes more than \(maximumCSVValues) values (records times headers), more than stepd reads")
            }
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(headers.count)
            for (index, name) in headers.enumerated() {
                members[name] = .string(index < record.fields.count ? record.fields[index] : "")
            }
            items.append(.object(members))
        }
        return items
    }

    private static func csvCause(of failure: CSVReader.Failure) -> String {
        switch failure {
        case .unterminatedQuote(let line): "The CSV file has a quoted field, opened on line \(line), that is never closed"
        case .invalidUTF8(let line): "The CSV file is not valid UTF-8 on line \(line)"
        case .recordTooLong: "The CSV headers are larger than 10 KiB, the most Step Functions supports"
        }
    }

    // MARK: - Text

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// The parser's message without its "not valid JSON: " prefix, which the cause already says.
    private static func detail(of error: JSONParseError) -> String {
        let prefix = "not valid JSON: "
        return error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
    }

    private static func lineOfFirstInvalidUTF8(in text: ArraySlice<UInt8>) -> Int {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = text.makeIterator()
        var line = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): if scalar.first == UInt8(ascii: "\n") { line += 1 }
            case .error, .emptyInput: return line
            }
        }
    }
}

/// Finds where the elements of a JSON array begin and end without parsing them: strings are
/// skipped, brackets counted (a counter, not recursion). The JSON parser then reads each
/// element, and says what is wrong with one.
private struct JSONArrayScanner {
    let bytes: [UInt8]
    var offset: Int
    /// The line `offset` is on, from 1.
    var line = 1

    var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            if byte == 0x0A { line += 1 }
            offset += 1
        }
    }

    /// From an element's start to the `,` or `]` after it, outside strings and brackets.
    mutating func skipElement() throws(StatesError) {
        var depth = 0
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                while let inner = current, inner != UInt8(ascii: "\"") {
                    if inner == 0x0A { line += 1 }
                    offset += inner == UInt8(ascii: "\\") ? 2 : 1
                }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "]"):
                if depth == 0 { return }
                depth -= 1
            case UInt8(ascii: "}"):
                // A '}' closing nothing is left in the element for the parser to refuse.
                if depth > 0 { depth -= 1 }
            case UInt8(ascii: ","):
                if depth == 0 { return }
            case 0x0A:
                line += 1
            default:
                break
            }
            offset += 1
        }
        throw StatesError(name: StatesError.itemReaderFailed, cause: "The JSON file ends before its array is closed")
    }

    /// After the array's `]`: only whitespace.
    mutating func expectEnd() throws(StatesError) {
        skipWhitespace()
        guard current == nil else {
            throw StatesError(name: StatesError.itemReaderFailed, cause: "The JSON file has text after its array, on line \(line)")
        }
    }
}
