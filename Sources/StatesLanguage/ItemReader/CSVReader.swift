/// Reads the records of a text delimited file one at a time, by the rules AWS documents in
/// "How Step Functions parses input CSV files"
/// (https://docs.aws.amazon.com/step-functions/latest/dg/example-csv-parse-dist-map.html):
///
/// - the delimiter separates fields; a newline (LF, CRLF, or a lone CR) separates records;
/// - a field that starts with `"` is quoted: it may hold delimiters and newlines, and ends at
///   the next lone `"`; a doubled `""` stands for one `"`, inside quotes and out (AWS's example
///   reads the unquoted `{""MyKey"":""MyValue""}` as `{"MyKey":"MyValue"}`);
/// - a backslash escapes a backslash, a `"` or the delimiter; before anything else it is
///   dropped and the character kept.
///
/// Where AWS does not say, the plain choice:
/// - an empty line (nothing between two line ends) is no record, so a final newline adds none;
///   a line of spaces is a record, as AWS reads it;
/// - a `"` inside an unquoted field, and text after a quoted part (`"ab"cd`), are kept as they
///   are (`"ab"cd` is `abcd`);
/// - a quote still open at the end of the file is an error naming the line it opened on.
///
/// One pass over the bytes, no recursion; a field is kept only while the record has fewer
/// than `fieldLimit` fields, so extra fields cost no memory.
struct CSVReader {
    struct Record {
        var fields: [String]
        /// The line the record starts on, from 1.
        var line: Int
    }

    enum Failure: Error, Equatable {
        case unterminatedQuote(line: Int)
        case invalidUTF8(line: Int)
        case recordTooLong(line: Int)
    }

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    private let bytes: [UInt8]
    private let delimiter: UInt8
    private var offset: Int
    /// The line `offset` is on, from 1.
    private(set) var line = 1

    init(bytes: [UInt8], delimiter: UInt8, from offset: Int = 0) {
        self.bytes = bytes
        self.delimiter = delimiter
        self.offset = offset
    }

    /// The next record, `nil` at the end of the file. Fields after the first `fieldLimit`
    /// are read past, not kept (nor checked for UTF-8). A record longer than `byteLimit`
    /// bytes (line end excluded) fails as soon as it is.
    mutating func nextRecord(fieldLimit: Int = .max, byteLimit: Int = .max) throws(Failure) -> Record? {
        skipEmptyLines()
        guard offset < bytes.count else { return nil }
        let recordStart = offset
        let recordLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        var fieldLine = line
        var fieldStarted = false
        var inQuotes = false
        var quoteLine = line

        while true {
            if offset - recordStart > byteLimit { throw .recordTooLong(line: recordLine) }
            guard offset < bytes.count else {
                if inQuotes { throw .unterminatedQuote(line: quoteLine) }
                try keep(field, line: fieldLine, in: &fields, limit: fieldLimit)
                return Record(fields: fields, line: recordLine)
            }
            let byte = bytes[offset]
            let keeping = fields.count < fieldLimit
            if inQuotes {
                switch byte {
                case Self.quote:
                    if byteAfter(offset) == Self.quote {
                        if keeping { field.append(Self.quote) }
                        offset += 2
                    } else {
                        inQuotes = false
                        offset += 1
                    }
                case Self.backslash:
                    readEscape(into: &field, keeping: keeping)
                case Self.lineFeed:
                    if keeping { field.append(byte) }
                    offset += 1
                    line += 1
                case Self.carriageReturn:
                    if keeping { field.append(byte) }
                    if byteAfter(offset) != Self.lineFeed { line += 1 }
                    offset += 1
                default:
                    if keeping { field.append(byte) }
                    offset += 1
                }
                continue
            }
            switch byte {
            case delimiter:
                try keep(field, line: fieldLine, in: &fields, limit: fieldLimit)
                field.removeAll(keepingCapacity: true)
                fieldStarted = false
                fieldLine = line
                offset += 1
            case Self.lineFeed, Self.carriageReturn:
                try keep(field, line: fieldLine, in: &fields, limit: fieldLimit)
                skipLineEnd()
                return Record(fields: fields, line: recordLine)
            case Self.quote:
                if !fieldStarted {
                    inQuotes = true
                    quoteLine = line
                    offset += 1
                } else if byteAfter(offset) == Self.quote {
                    if keeping { field.append(Self.quote) }
                    offset += 2
                } else {
                    if keeping { field.append(Self.quote) }
                    offset += 1
                }
                fieldStarted = true
            case Self.backslash:
                readEscape(into: &field, keeping: keeping)
                fieldStarted = true
            default:
                if keeping { field.append(byte) }
                fieldStarted = true
                offset += 1
            }
        }
    }

    private func byteAfter(_ index: Int) -> UInt8? {
        index + 1 < bytes.count ? bytes[index + 1] : nil
    }

    /// At a backslash: keeps the escaped backslash, quote or delimiter; drops a backslash
    /// before anything else (or at the end of the file), leaving that character to be read.
    private mutating func readEscape(into field: inout [UInt8], keeping: Bool) {
        if let next = byteAfter(offset), next == Self.backslash || next == Self.quote || next == delimiter {
            if keeping { field.append(next) }
            offset += 2
        } else {
            offset += 1
        }
    }

    private func keep(_ field: [UInt8], line: Int, in fields: inout [String], limit: Int) throws(Failure) {
        guard fields.count < limit else { return }
        guard let text = String(validating: field, as: UTF8.self) else { throw .invalidUTF8(line: line) }
        fields.append(text)
    }

    /// Past one line end at `offset`: LF, CRLF or CR.
    private mutating func skipLineEnd() {
        if bytes[offset] == Self.carriageReturn, byteAfter(offset) == Self.lineFeed { offset += 1 }
        offset += 1
        line += 1
    }

    private mutating func skipEmptyLines() {
        while offset < bytes.count, bytes[offset] == Self.lineFeed || bytes[offset] == Self.carriageReturn {
            skipLineEnd()
        }
    }
}
