import JSON
import Testing

@testable import StatesLanguage

private func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

private let firstRow = ItemFileFormat.csv(CSVOptions(headers: .firstRow))
private func given(_ names: [String], _ delimiter: CSVOptions.Delimiter = .comma) -> ItemFileFormat {
    .csv(CSVOptions(headers: .given(names), delimiter: delimiter))
}
private func delimited(_ delimiter: CSVOptions.Delimiter) -> ItemFileFormat {
    .csv(CSVOptions(headers: .firstRow, delimiter: delimiter))
}
/// The body of localstack's AWS-validated CSV tests (tests/aws/services/stepfunctions/v2/
/// scenarios/test_base_scenarios.py): a row with a field too many, rows with too few, spaces.
private let awsRows = "Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n"
private let json = ItemFileFormat.json(itemsPointer: nil)
private func pointer(_ pointer: String) -> ItemFileFormat { .json(itemsPointer: pointer) }

/// A file that reads into `expected`.
struct ItemFileCase: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let format: ItemFileFormat
    let maxItems: Int?
    let expected: [JSONValue]

    init(_ name: String, _ bytes: [UInt8], _ format: ItemFileFormat, maxItems: Int? = nil, _ expected: [JSONValue]) {
        self.name = name
        self.bytes = bytes
        self.format = format
        self.maxItems = maxItems
        self.expected = expected
    }

    init(_ name: String, _ text: String, _ format: ItemFileFormat, maxItems: Int? = nil, _ expected: [JSONValue]) {
        self.init(name, utf8(text), format, maxItems: maxItems, expected)
    }

    var testDescription: String { name }
}

/// A file that fails with `cause` (a cause ending in "…" is a prefix: the rest is the JSON
/// parser's own message).
struct ItemFileFailure: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let format: ItemFileFormat
    let maxItems: Int?
    let cause: String

    init(_ name: String, _ bytes: [UInt8], _ format: ItemFileFormat, maxItems: Int? = nil, _ cause: String) {
        self.name = name
        self.bytes = bytes
        self.format = format
        self.maxItems = maxItems
        self.cause = cause
    }

    init(_ name: String, _ text: String, _ format: ItemFileFormat, maxItems: Int? = nil, _ cause: String) {
        self.init(name, utf8(text), format, maxItems: maxItems, cause)
    }

    var testDescription: String { name }

    func matches(_ actual: String) -> Bool {
        cause.hasSuffix("…") ? actual.hasPrefix(cause.dropLast()) && actual.count >= cause.count : actual == cause
    }
}

@Suite struct ItemFileParserTests {
    // MARK: - JSON

