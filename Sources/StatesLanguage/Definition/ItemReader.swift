import JSON

/// A Distributed Map's `ItemReader`: its items come from a file
/// (`arn:aws:states:::s3:getObject`, read as `ReaderConfig.InputType` says) or from a
/// folder's listing (`arn:aws:states:::s3:listObjectsV2`), not from its input.
public struct ItemReader: Sendable {
    public enum Source: Sendable, Equatable {
        /// `s3:getObject`: the items of one file, in this format.
        case object(ItemFileFormat)
        /// `s3:listObjectsV2`: one item per object under the prefix.
        case listing
    }

    public static let getObject = "arn:aws:states:::s3:getObject"
    public static let listObjects = "arn:aws:states:::s3:listObjectsV2"

    public let source: Source
    /// `Parameters`: `Bucket` and `Key` (or `Prefix` for a listing), evaluated on the state's
    /// effective input.
    public let parameters: PayloadTemplate?
    public let maxItems: NumberSetting?

    static let maxItemsRange: ClosedRange<Double> = 0...Double(ItemFileParser.maximumItems)
    static let maxItemsDescription = "an integer from 0 to \(ItemFileParser.maximumItems)"

    init?(reader: inout FieldReader, field: String) {
        guard var inner = reader.nestedObject(field) else { return nil }
        let resource = inner.string("Resource", required: true)
        parameters = inner.template("Parameters", requireObject: true)
        let given = inner.nestedObject("ReaderConfig")
        let hasConfig = given != nil
        var config = given ?? inner.nested("ReaderConfig", members: [:])
        maxItems = NumberSetting.read("MaxItems", from: &config, in: Self.maxItemsRange, integral: true, description: Self.maxItemsDescription)
        let inputType = config.string("InputType")
        switch resource {
        case Self.listObjects?:
            source = .listing
            if let inputType { config.fail("InputType", "is not taken with '\(Self.listObjects)', which lists objects; got '\(inputType)'") }
        case Self.getObject?:
            source = .object(Self.format(inputType, config: &config) ?? .jsonLines)
        case let other?:
            source = .listing
            inner.fail("Resource", "must be '\(Self.getObject)' or '\(Self.listObjects)', not '\(other)'")
        case nil:
            source = .listing
        }
        if hasConfig { config.rejectUnknownFields(in: "a ReaderConfig") }
        inner.problems += config.problems
        inner.rejectUnknownFields(in: "an ItemReader")
        reader.problems += inner.problems
    }

    /// `MaxItems`, or the value at `MaxItemsPath`; nil when neither is given.
    public func resolvedMaxItems(input: JSONValue, context: EvaluationContext) throws(StatesError) -> Int? {
        guard let maxItems else { return nil }
        return Int(try maxItems.resolve(in: input, context: context, range: Self.maxItemsRange, integral: true, description: Self.maxItemsDescription))
    }

    /// The file format `ReaderConfig` names for `s3:getObject`; nil (with a problem recorded)
    /// when it names none stepd reads.
    private static func format(_ inputType: String?, config: inout FieldReader) -> ItemFileFormat? {
        let pointer = config.string("ItemsPointer")
        switch inputType {
        case nil:
            if config.members["InputType"] == nil { config.fail("InputType", "is required with '\(getObject)'") }
            return nil
        case "JSON"?:
            return .json(itemsPointer: pointer)
        case "JSONL"?:
            return .jsonLines
        case "CSV"?:
            let location = config.string("CSVHeaderLocation")
            let headers = config.raw("CSVHeaders")
            let delimiterName = config.string("CSVDelimiter")
            let delimiter = delimiterName.flatMap(CSVOptions.Delimiter.init(rawValue:)) ?? .comma
            if let delimiterName, CSVOptions.Delimiter(rawValue: delimiterName) == nil {
                config.fail("CSVDelimiter", "must be one of \(CSVOptions.Delimiter.allCases.map(\.rawValue).joined(separator: ", ")), not '\(delimiterName)'")
            }
            switch location {
            case "GIVEN"?:
                guard case .array(let names)? = headers, !names.isEmpty, names.allSatisfy({ $0.stringValue != nil }) else {
                    config.fail("CSVHeaders", "must be a non-empty array of strings when CSVHeaderLocation is GIVEN")
                    return nil
                }
                return .csv(CSVOptions(headers: .given(names.compactMap(\.stringValue)), delimiter: delimiter))
            case "FIRST_ROW"?:
                if headers != nil { config.fail("CSVHeaders", "is only taken when CSVHeaderLocation is GIVEN") }
                return .csv(CSVOptions(headers: .firstRow, delimiter: delimiter))
            case let other?:
                config.fail("CSVHeaderLocation", "must be FIRST_ROW or GIVEN, not '\(other)'")
                return nil
            case nil:
                config.fail("CSVHeaderLocation", "is required when InputType is CSV")
                return nil
            }
        case "MANIFEST"?, "PARQUET"?:
            config.fail("InputType", "'\(inputType ?? "")' is not supported by stepd (JSON, JSONL and CSV are)")
            return nil
        case let other?:
            config.fail("InputType", "must be one of JSON, JSONL, CSV, MANIFEST and PARQUET, not '\(other)'")
            return nil
        }
    }
}
