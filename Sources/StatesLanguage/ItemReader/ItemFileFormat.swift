/// How a Distributed Map's `ItemReader` reads one file (`arn:aws:states:::s3:getObject`): its
/// `ReaderConfig.InputType` and the options that go with it.
///
/// See `ItemFileParser` for what each format yields, and the AWS pages "ItemReader (Map)"
/// (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html) and
/// "How Step Functions parses input CSV files"
/// (https://docs.aws.amazon.com/step-functions/latest/dg/example-csv-parse-dist-map.html).
public enum ItemFileFormat: Sendable, Equatable {
    /// `"InputType": "JSON"`: the file is one JSON array, whose elements are the items; or,
    /// with `ItemsPointer`, a JSON document in which that JSON Pointer (RFC 6901, `/a/0/b`)
    /// selects the array.
    case json(itemsPointer: String?)
    /// `"InputType": "JSONL"`: one JSON value on each line (JSON Lines); each is an item.
    case jsonLines
    /// `"InputType": "CSV"`: a text delimited file; each record is an item, an object of
    /// strings named by the header.
    case csv(CSVOptions)
}

/// The `ReaderConfig` fields of `"InputType": "CSV"`.
public struct CSVOptions: Sendable, Equatable {
    /// `CSVHeaderLocation` (with `CSVHeaders` when `GIVEN`).
    public enum Headers: Sendable, Equatable {
        /// `FIRST_ROW`: the file's first record names the columns; it is not an item.
        case firstRow
        /// `GIVEN`: the definition's `CSVHeaders` name the columns; every record is an item.
        case given([String])
    }

    /// `CSVDelimiter`: what separates fields; AWS's names as raw values.
    public enum Delimiter: String, Sendable, Equatable, CaseIterable {
        case comma = "COMMA"
        case pipe = "PIPE"
        case semicolon = "SEMICOLON"
        case space = "SPACE"
        case tab = "TAB"

        /// The byte that separates fields.
        public var byte: UInt8 {
            switch self {
            case .comma: UInt8(ascii: ",")
            case .pipe: UInt8(ascii: "|")
            case .semicolon: UInt8(ascii: ";")
            case .space: UInt8(ascii: " ")
            case .tab: UInt8(ascii: "\t")
            }
        }
    }

    public var headers: Headers
    /// `COMMA` when the definition does not say, as AWS.
    public var delimiter: Delimiter

    public init(headers: Headers, delimiter: Delimiter = .comma) {
        self.headers = headers
        self.delimiter = delimiter
    }
}