    @Test(arguments: [
        ItemFileCase(
            "an array of every type", #"[1, "a", {"k": [true, null]}, [], {}, -2.5e3, false]"#, json,
            [1, "a", ["k": [true, .null]], [], [:], -2500, false]),
        ItemFileCase("an empty array, with whitespace around", "  \r\n[ \n ]\n\t ", json, []),
        ItemFileCase(
            "brackets, commas and escaped quotes inside strings", #"["a,]b", "c\"]", "\\", {"x": "}"}, "[{"]"#, json,
            ["a,]b", "c\"]", "\\", ["x": "}"], "[{"]),
        ItemFileCase("a byte order mark", [0xEF, 0xBB, 0xBF] + utf8("[1,2]"), json, [1, 2]),
        ItemFileCase("MaxItems 2 of 3", "[1,2,3]", json, maxItems: 2, [1, 2]),
        ItemFileCase("MaxItems 0: no limit", "[1,2,3]", json, maxItems: 0, [1, 2, 3]),
        ItemFileCase("MaxItems above the file", "[1,2,3]", json, maxItems: 10, [1, 2, 3]),
        ItemFileCase("MaxItems beyond AWS's bound", "[1,2,3]", json, maxItems: .max, [1, 2, 3]),
        ItemFileCase("reading stops at MaxItems: the rest is not parsed", "[1, 2, this is not JSON", json, maxItems: 2, [1, 2]),
        ItemFileCase("ItemsPointer to a nested array", #"{"data": {"items": [1, 2, 3]}, "other": "x"}"#, pointer("/data/items"), [1, 2, 3]),
        ItemFileCase("ItemsPointer with MaxItems", #"{"data": {"items": [1, 2, 3]}}"#, pointer("/data/items"), maxItems: 2, [1, 2]),
        ItemFileCase("ItemsPointer with escapes and an index", #"{"a/b": [{"c~d": ["x"]}]}"#, pointer("/a~1b/0/c~0d"), ["x"]),
        ItemFileCase("ItemsPointer '' is the whole document", "[1, 2]", pointer(""), [1, 2]),
        ItemFileCase("ItemsPointer to an empty-named member", #"{"": [true]}"#, pointer("/"), [true]),
    ])
    func readsJSON(_ file: ItemFileCase) throws {
        #expect(try ItemFileParser.items(in: file.bytes, format: file.format, maxItems: file.maxItems) == file.expected)
    }

    @Test(arguments: [
        // AWS's cause for a file that is not an array (localstack's AWS-validated
        // test_map_item_reader_json_no_json_list_object).
        ItemFileFailure("an object", #"{"Hello": "world"}"#, json, "Attempting to map over non-iterable node."),
        ItemFileFailure("a string", #""text""#, json, "Attempting to map over non-iterable node."),
        ItemFileFailure("not JSON, not starting with '['", #"{"Hello":"#, json, "The JSON file is not valid JSON: …"),
        ItemFileFailure("an empty file", "", json, "The JSON file is not valid JSON: …"),
        ItemFileFailure("an array never closed", "[1,2", json, "The JSON file ends before its array is closed"),
        ItemFileFailure("an unterminated string", #"[1, "abc]"#, json, "The JSON file ends before its array is closed"),
        ItemFileFailure("a bad item, by index and line", "[1,\n2,\n{\"a\" 1}]", json, "Item 2 of the JSON array, on line 3, is not valid JSON: …"),
        ItemFileFailure("a stray '}' in an item", "[{\"a\": 1}}, 2]", json, "Item 0 of the JSON array, on line 1, is not valid JSON: …"),
        ItemFileFailure("an empty item", "[1,,2]", json, "Item 1 of the JSON array, on line 1, is missing"),
        ItemFileFailure("a trailing comma", "[1,\n]", json, "Item 1 of the JSON array, on line 2, is missing"),
        ItemFileFailure("text after the array", "[1] x", json, "The JSON file has text after its array, on line 1"),
        ItemFileFailure("a second ']'", "[1]\n]", json, "The JSON file has text after its array, on line 2"),
        ItemFileFailure(
            "invalid UTF-8 in an item", utf8("[\"a\",\n \"") + [0xC3, 0x28] + utf8("\"]"), json,
            "Item 1 of the JSON array, on line 2, is not valid UTF-8"),
        ItemFileFailure("an encoded surrogate", utf8("[\"") + [0xED, 0xA0, 0x80] + utf8("\"]"), json, "Item 0 of the JSON array, on line 1, is not valid UTF-8"),
        ItemFileFailure(
            "invalid UTF-8 in the whole document", utf8("{\n\"a\": \"") + [0xFF] + utf8("\"}"), pointer("/a"),
            "The JSON file is not valid UTF-8 on line 2"),
        ItemFileFailure("100,000 open brackets", String(repeating: "[", count: 100_000), json, "The JSON file ends before its array is closed"),
        ItemFileFailure(
            "an item nested deeper than the parser allows", String(repeating: "[", count: 1_000) + String(repeating: "]", count: 1_000), json,
            "Item 0 of the JSON array, on line 1, is not valid JSON: nesting deeper than 512 levels…"),
        ItemFileFailure(
            "a document nested too deep for ItemsPointer", String(repeating: "[", count: 1_000) + String(repeating: "]", count: 1_000), pointer(""),
            "The JSON file is not valid JSON: nesting deeper than 512 levels…"),
        ItemFileFailure(
            "ItemsPointer to a missing member", #"{"data": {}}"#, pointer("/data/missing"),
            "The ItemsPointer '/data/missing' selects nothing: there is no member 'missing'"),
        ItemFileFailure("ItemsPointer to an object", #"{"data": {"a": 1}}"#, pointer("/data"), "Attempting to map over non-iterable node."),
        ItemFileFailure(
            "ItemsPointer through a number", #"{"n": 1}"#, pointer("/n/x"), "The ItemsPointer '/n/x' selects nothing: a number has no member 'x'"),
        ItemFileFailure(
            "ItemsPointer index with a leading zero", #"{"a": [[1], [2]]}"#, pointer("/a/01"),
            "The ItemsPointer '/a/01' selects nothing: there is no element '01'"),
        ItemFileFailure(
            "ItemsPointer index past the end", #"{"a": [[1]]}"#, pointer("/a/1"), "The ItemsPointer '/a/1' selects nothing: there is no element '1'"),
        ItemFileFailure(
            "ItemsPointer '-'", #"{"a": [[1]]}"#, pointer("/a/-"), "The ItemsPointer '/a/-' selects nothing: there is no element '-'"),
        ItemFileFailure(
            "ItemsPointer without a leading '/'", #"{"a": []}"#, pointer("a"),
            "The ItemsPointer 'a' is not a JSON Pointer: it must be empty or start with '/'"),
        ItemFileFailure(
            "ItemsPointer with a bad escape", #"{"a": []}"#, pointer("/a~2"),
            "The ItemsPointer '/a~2' is not a JSON Pointer: '~' must be followed by '0' or '1'"),
        ItemFileFailure("ItemsPointer on a file that is not JSON", "[1,", pointer(""), "The JSON file is not valid JSON: …"),
        // localstack's AWS-validated test_map_item_reader_csv_max_items_paths: a negative MaxItemsPath value.
        ItemFileFailure("a negative MaxItems", "[1]", json, maxItems: -1, "field MaxItems must be positive"),
    ])
    func refusesBadJSON(_ file: ItemFileFailure) {
        let error = #expect(throws: StatesError.self) {
            try ItemFileParser.items(in: file.bytes, format: file.format, maxItems: file.maxItems)
        }
        #expect(error?.name == "States.ItemReaderFailed")
        #expect(file.matches(error?.cause ?? ""), "\(error?.cause.prefix(300) ?? "no error")")
    }

    // MARK: - JSON Lines

    @Test(arguments: [
        ItemFileCase("one value of each type per line", "1\n{\"a\": 2}\n\"x\"\n[true]\nnull", .jsonLines, [1, ["a": 2], "x", [true], .null]),
        ItemFileCase("a final newline adds no item", "1\n2\n", .jsonLines, [1, 2]),
        ItemFileCase("CRLF line ends", "1\r\n{\"a\": \"b\"}\r\n", .jsonLines, [1, ["a": "b"]]),
        ItemFileCase("empty and blank lines are skipped", "\n1\n\n   \n\t\r\n2\n\n", .jsonLines, [1, 2]),
        ItemFileCase("whitespace around a value", "  {\"a\": 1}  \n", .jsonLines, [["a": 1]]),
        ItemFileCase("an empty file", "", .jsonLines, []),
        ItemFileCase("a byte order mark", [0xEF, 0xBB, 0xBF] + utf8("1\n2"), .jsonLines, [1, 2]),
        ItemFileCase("MaxItems 2 of 3", "1\n2\n3\n", .jsonLines, maxItems: 2, [1, 2]),
        ItemFileCase("reading stops at MaxItems: the rest is not parsed", "1\n2\nnot json\n", .jsonLines, maxItems: 2, [1, 2]),
        ItemFileCase("MaxItems 0: no limit", "1\n2\n3", .jsonLines, maxItems: 0, [1, 2, 3]),
        ItemFileCase("multi-byte text", "\"名前 🙂\"\n", .jsonLines, ["名前 🙂"]),
    ])
    func readsJSONLines(_ file: ItemFileCase) throws {
        #expect(try ItemFileParser.items(in: file.bytes, format: file.format, maxItems: file.maxItems) == file.expected)
    }

    @Test(arguments: [
        ItemFileFailure("a bad line, by number", "1\n2\n{bad}\n", .jsonLines, "Line 3 of the JSONL file is not valid JSON: …"),
        ItemFileFailure("blank lines count", "\n\n{", .jsonLines, "Line 3 of the JSONL file is not valid JSON: …"),
        ItemFileFailure("two values on a line", "1 2", .jsonLines, "Line 1 of the JSONL file is not valid JSON: …"),
        ItemFileFailure("a value over several lines", "{\n\"a\": 1\n}", .jsonLines, "Line 1 of the JSONL file is not valid JSON: …"),
        ItemFileFailure("a trailing comma", "[1,]\n", .jsonLines, "Line 1 of the JSONL file is not valid JSON: …"),
        ItemFileFailure("invalid UTF-8", utf8("1\n\"") + [0xFF] + utf8("\"\n"), .jsonLines, "Line 2 of the JSONL file is not valid UTF-8"),
        ItemFileFailure("a truncated sequence", utf8("\"") + [0xE2, 0x82] + utf8("\""), .jsonLines, "Line 1 of the JSONL file is not valid UTF-8"),
        ItemFileFailure(
            "a line nested deeper than the parser allows", "1\n" + String(repeating: "[", count: 100_000), .jsonLines,
            "Line 2 of the JSONL file is not valid JSON: nesting deeper than 512 levels…"),
        ItemFileFailure("a negative MaxItems", "1", .jsonLines, maxItems: -5, "field MaxItems must be positive"),
    ])
    func refusesBadJSONLines(_ file: ItemFileFailure) {
        let error = #expect(throws: StatesError.self) {
            try ItemFileParser.items(in: file.bytes, format: file.format, maxItems: file.maxItems)
        }
        #expect(error?.name == "States.ItemReaderFailed")
        #expect(file.matches(error?.cause ?? ""), "\(error?.cause.prefix(300) ?? "no error")")
    }

    // MARK: - CSV

    @Test(arguments: [
        // The example of AWS's "How Step Functions parses input CSV files".
        ItemFileCase(
            "AWS's example", #"abc,123,"This string contains commas, a double quotation marks (""), and a newline ("# + "\n"
                + #")",{""MyKey"":""MyValue""},"[1,2,3]""# + "\n",
            given(["MyLetters", "MyNumbers", "MyString", "MyObject", "MyArray"]),
            [
                [
                    "MyLetters": "abc", "MyNumbers": "123",
                    "MyString": "This string contains commas, a double quotation marks (\"), and a newline (\n)",
                    "MyObject": #"{"MyKey":"MyValue"}"#, "MyArray": "[1,2,3]",
                ]
            ]),
        // localstack's test_map_item_reader_base_csv_headers_first_line: fewer fields get "",
        // more are skipped, spaces are kept.
        ItemFileCase(
            "first row; short, long and blank-looking rows", "Col1,Col2,Col3\n" + awsRows, firstRow,
            [
                ["Col1": "Value1", "Col2": "Value2", "Col3": "Value3"], ["Col1": "Value4", "Col2": "Value5", "Col3": "Value6"],
                ["Col1": "", "Col2": "", "Col3": ""], ["Col1": "true", "Col2": "1", "Col3": "'HelloWorld'"],
                ["Col1": "Null", "Col2": "None", "Col3": ""], ["Col1": "   ", "Col2": "", "Col3": ""],
            ]),
        // test_map_item_reader_csv_headers_decl_extra_fields.
        ItemFileCase("given headers; extra fields skipped", awsRows, given(["H1"]),
            [["H1": "Value1"], ["H1": "Value4"], ["H1": ""], ["H1": "true"], ["H1": "Null"], ["H1": "   "]]),
        // test_map_item_reader_csv_first_row_extra_fields: an empty header name.
        ItemFileCase(
            "an empty header name", "H1,\nValue4,Value5,Value6\n,,,\n", firstRow,
            [["H1": "Value4", "": "Value5"], ["H1": "", "": ""]]),
        // test_map_item_reader_csv_headers_first_row_typed_headers: names are strings.
        ItemFileCase("header names that look typed", "0,True,{}\n1,2,3\n", firstRow, [["0": "1", "True": "2", "{}": "3"]]),
        ItemFileCase("fewer fields than headers", "A,B,C\n1\n", firstRow, [["A": "1", "B": "", "C": ""]]),
        ItemFileCase(
            "AWS's backslash example", #"path,size"# + "\n" + #"C:\\Program Files\\MyApp.exe,6534512"#, firstRow,
            [["path": #"C:\Program Files\MyApp.exe"#, "size": "6534512"]]),
        ItemFileCase(
            "backslash before a delimiter, a quote, other, and at the end", #"A,B,C,D"# + "\n" + #"a\,b,c\"d,e\xf,g\"#, firstRow,
            [["A": "a,b", "B": #"c"d"#, "C": "exf", "D": "g"]]),
        ItemFileCase("escaped quotes inside quotes", #"A"# + "\n" + #""say \"hi\" and ""bye""""#, firstRow, [["A": #"say "hi" and "bye""#]]),
        ItemFileCase(
            "quoted delimiters and CRLF", "A,B\r\n\"x,y\",\"line1\r\nline2\"\r\nz,w\r\n", firstRow,
            [["A": "x,y", "B": "line1\r\nline2"], ["A": "z", "B": "w"]]),
        ItemFileCase("lone CR line ends", "A\rx\ry", firstRow, [["A": "x"], ["A": "y"]]),
        ItemFileCase("empty lines are skipped", "\nA,B\n\n1,2\r\n\r\n\n3,4\n\n", firstRow, [["A": "1", "B": "2"], ["A": "3", "B": "4"]]),
        ItemFileCase("quotes inside an unquoted field, text after a quoted part", #"A,B"# + "\n" + #"a"b,"ab"cd"#, firstRow,
            [["A": #"a"b"#, "B": "abcd"]]),
        ItemFileCase("empty quoted fields", #"A,B,C"# + "\n" + #""","",x"#, firstRow, [["A": "", "B": "", "C": "x"]]),
        ItemFileCase("a quoted field of one quote", "A\n\"\"\"\"\n", firstRow, [["A": "\""]]),
        ItemFileCase("PIPE", "A|B\n1,2|\"3|4\"\na\\|b|c\n", delimited(.pipe), [["A": "1,2", "B": "3|4"], ["A": "a|b", "B": "c"]]),
        ItemFileCase("SEMICOLON", "A;B\n1,5;2\n", delimited(.semicolon), [["A": "1,5", "B": "2"]]),
        ItemFileCase("SPACE", "A B\n\"x y\" z\n", delimited(.space), [["A": "x y", "B": "z"]]),
        ItemFileCase("TAB", "A\tB\n1 2\t3,4\n", delimited(.tab), [["A": "1 2", "B": "3,4"]]),
        ItemFileCase("TAB with given headers", "1\t2\n", given(["x", "y"], .tab), [["x": "1", "y": "2"]]),
        ItemFileCase("multi-byte text", "名前,値\né,🙂\n", firstRow, [["名前": "é", "値": "🙂"]]),
        ItemFileCase("a byte order mark before the header", [0xEF, 0xBB, 0xBF] + utf8("A,B\n1,2"), firstRow, [["A": "1", "B": "2"]]),
        ItemFileCase("a header and no rows", "A,B\n", firstRow, []),
        ItemFileCase("an empty file, first row", "", firstRow, []),
        ItemFileCase("an empty file, given headers", "", given(["A"]), []),
        ItemFileCase("MaxItems counts rows after the header", "A\n1\n2\n3\n", firstRow, maxItems: 2, [["A": "1"], ["A": "2"]]),
        ItemFileCase("MaxItems 0: no limit", "A\n1\n2\n3\n", firstRow, maxItems: 0, [["A": "1"], ["A": "2"], ["A": "3"]]),
        ItemFileCase("reading stops at MaxItems: the rest is not read", "A\n1\n2\n\"never closed", firstRow, maxItems: 2, [["A": "1"], ["A": "2"]]),
        ItemFileCase(
            "a header of exactly 10 KiB", String(repeating: "h", count: 10_240) + "\n1", firstRow,
            [.object([String(repeating: "h", count: 10_240): "1"])]),
    ])
    func readsCSV(_ file: ItemFileCase) throws {
        #expect(try ItemFileParser.items(in: file.bytes, format: file.format, maxItems: file.maxItems) == file.expected)
    }

    @Test(arguments: [
        ItemFileFailure(
            "an unterminated quote, by the line it opens on", "A,B\n1,2\n3,\"open\n4,5\n", firstRow,
            "The CSV file has a quoted field, opened on line 3, that is never closed"),
        ItemFileFailure(
            "lines inside quotes count", "A\n\"x\r\ny\"\n\"z", firstRow, "The CSV file has a quoted field, opened on line 4, that is never closed"),
        ItemFileFailure("an unterminated quote in the header", "\"A,B\n1,2\n", firstRow, "The CSV file has a quoted field, opened on line 1, that is never closed"),
        ItemFileFailure("invalid UTF-8", utf8("A,B\n1,2\n3,") + [0xFF] + utf8("\n"), firstRow, "The CSV file is not valid UTF-8 on line 3"),
        ItemFileFailure("invalid UTF-8 in the header", [0xC0, 0xAF] + utf8("\n1"), firstRow, "The CSV file is not valid UTF-8 on line 1"),
        // localstack's AWS-validated test_map_item_reader_csv_headers_decl_duplicate_headers.
        ItemFileFailure("duplicate given headers", awsRows, given(["H1", "H1", "H3"]), "CSV headers cannot contain duplicates."),
        ItemFileFailure("duplicate first-row headers", "A,B,A\n1,2,3\n", firstRow, "CSV headers cannot contain duplicates."),
        ItemFileFailure("duplicate empty header names", ",\n1,2\n", firstRow, "CSV headers cannot contain duplicates."),
        ItemFileFailure(
            "a header over 10 KiB", String(repeating: "h", count: 10_241) + "\n1", firstRow,
            "The CSV headers are larger than 10 KiB, the most Step Functions supports"),
        ItemFileFailure(
            "given headers over 10 KiB", "1", given([String(repeating: "h", count: 6_000), String(repeating: "i", count: 6_000)]),
            "The CSV headers are larger than 10 KiB, the most Step Functions supports"),
        ItemFileFailure("a negative MaxItems", "A\n1", firstRow, maxItems: -1, "field MaxItems must be positive"),
    ])
    func refusesBadCSV(_ file: ItemFileFailure) {
        let error = #expect(throws: StatesError.self) {
            try ItemFileParser.items(in: file.bytes, format: file.format, maxItems: file.maxItems)
        }
        #expect(error?.name == "States.ItemReaderFailed")
        #expect(file.matches(error?.cause ?? ""), "\(error?.cause.prefix(300) ?? "no error")")
    }

    // MARK: - Hostile sizes

    /// Each would take minutes if any part were quadratic in the input.
    @Test func largeFilesReadInOnePass() throws {
        let lines = (0..<200_000).map { "{\"i\": \($0)}" }.joined(separator: "\n")
        let fromLines = try ItemFileParser.items(in: utf8(lines), format: .jsonLines, maxItems: nil)
        #expect(fromLines.count == 200_000)
        #expect(fromLines.last == ["i": 199_999])

        let array = "[" + (0..<200_000).map(String.init).joined(separator: ",") + "]"
        let fromArray = try ItemFileParser.items(in: utf8(array), format: json, maxItems: nil)
        #expect(fromArray.count == 200_000)
        #expect(fromArray[123_456] == 123_456)

        let rows = "A,B\n" + String(repeating: "x,\"y,\"\"z\"\"\"\n", count: 200_000)
        let fromRows = try ItemFileParser.items(in: utf8(rows), format: firstRow, maxItems: nil)
        #expect(fromRows.count == 200_000)
        #expect(fromRows.last == ["A": "x", "B": "y,\"z\""])
    }

    @Test func aMillionQuotesIsOneUnterminatedField() {
        // One quote opens the field; the rest pair up into literal quotes; the end comes first.
        let quotes = [UInt8](repeating: UInt8(ascii: "\""), count: 1_000_001)
        let error = #expect(throws: StatesError.self) {
            try ItemFileParser.items(in: quotes, format: given(["A"]), maxItems: nil)
        }
        #expect(error?.cause == "The CSV file has a quoted field, opened on line 1, that is never closed")
    }

    @Test func extraFieldsAreNotKept() throws {
        // A million delimiters on one row: one item with the one named column.
        let row = [UInt8](repeating: UInt8(ascii: ","), count: 1_000_000)
        #expect(try ItemFileParser.items(in: utf8("v") + row, format: given(["A"]), maxItems: nil) == [["A": "v"]])
    }

    @Test func aHugeHeaderFailsWithoutReadingItAll() {
        // 10 MB of one header field: refused once past 10 KiB.
        let header = [UInt8](repeating: UInt8(ascii: "h"), count: 10_000_000)
        let error = #expect(throws: StatesError.self) { try ItemFileParser.items(in: header, format: firstRow, maxItems: nil) }
        #expect(error?.cause == "The CSV headers are larger than 10 KiB, the most Step Functions supports")
    }

    @Test(arguments: [(nil, 100_000_000), (0, 100_000_000), (1, 1), (100_000_000, 100_000_000), (100_000_001, 100_000_000), (Int.max, 100_000_000)] as [(Int?, Int)])
    func maxItemsIsBoundedAsAWSBoundsIt(maxItems: Int?, limit: Int) throws {
        #expect(try ItemFileParser.itemLimit(maxItems) == limit)
    }

    @Test(arguments: CSVOptions.Delimiter.allCases)
    func delimitersHaveAWSNames(_ delimiter: CSVOptions.Delimiter) {
        let expected: [String: Character] = ["COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"]
        #expect(CSVOptions.Delimiter(rawValue: delimiter.rawValue) == delimiter)
        #expect(expected[delimiter.rawValue] == Character(Unicode.Scalar(delimiter.byte)))
    }

    @Test func itemsComeFromAnyCollectionOfBytes() throws {
        let slice = utf8("xx[1,2]")[2...]
        #expect(try ItemFileParser.items(in: slice, format: json, maxItems: nil) == [1, 2])
    }

    /// stepd's bounds on what a file makes in memory: an item's text, and a CSV's values.
    @Test func anItemOrACSVTooLargeInMemoryIsRefused() {
        func cause(_ text: String, _ format: ItemFileFormat) -> String? {
            do {
                _ = try ItemFileParser.items(in: Array(text.utf8), format: format, maxItems: nil)
                return nil
            } catch {
                return error.cause
            }
        }
        let long = "\"" + String(repeating: "x", count: ItemFileParser.maximumItemBytes) + "\""
        #expect(cause("1\n" + long + "\n", .jsonLines)?.contains("Line 2 of the JSONL file is more than 1048576 bytes") == true)
        #expect(cause("[1, " + long + "]", .json(itemsPointer: nil))?.contains("Item 1 of the JSON array") == true)
        let headers = (0..<100).map { "h\($0)" }.joined(separator: ",")
        let commas = String(repeating: ",", count: 3)
        let atTheBound = headers + "\n" + Array(repeating: commas, count: 100_000).joined(separator: "\n")
        #expect(cause(atTheBound, .csv(CSVOptions(headers: .firstRow))) == nil)
        #expect(cause(atTheBound + "\n" + commas, .csv(CSVOptions(headers: .firstRow)))?.contains("more than 10000000 values") == true)
    }
}
