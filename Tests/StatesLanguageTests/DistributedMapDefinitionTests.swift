import JSON
import Testing

@testable import StatesLanguage

/// Map states in AWS's DISTRIBUTED mode (`ProcessorConfig.Mode`): which definitions are
/// accepted and with what values, which are refused, each problem with its path and words,
/// and how the numbers and batches of a distributed Map resolve at run time. AWS's
/// behaviour, with its sources, is in /work/notes/distributed-map-spec.md.
@Suite struct DistributedMapDefinitionTests {
    static let standard = #"{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}"#
    static let getObject = "arn:aws:states:::s3:getObject"
    static let listObjects = "arn:aws:states:::s3:listObjectsV2"
    static let putObject = "arn:aws:states:::s3:putObject"

    /// A definition whose one state is the Map state `M`, whose ItemProcessor has the
    /// ProcessorConfig `config` (none when nil), with `fields` added to the state.
    static func map(_ fields: String = "", config: String? = standard) -> String {
        let processorConfig = config.map { #""ProcessorConfig": \#($0), "# } ?? ""
        let extra = fields.isEmpty ? "" : ", " + fields
        return #"{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemProcessor": {\#(processorConfig)"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}\#(extra)}}}"#
    }

    /// `map` with an `ItemReader` whose ReaderConfig is `config`.
    static func reader(_ resource: String, config: String? = nil, parameters: String = #"{"Bucket": "b", "Key": "k"}"#) -> String {
        let readerConfig = config.map { #", "ReaderConfig": \#($0)"# } ?? ""
        return map(#""ItemReader": {"Resource": "\#(resource)", "Parameters": \#(parameters)\#(readerConfig)}"#)
    }

    /// The Map state `M` of an accepted definition.
    static func mapState(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> MapState {
        let definition = try StateMachineDefinition(text: text)
        guard case .map(let map)? = definition.state(named: "M")?.kind else {
            Issue.record("M is not a Map state", sourceLocation: sourceLocation)
            throw DefinitionError(message: "M is not a Map state")
        }
        return map
    }

    /// The distributed part of the Map state `M` of an accepted definition.
    static func distributed(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> DistributedProcessing {
        let map = try mapState(text, sourceLocation: sourceLocation)
        guard let distributed = map.distributed else {
            Issue.record("M is not in DISTRIBUTED mode", sourceLocation: sourceLocation)
            throw DefinitionError(message: "M is not in DISTRIBUTED mode")
        }
        return distributed
    }

    /// The problems of `text`, which must be refused; empty when it was accepted.
    static func problems(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [DefinitionError.Problem] {
        do {
            _ = try StateMachineDefinition(text: text)
            Issue.record("the definition was accepted: \(text)", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.located
        }
    }

    /// Checks that `text` is refused with exactly one problem, at `path`, whose message
    /// contains `fragment`.
    static func expectRefused(_ text: String, path: String, fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let located = problems(text, sourceLocation: sourceLocation)
        #expect(located.map(\.path) == [path], "\(located)", sourceLocation: sourceLocation)
        #expect(located.contains { $0.message.contains(fragment) }, "\(located.map(\.message))", sourceLocation: sourceLocation)
    }

    /// A run-time failure's error.
    static func failure(_ body: () throws(StatesError) -> Void) -> StatesError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    // MARK: - ProcessorConfig

    @Test(arguments: [
        (#"{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}"#, DistributedProcessing.ExecutionType.standard),
        (#"{"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}"#, .express),
        (#"{"ExecutionType": "EXPRESS", "Mode": "DISTRIBUTED"}"#, .express),
    ])
    func distributedModeTakesAnExecutionType(config: String, executionType: DistributedProcessing.ExecutionType) throws {
        let map = try Self.mapState(Self.map(config: config))
        #expect(map.distributed?.executionType == executionType)
        #expect(map.distributed?.label == nil)
        #expect(map.distributed?.itemReader == nil)
        #expect(map.distributed?.itemBatcher == nil)
        #expect(map.distributed?.resultWriter == nil)
        #expect(map.distributed?.toleratedFailureCount == nil)
        #expect(map.distributed?.toleratedFailurePercentage == nil)
        #expect(map.processorField == "ItemProcessor")
        #expect(map.processor.startAt == "P")
    }

    @Test(arguments: [nil, #"{"Mode": "INLINE"}"#, "{}"])
    func inlineModeHasNoDistributedPart(config: String?) throws {
        let map = try Self.mapState(Self.map(config: config))
        #expect(map.distributed == nil)
    }

    static let processorConfigRefusals: [(config: String, path: String, fragment: String)] = [
        (#"{"Mode": "DISTRIBUTED"}"#, "/States/M/ItemProcessor/ProcessorConfig/ExecutionType",
         "field 'ItemProcessor.ProcessorConfig.ExecutionType' is required when Mode is DISTRIBUTED"),
        (#"{"Mode": "DISTRIBUTED", "ExecutionType": "ASYNC"}"#, "/States/M/ItemProcessor/ProcessorConfig/ExecutionType",
         "field 'ItemProcessor.ProcessorConfig.ExecutionType' must be STANDARD or EXPRESS, not 'ASYNC'"),
        (#"{"Mode": "DISTRIBUTED", "ExecutionType": "standard"}"#, "/States/M/ItemProcessor/ProcessorConfig/ExecutionType",
         "must be STANDARD or EXPRESS, not 'standard'"),
        (#"{"Mode": "SIDEWAYS"}"#, "/States/M/ItemProcessor/ProcessorConfig/Mode",
         "field 'ItemProcessor.ProcessorConfig.Mode' must be INLINE or DISTRIBUTED, not 'SIDEWAYS'"),
        (#"{"Mode": "distributed", "ExecutionType": "STANDARD"}"#, "/States/M/ItemProcessor/ProcessorConfig/Mode",
         "must be INLINE or DISTRIBUTED, not 'distributed'"),
        (#"{"Mode": true}"#, "/States/M/ItemProcessor/ProcessorConfig/Mode", "field 'ItemProcessor.ProcessorConfig.Mode' must be a string"),
        (#""DISTRIBUTED""#, "/States/M/ItemProcessor/ProcessorConfig", "field 'ItemProcessor.ProcessorConfig' must be an object, not string"),
        (#"{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD", "Fast": true}"#, "/States/M/ItemProcessor/ProcessorConfig/Fast",
         "field 'ItemProcessor.ProcessorConfig.Fast' is not supported in a ProcessorConfig"),
    ]

    @Test(arguments: processorConfigRefusals)
    func refusesABadProcessorConfig(config: String, path: String, fragment: String) {
        Self.expectRefused(Self.map(config: config), path: path, fragment: fragment)
    }

    /// Each field only DISTRIBUTED mode takes, with a value it would take there.
    static let distributedOnlyFields: [(field: String, value: String)] = [
        ("ItemReader", #"{"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b"}}"#),
        ("ItemBatcher", #"{"MaxItemsPerBatch": 2}"#),
        ("ResultWriter", #"{"WriterConfig": {"Transformation": "COMPACT"}}"#),
        ("ToleratedFailureCount", "1"),
        ("ToleratedFailureCountPath", #""$.n""#),
        ("ToleratedFailurePercentage", "5"),
        ("ToleratedFailurePercentagePath", #""$.p""#),
        ("Label", #""L""#),
    ]

    @Test(arguments: distributedOnlyFields, [nil, #"{"Mode": "INLINE"}"#])
    func inlineModeRefusesEachDistributedField(field: (field: String, value: String), config: String?) throws {
        Self.expectRefused(
            Self.map(#""\#(field.field)": \#(field.value)"#, config: config), path: "/States/M/\(field.field)",
            fragment: "State 'M': field '\(field.field)' is only supported in a Map state whose ItemProcessor's ProcessorConfig has Mode DISTRIBUTED")
        // The same field is taken in DISTRIBUTED mode.
        _ = try Self.distributed(Self.map(#""\#(field.field)": \#(field.value)"#))
    }

    /// AWS reports what is wrong: the missing ExecutionType, and nothing else.
    @Test func aMissingExecutionTypeIsTheOnlyProblem() {
        let located = Self.problems(Self.map(#""Label": "L", "ToleratedFailureCount": 1"#, config: #"{"Mode": "DISTRIBUTED"}"#))
        #expect(located.contains { $0.path == "/States/M/ItemProcessor/ProcessorConfig/ExecutionType" })
        #expect(located.map(\.path) == ["/States/M/ItemProcessor/ProcessorConfig/ExecutionType"], "\(located.map(\.message))")
    }

    // MARK: - Label

    @Test(arguments: ["TestMap", String(repeating: "a", count: 40), "map-run_1.v2", "a(b)!'+=@", "Étiquette", "名前"])
    func acceptsALabel(label: String) throws {
        let distributed = try Self.distributed(Self.map(#""Label": \#(JSONValue.string(label).serialized())"#))
        #expect(distributed.label == label)
    }

    static let forbiddenLabelCharacters: [String] = [
        "<", ">", "{", "}", "[", "]", "?", "*", "\"", "#", "%", "\\", "^", "|", "~", "`", "$", "&", ",", ";", ":", "/",
    ]
    static let controlCharacters: [String] = ["\u{0}", "\u{1}", "\t", "\n", "\r", "\u{1F}", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}"]

    @Test(arguments: [
        ("", "field 'Label' must not be empty"),
        (String(repeating: "a", count: 41), "field 'Label' must be at most 40 characters long"),
        ("my label", "field 'Label' must not contain whitespace"),
        (" ", "field 'Label' must not contain whitespace"),
    ] + forbiddenLabelCharacters.map { ("a\($0)b", "field 'Label' must not contain") }
        + controlCharacters.map { ("a\($0)b", "field 'Label' must not contain") })
    func refusesALabel(label: String, fragment: String) {
        Self.expectRefused(Self.map(#""Label": \#(JSONValue.string(label).serialized())"#), path: "/States/M/Label", fragment: fragment)
    }

    @Test func refusesALabelThatIsNotAString() {
        Self.expectRefused(Self.map(#""Label": 5"#), path: "/States/M/Label", fragment: "field 'Label' must be a string, not number")
    }

    // MARK: - ToleratedFailureCount, ToleratedFailurePercentage

    @Test(arguments: [
        (#""ToleratedFailureCount": 0"#, NumberSetting?.some(.value(0)), NumberSetting?.none),
        (#""ToleratedFailureCount": 5"#, .value(5), nil),
        (#""ToleratedFailureCount": 100000000"#, .value(100_000_000), nil),
        (#""ToleratedFailurePercentage": 0"#, nil, .value(0)),
        (#""ToleratedFailurePercentage": 1.1"#, nil, .value(1.1)),
        (#""ToleratedFailurePercentage": 100"#, nil, .value(100)),
        (#""ToleratedFailureCount": 2, "ToleratedFailurePercentage": 50"#, .value(2), .value(50)),
    ])
    func acceptsToleratedFailures(fields: String, count: NumberSetting?, percentage: NumberSetting?) throws {
        let distributed = try Self.distributed(Self.map(fields))
        #expect(distributed.toleratedFailureCount == count)
        #expect(distributed.toleratedFailurePercentage == percentage)
    }

    @Test func acceptsToleratedFailurePaths() throws {
        let distributed = try Self.distributed(Self.map(#""ToleratedFailureCountPath": "$.n", "ToleratedFailurePercentagePath": "$.limits.p""#))
        #expect(distributed.toleratedFailureCount == .path(try ReferencePath("$.n"), field: "ToleratedFailureCountPath"))
        #expect(distributed.toleratedFailurePercentage == .path(try ReferencePath("$.limits.p"), field: "ToleratedFailurePercentagePath"))
    }

    @Test(arguments: [
        (#""ToleratedFailureCount": -1"#, "/States/M/ToleratedFailureCount", "field 'ToleratedFailureCount' must be a non-negative integer, not -1"),
        (#""ToleratedFailureCount": 1.5"#, "/States/M/ToleratedFailureCount", "field 'ToleratedFailureCount' must be a non-negative integer, not 1.5"),
        (#""ToleratedFailureCount": "3""#, "/States/M/ToleratedFailureCount", "field 'ToleratedFailureCount' must be a non-negative integer"),
        (#""ToleratedFailurePercentage": -1"#, "/States/M/ToleratedFailurePercentage", "field 'ToleratedFailurePercentage' must be a number from 0 to 100, not -1"),
        (#""ToleratedFailurePercentage": 100.1"#, "/States/M/ToleratedFailurePercentage", "must be a number from 0 to 100, not 100.1"),
        (#""ToleratedFailurePercentage": 101"#, "/States/M/ToleratedFailurePercentage", "must be a number from 0 to 100, not 101"),
        (#""ToleratedFailurePercentage": null"#, "/States/M/ToleratedFailurePercentage", "must be a number from 0 to 100, not null"),
        (#""ToleratedFailureCountPath": "n""#, "/States/M/ToleratedFailureCountPath", "field 'ToleratedFailureCountPath' must be a valid reference path"),
        (#""ToleratedFailurePercentagePath": "$.a[*]""#, "/States/M/ToleratedFailurePercentagePath",
         "field 'ToleratedFailurePercentagePath' must be a valid reference path"),
        (#""ToleratedFailureCountPath": 3"#, "/States/M/ToleratedFailureCountPath", "field 'ToleratedFailureCountPath' must be a string, not number"),
    ])
    func refusesToleratedFailures(fields: String, path: String, fragment: String) {
        Self.expectRefused(Self.map(fields), path: path, fragment: fragment)
    }

    // MARK: - ItemBatcher

    @Test(arguments: [
        (#"{"MaxItemsPerBatch": 2}"#, NumberSetting?.some(.value(2)), NumberSetting?.none, false),
        (#"{"MaxItemsPerBatch": 100000000}"#, .value(100_000_000), nil, false),
        (#"{"MaxInputBytesPerBatch": 262144}"#, nil, .value(262_144), false),
        (#"{"MaxInputBytesPerBatch": 1}"#, nil, .value(1), false),
        (#"{"MaxItemsPerBatch": 10, "MaxInputBytesPerBatch": 1024, "BatchInput": {"run.$": "$.run", "fixed": 1}}"#, .value(10), .value(1024), true),
        (#"{"MaxItemsPerBatchPath": "$.n"}"#, .path(try! ReferencePath("$.n"), field: "ItemBatcher.MaxItemsPerBatchPath"), nil, false),
        (#"{"MaxInputBytesPerBatchPath": "$.b"}"#, nil, .path(try! ReferencePath("$.b"), field: "ItemBatcher.MaxInputBytesPerBatchPath"), false),
    ])
    func acceptsAnItemBatcher(batcher: String, maxItems: NumberSetting?, maxBytes: NumberSetting?, hasBatchInput: Bool) throws {
        let distributed = try Self.distributed(Self.map(#""ItemBatcher": \#(batcher)"#))
        #expect(distributed.itemBatcher?.maxItemsPerBatch == maxItems)
        #expect(distributed.itemBatcher?.maxInputBytesPerBatch == maxBytes)
        #expect((distributed.itemBatcher?.batchInput != nil) == hasBatchInput)
    }

    @Test(arguments: [
        (#"{"MaxItemsPerBatch": 0}"#, "/States/M/ItemBatcher/MaxItemsPerBatch", "field 'ItemBatcher.MaxItemsPerBatch' must be a positive integer, not 0"),
        (#"{"MaxItemsPerBatch": -2}"#, "/States/M/ItemBatcher/MaxItemsPerBatch", "field 'ItemBatcher.MaxItemsPerBatch' must be a positive integer, not -2"),
        (#"{"MaxItemsPerBatch": 2.5}"#, "/States/M/ItemBatcher/MaxItemsPerBatch", "field 'ItemBatcher.MaxItemsPerBatch' must be a positive integer, not 2.5"),
        (#"{"MaxItemsPerBatch": "2"}"#, "/States/M/ItemBatcher/MaxItemsPerBatch", "field 'ItemBatcher.MaxItemsPerBatch' must be a positive integer"),
        (#"{"MaxInputBytesPerBatch": 262145}"#, "/States/M/ItemBatcher/MaxInputBytesPerBatch",
         "field 'ItemBatcher.MaxInputBytesPerBatch' must be a positive integer up to 262144, not 262145"),
        (#"{"MaxInputBytesPerBatch": 0}"#, "/States/M/ItemBatcher/MaxInputBytesPerBatch",
         "field 'ItemBatcher.MaxInputBytesPerBatch' must be a positive integer up to 262144, not 0"),
        (#"{"MaxItemsPerBatch": 2, "BatchInput": [1]}"#, "/States/M/ItemBatcher/BatchInput", "field 'ItemBatcher.BatchInput' must be an object, not array"),
        (#"{"MaxItemsPerBatch": 2, "BatchInput": "x"}"#, "/States/M/ItemBatcher/BatchInput", "field 'ItemBatcher.BatchInput' must be an object, not string"),
        (#"{"MaxItemsPerBatch": 2, "BatchInput": {"a.$": "nope"}}"#, "/States/M/ItemBatcher/BatchInput", "State 'M'"),
        (#"{"MaxItemsPerBatch": 2, "MaxItems": 3}"#, "/States/M/ItemBatcher/MaxItems", "field 'ItemBatcher.MaxItems' is not supported in an ItemBatcher"),
        (#"{"MaxItemsPerBatchPath": "n"}"#, "/States/M/ItemBatcher/MaxItemsPerBatchPath",
         "field 'ItemBatcher.MaxItemsPerBatchPath' must be a valid reference path"),
        ("[]", "/States/M/ItemBatcher", "field 'ItemBatcher' must be an object, not array"),
    ])
    func refusesAnItemBatcher(batcher: String, path: String, fragment: String) {
        Self.expectRefused(Self.map(#""ItemBatcher": \#(batcher)"#), path: path, fragment: fragment)
    }

    // MARK: - ItemReader

    @Test(arguments: [
        (reader(getObject, config: #"{"InputType": "JSON"}"#), ItemReader.Source.object(.json(itemsPointer: nil))),
        (reader(getObject, config: #"{"InputType": "JSON", "ItemsPointer": "/data/items"}"#), .object(.json(itemsPointer: "/data/items"))),
        (reader(getObject, config: #"{"InputType": "JSONL"}"#), .object(.jsonLines)),
        (reader(getObject, config: #"{"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}"#), .object(.csv(CSVOptions(headers: .firstRow)))),
        (reader(getObject, config: #"{"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "b"]}"#),
         .object(.csv(CSVOptions(headers: .given(["a", "b"]))))),
        (reader(getObject, config: #"{"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "COMMA"}"#),
         .object(.csv(CSVOptions(headers: .firstRow, delimiter: .comma)))),
        (reader(getObject, config: #"{"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "PIPE"}"#),
         .object(.csv(CSVOptions(headers: .firstRow, delimiter: .pipe)))),
        (reader(getObject, config: #"{"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "SEMICOLON"}"#),
         .object(.csv(CSVOptions(headers: .firstRow, delimiter: .semicolon)))),
        (reader(getObject, config: #"{"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["x"], "CSVDelimiter": "SPACE"}"#),
         .object(.csv(CSVOptions(headers: .given(["x"]), delimiter: .space)))),
        (reader(getObject, config: #"{"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "TAB"}"#),
         .object(.csv(CSVOptions(headers: .firstRow, delimiter: .tab)))),
        (reader(listObjects, parameters: #"{"Bucket": "b", "Prefix": "p/"}"#), .listing),
        (reader(listObjects, config: #"{"MaxItems": 3}"#, parameters: #"{"Bucket.$": "$.bucket"}"#), .listing),
    ])
    func acceptsAnItemReader(text: String, source: ItemReader.Source) throws {
        let itemReader = try #require(try Self.distributed(text).itemReader)
        #expect(itemReader.source == source)
        #expect(itemReader.parameters != nil)
    }

    @Test(arguments: [
        (#"{"InputType": "JSON", "MaxItems": 0}"#, NumberSetting?.some(.value(0))),
        (#"{"InputType": "JSON", "MaxItems": 25}"#, .value(25)),
        (#"{"InputType": "JSON", "MaxItems": 100000000}"#, .value(100_000_000)),
        (#"{"InputType": "JSON", "MaxItemsPath": "$.max"}"#, .path(try! ReferencePath("$.max"), field: "ItemReader.ReaderConfig.MaxItemsPath")),
        (#"{"InputType": "JSON"}"#, nil),
    ])
    func readsMaxItems(config: String, maxItems: NumberSetting?) throws {
        let itemReader = try #require(try Self.distributed(Self.reader(Self.getObject, config: config)).itemReader)
        #expect(itemReader.maxItems == maxItems)
    }

    static let itemReaderRefusals: [(text: String, path: String, fragment: String)] = [
        (reader(getObject), "/States/M/ItemReader/ReaderConfig/InputType",
         "field 'ItemReader.ReaderConfig.InputType' is required with 'arn:aws:states:::s3:getObject'"),
        (reader(getObject, config: "{}"), "/States/M/ItemReader/ReaderConfig/InputType",
         "field 'ItemReader.ReaderConfig.InputType' is required with 'arn:aws:states:::s3:getObject'"),
        (reader(getObject, config: #"{"InputType": "MANIFEST"}"#), "/States/M/ItemReader/ReaderConfig/InputType",
         "field 'ItemReader.ReaderConfig.InputType' 'MANIFEST' is not supported by stepd"),
        (reader(getObject, config: #"{"InputType": "PARQUET"}"#), "/States/M/ItemReader/ReaderConfig/InputType",
         "field 'ItemReader.ReaderConfig.InputType' 'PARQUET' is not supported by stepd"),
        (reader(getObject, config: #"{"InputType": "XML"}"#), "/States/M/ItemReader/ReaderConfig/InputType",
         "field 'ItemReader.ReaderConfig.InputType' must be one of JSON, JSONL, CSV, MANIFEST and PARQUET, not 'XML'"),
        (reader(getObject, config: #"{"InputType": "json"}"#), "/States/M/ItemReader/ReaderConfig/InputType", "not 'json'"),
        (reader(listObjects, config: #"{"InputType": "JSON"}"#), "/States/M/ItemReader/ReaderConfig/InputType",
         "field 'ItemReader.ReaderConfig.InputType' is not taken with 'arn:aws:states:::s3:listObjectsV2'"),
        (reader("arn:aws:states:::s3:putObject"), "/States/M/ItemReader/Resource",
         "field 'ItemReader.Resource' must be 'arn:aws:states:::s3:getObject' or 'arn:aws:states:::s3:listObjectsV2', not 'arn:aws:states:::s3:putObject'"),
        (reader("arn:aws:states:::s3:getObject.sync", config: #"{"InputType": "JSON"}"#), "/States/M/ItemReader/Resource",
         "not 'arn:aws:states:::s3:getObject.sync'"),
        (map(#""ItemReader": {"Parameters": {"Bucket": "b"}}"#), "/States/M/ItemReader/Resource", "field 'ItemReader.Resource' is required"),
        (reader(getObject, config: #"{"InputType": "JSON", "MaxItems": -1}"#), "/States/M/ItemReader/ReaderConfig/MaxItems",
         "field 'ItemReader.ReaderConfig.MaxItems' must be an integer from 0 to 100000000, not -1"),
        (reader(getObject, config: #"{"InputType": "JSON", "MaxItems": 100000001}"#), "/States/M/ItemReader/ReaderConfig/MaxItems",
         "field 'ItemReader.ReaderConfig.MaxItems' must be an integer from 0 to 100000000, not 100000001"),
        (reader(getObject, config: #"{"InputType": "JSON", "MaxItems": 1.5}"#), "/States/M/ItemReader/ReaderConfig/MaxItems",
         "must be an integer from 0 to 100000000, not 1.5"),
        (reader(getObject, config: #"{"InputType": "JSON", "Compression": "GZIP"}"#), "/States/M/ItemReader/ReaderConfig/Compression",
         "field 'ItemReader.ReaderConfig.Compression' is not supported in a ReaderConfig"),
        (reader(listObjects, config: #"{"Delimiter": "/"}"#), "/States/M/ItemReader/ReaderConfig/Delimiter",
         "field 'ItemReader.ReaderConfig.Delimiter' is not supported in a ReaderConfig"),
        (reader(listObjects, config: #""JSON""#), "/States/M/ItemReader/ReaderConfig", "field 'ItemReader.ReaderConfig' must be an object, not string"),
        (map(#""ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b"}, "Mode": "x"}"#),
         "/States/M/ItemReader/Mode", "field 'ItemReader.Mode' is not supported in an ItemReader"),
        (reader(listObjects, parameters: #""b""#), "/States/M/ItemReader/Parameters", "field 'ItemReader.Parameters' must be an object, not string"),
        (map(#""ItemReader": "s3://b/k""#), "/States/M/ItemReader", "field 'ItemReader' must be an object, not string"),
        (map(#""ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b"}}, "ItemsPath": "$.items""#),
         "/States/M/ItemsPath", "State 'M': has both 'ItemReader' and 'ItemsPath'"),
        // CSV.
        (reader(getObject, config: #"{"InputType": "CSV"}"#), "/States/M/ItemReader/ReaderConfig/CSVHeaderLocation",
         "field 'ItemReader.ReaderConfig.CSVHeaderLocation' is required when InputType is CSV"),
        (reader(getObject, config: #"{"InputType": "CSV", "CSVHeaderLocation": "LAST_ROW"}"#), "/States/M/ItemReader/ReaderConfig/CSVHeaderLocation",
         "field 'ItemReader.ReaderConfig.CSVHeaderLocation' must be FIRST_ROW or GIVEN, not 'LAST_ROW'"),
        (reader(getObject, config: #"{"InputType": "CSV", "CSVHeaderLocation": "GIVEN"}"#), "/States/M/ItemReader/ReaderConfig/CSVHeaders",
         "field 'ItemReader.ReaderConfig.CSVHeaders' must be a non-empty array of strings when CSVHeaderLocation is GIVEN"),
        (reader(getObject, config: #"{"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": []}"#),
         "/States/M/ItemReader/ReaderConfig/CSVHeaders", "must be a non-empty array of strings"),
        (reader(getObject, config: #"{"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", 1]}"#),
         "/States/M/ItemReader/ReaderConfig/CSVHeaders", "must be a non-empty array of strings"),
        (reader(getObject, config: #"{"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": "a,b"}"#),
         "/States/M/ItemReader/ReaderConfig/CSVHeaders", "must be a non-empty array of strings"),
        (reader(getObject, config: #"{"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVHeaders": ["a"]}"#),
         "/States/M/ItemReader/ReaderConfig/CSVHeaders", "field 'ItemReader.ReaderConfig.CSVHeaders' is only taken when CSVHeaderLocation is GIVEN"),
        (reader(getObject, config: #"{"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "COLON"}"#),
         "/States/M/ItemReader/ReaderConfig/CSVDelimiter",
         "field 'ItemReader.ReaderConfig.CSVDelimiter' must be one of COMMA, PIPE, SEMICOLON, SPACE, TAB, not 'COLON'"),
        (reader(getObject, config: #"{"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": ","}"#),
         "/States/M/ItemReader/ReaderConfig/CSVDelimiter", "not ','"),
    ]

    @Test(arguments: itemReaderRefusals)
    func refusesAnItemReader(text: String, path: String, fragment: String) {
        Self.expectRefused(text, path: path, fragment: fragment)
    }

    // MARK: - ResultWriter

    @Test(arguments: [
        (#"{"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "out"}}"#, true, ResultWriter.Transformation.none, ResultWriter.OutputType.json),
        (#"{"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket.$": "$.bucket"}}"#, true, .none, .json),
        (#"{"WriterConfig": {"OutputType": "JSONL"}}"#, false, .compact, .jsonLines),
        (#"{"WriterConfig": {"Transformation": "FLATTEN"}}"#, false, .flatten, .json),
        (#"{"WriterConfig": {"Transformation": "NONE", "OutputType": "JSON"}}"#, false, .none, .json),
        (#"{"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b"}, "WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSONL"}}"#,
         true, .compact, .jsonLines),
        (#"{"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b"}, "WriterConfig": {"OutputType": "JSONL"}}"#, true, .none, .jsonLines),
    ])
    func acceptsAResultWriter(writer: String, exports: Bool, transformation: ResultWriter.Transformation, outputType: ResultWriter.OutputType) throws {
        let resultWriter = try #require(try Self.distributed(Self.map(#""ResultWriter": \#(writer)"#)).resultWriter)
        #expect(resultWriter.exports == exports)
        #expect((resultWriter.parameters != nil) == exports)
        #expect(resultWriter.transformation == transformation)
        #expect(resultWriter.outputType == outputType)
    }

    @Test(arguments: [
        (#"{"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b"}}"#, "/States/M/ResultWriter/Resource",
         "field 'ResultWriter.Resource' must be 'arn:aws:states:::s3:putObject', not 'arn:aws:states:::s3:getObject'"),
        (#"{"WriterConfig": {"Transformation": "RAW"}}"#, "/States/M/ResultWriter/WriterConfig/Transformation",
         "field 'ResultWriter.WriterConfig.Transformation' must be one of NONE, COMPACT and FLATTEN, not 'RAW'"),
        (#"{"WriterConfig": {"Transformation": "compact"}}"#, "/States/M/ResultWriter/WriterConfig/Transformation", "not 'compact'"),
        (#"{"WriterConfig": {"OutputType": "CSV"}}"#, "/States/M/ResultWriter/WriterConfig/OutputType",
         "field 'ResultWriter.WriterConfig.OutputType' must be JSON or JSONL, not 'CSV'"),
        (#"{"WriterConfig": {"Compression": "GZIP"}}"#, "/States/M/ResultWriter/WriterConfig/Compression",
         "field 'ResultWriter.WriterConfig.Compression' is not supported in a WriterConfig"),
        (#"{"WriterConfig": "COMPACT"}"#, "/States/M/ResultWriter/WriterConfig", "field 'ResultWriter.WriterConfig' must be an object, not string"),
        (#"{"WriterConfig": {}, "Bucket": "b"}"#, "/States/M/ResultWriter/Bucket", "field 'ResultWriter.Bucket' is not supported in a ResultWriter"),
        (#"{"Resource": "arn:aws:states:::s3:putObject", "Parameters": "b"}"#, "/States/M/ResultWriter/Parameters",
         "field 'ResultWriter.Parameters' must be an object, not string"),
        ("true", "/States/M/ResultWriter", "field 'ResultWriter' must be an object, not boolean"),
    ])
    func refusesAResultWriter(writer: String, path: String, fragment: String) {
        Self.expectRefused(Self.map(#""ResultWriter": \#(writer)"#), path: path, fragment: fragment)
    }

    /// A problem with the ItemBatcher or ResultWriter as a whole (a field missing, a wrong
    /// combination) is located at that object, as every other problem is at its field.
    @Test(arguments: [
        (#""ItemBatcher": {}"#, "/States/M/ItemBatcher",
         "field 'ItemBatcher' must have at least one of MaxItemsPerBatch, MaxItemsPerBatchPath, MaxInputBytesPerBatch and MaxInputBytesPerBatchPath"),
        (#""ItemBatcher": {"BatchInput": {"a": 1}}"#, "/States/M/ItemBatcher", "field 'ItemBatcher' must have at least one of"),
        (#""ResultWriter": {"Resource": "arn:aws:states:::s3:putObject"}"#, "/States/M/ResultWriter",
         "field 'ResultWriter' with a Resource must have Parameters with the Bucket"),
        (#""ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "WriterConfig": {"Transformation": "NONE"}}"#, "/States/M/ResultWriter",
         "field 'ResultWriter' with a Resource must have Parameters"),
        (#""ResultWriter": {"Parameters": {"Bucket": "b"}}"#, "/States/M/ResultWriter", "field 'ResultWriter' with Parameters must have a Resource"),
        (#""ResultWriter": {"Parameters": {"Bucket": "b"}, "WriterConfig": {"OutputType": "JSON"}}"#, "/States/M/ResultWriter",
         "field 'ResultWriter' with Parameters must have a Resource"),
        (#""ResultWriter": {}"#, "/States/M/ResultWriter", "field 'ResultWriter' must have a Resource and Parameters, a WriterConfig, or all three"),
    ])
    func refusesAnIncompleteObject(fields: String, path: String, fragment: String) {
        let located = Self.problems(Self.map(fields))
        #expect(located.count == 1, "\(located)")
        #expect(located.contains { $0.message.contains(fragment) }, "\(located.map(\.message))")
        #expect(located.map(\.path) == [path])
    }

    /// A number given both as a value and as a path is one problem, at the path field.
    static let valueAndPath: [(text: String, path: String, fragment: String)] = [
        (map(#""ToleratedFailureCount": 1, "ToleratedFailureCountPath": "$.n""#), "/States/M/ToleratedFailureCountPath",
         "State 'M': has both 'ToleratedFailureCount' and 'ToleratedFailureCountPath'; it may have only one"),
        (map(#""ToleratedFailurePercentage": 1, "ToleratedFailurePercentagePath": "$.p""#), "/States/M/ToleratedFailurePercentagePath",
         "State 'M': has both 'ToleratedFailurePercentage' and 'ToleratedFailurePercentagePath'; it may have only one"),
        (map(#""ItemBatcher": {"MaxItemsPerBatch": 2, "MaxItemsPerBatchPath": "$.n"}"#), "/States/M/ItemBatcher/MaxItemsPerBatchPath",
         "has both 'ItemBatcher.MaxItemsPerBatch' and 'ItemBatcher.MaxItemsPerBatchPath'; it may have only one"),
        (map(#""ItemBatcher": {"MaxInputBytesPerBatch": 2, "MaxInputBytesPerBatchPath": "$.n"}"#), "/States/M/ItemBatcher/MaxInputBytesPerBatchPath",
         "has both 'ItemBatcher.MaxInputBytesPerBatch' and 'ItemBatcher.MaxInputBytesPerBatchPath'; it may have only one"),
        (reader(listObjects, config: #"{"MaxItems": 5, "MaxItemsPath": "$.m"}"#), "/States/M/ItemReader/ReaderConfig/MaxItemsPath",
         "has both 'ItemReader.ReaderConfig.MaxItems' and 'ItemReader.ReaderConfig.MaxItemsPath'; it may have only one"),
    ]

    @Test(arguments: valueAndPath)
    func aValueAndItsPathAreExclusive(text: String, path: String, fragment: String) {
        let located = Self.problems(text)
        #expect(located.first?.path == path, "\(located)")
        #expect(located.first?.message.contains(fragment) == true, "\(located.map(\.message))")
        #expect(located.count == 1, "\(located.map(\.message))")
    }

    /// A field of the wrong type is one problem, at that field.
    static let wrongTypes: [(text: String, path: String, fragment: String)] = [
        (map(config: #"{"Mode": "DISTRIBUTED", "ExecutionType": 1}"#), "/States/M/ItemProcessor/ProcessorConfig/ExecutionType",
         "field 'ItemProcessor.ProcessorConfig.ExecutionType' must be a string, not number"),
        (reader(getObject, config: #"{"InputType": 1}"#), "/States/M/ItemReader/ReaderConfig/InputType",
         "field 'ItemReader.ReaderConfig.InputType' must be a string, not number"),
        (map(#""ResultWriter": {"Resource": 5, "Parameters": {"Bucket": "b"}}"#), "/States/M/ResultWriter/Resource",
         "field 'ResultWriter.Resource' must be a string, not number"),
    ]

    @Test(arguments: wrongTypes)
    func aFieldOfTheWrongTypeIsOneProblem(text: String, path: String, fragment: String) {
        let located = Self.problems(text)
        #expect(located.first?.path == path, "\(located)")
        #expect(located.first?.message.contains(fragment) == true, "\(located.map(\.message))")
        #expect(located.count == 1, "\(located.map(\.message))")
    }

    // MARK: - Run time: ItemBatcher.batches

    static func batcher(_ batcher: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ItemBatcher {
        try #require(try distributed(map(#""ItemBatcher": \#(batcher)"#), sourceLocation: sourceLocation).itemBatcher, sourceLocation: sourceLocation)
    }

    @Test func batchesByItemCountInOrder() throws {
        let batches = try Self.batcher(#"{"MaxItemsPerBatch": 2}"#).batches(of: [1, 2, 3, 4, 5], effectiveInput: [:], context: [:])
        #expect(batches == [["Items": [1, 2]], ["Items": [3, 4]], ["Items": [5]]])
        let single = try Self.batcher(#"{"MaxItemsPerBatch": 10}"#).batches(of: ["a", "b"], effectiveInput: [:], context: [:])
        #expect(single == [["Items": ["a", "b"]]])
        #expect(try Self.batcher(#"{"MaxItemsPerBatch": 3}"#).batches(of: [], effectiveInput: [:], context: [:]) == [])
    }

    /// `{"Items":["i001","i002"]}` is 25 bytes: it fits 25, not 24.
    @Test(arguments: [(25, [["i001", "i002"], ["i003", "i004"], ["i005"]]), (24, [["i001"], ["i002"], ["i003"], ["i004"], ["i005"]])])
    func batchesByBytes(maxBytes: Int, expected: [[String]]) throws {
        let items: [JSONValue] = ["i001", "i002", "i003", "i004", "i005"]
        let batches = try Self.batcher(#"{"MaxInputBytesPerBatch": \#(maxBytes)}"#).batches(of: items, effectiveInput: [:], context: [:])
        #expect(batches == expected.map { ["Items": .array($0.map(JSONValue.string))] })
        for batch in batches { #expect(batch.serialized().utf8.count <= maxBytes, "\(batch.serialized())") }
    }

    @Test func theSmallerBoundCutsTheBatch() throws {
        let items: [JSONValue] = ["i001", "i002", "i003"]
        let byBytes = try Self.batcher(#"{"MaxItemsPerBatch": 3, "MaxInputBytesPerBatch": 25}"#).batches(of: items, effectiveInput: [:], context: [:])
        #expect(byBytes == [["Items": ["i001", "i002"]], ["Items": ["i003"]]])
        let byCount = try Self.batcher(#"{"MaxItemsPerBatch": 1, "MaxInputBytesPerBatch": 262144}"#).batches(of: items, effectiveInput: [:], context: [:])
        #expect(byCount == [["Items": ["i001"]], ["Items": ["i002"]], ["Items": ["i003"]]])
    }

    @Test func anItemTooBigForABatchAloneFails() throws {
        let batcher = try Self.batcher(#"{"MaxInputBytesPerBatch": 20}"#)
        let error = Self.failure { () throws(StatesError) in _ = try batcher.batches(of: ["ok", "this item is too long"], effectiveInput: [:], context: [:]) }
        #expect(error?.name == "States.Runtime")
        #expect(error?.cause.contains("Item 1") == true, "\(error?.cause ?? "")")
        #expect(error?.cause.contains("MaxInputBytesPerBatch (20 bytes)") == true, "\(error?.cause ?? "")")
        // The first item alone fits.
        #expect(try batcher.batches(of: ["ok"], effectiveInput: [:], context: [:]) == [["Items": ["ok"]]])
    }

    @Test func batchInputIsEvaluatedOnTheEffectiveInputAndCounted() throws {
        let batcher = try Self.batcher(#"{"MaxItemsPerBatch": 2, "BatchInput": {"run.$": "$.run", "fixed": 1}}"#)
        let batches = try batcher.batches(of: [1, 2, 3], effectiveInput: ["run": "r1", "other": true], context: [:])
        let shared: JSONValue = ["run": "r1", "fixed": 1]
        #expect(batches == [["BatchInput": shared, "Items": [1, 2]], ["BatchInput": shared, "Items": [3]]])

        // {"BatchInput":{"b":1},"Items":["i001"]} is 39 bytes; with a second item, 46.
        let counted = try Self.batcher(#"{"MaxInputBytesPerBatch": 40, "BatchInput": {"b": 1}}"#)
        let cut = try counted.batches(of: ["i001", "i002"], effectiveInput: [:], context: [:])
        #expect(cut == [["BatchInput": ["b": 1], "Items": ["i001"]], ["BatchInput": ["b": 1], "Items": ["i002"]]])
        for batch in cut { #expect(batch.serialized().utf8.count <= 40, "\(batch.serialized())") }
    }

    @Test func batchSizesComeFromTheirPaths() throws {
        let batcher = try Self.batcher(#"{"MaxItemsPerBatchPath": "$.size", "MaxInputBytesPerBatchPath": "$.bytes"}"#)
        let batches = try batcher.batches(of: [1, 2, 3], effectiveInput: ["size": 2, "bytes": 1000], context: [:])
        #expect(batches == [["Items": [1, 2]], ["Items": [3]]])
        for input: JSONValue in [["size": "two", "bytes": 1000], ["size": 0, "bytes": 1000], ["size": 1.5, "bytes": 1000], ["bytes": 1000]] {
            let error = Self.failure { () throws(StatesError) in _ = try batcher.batches(of: [1], effectiveInput: input, context: [:]) }
            #expect(error?.name == "States.Runtime", "\(input)")
            #expect(error?.cause.contains("MaxItemsPerBatchPath") == true, "\(error?.cause ?? "")")
        }
        let tooMany = Self.failure { () throws(StatesError) in _ = try batcher.batches(of: [1], effectiveInput: ["size": 1, "bytes": 262_145], context: [:]) }
        #expect(tooMany?.name == "States.Runtime")
        #expect(tooMany?.cause.contains("MaxInputBytesPerBatchPath") == true, "\(tooMany?.cause ?? "")")
    }

    // MARK: - Run time: tolerated failures, MaxItems

    @Test func toleratedFailuresResolve() throws {
        let none = try Self.distributed(Self.map()).toleratedFailures(input: [:], context: [:])
        #expect(none.count == nil && none.percentage == nil)
        let values = try Self.distributed(Self.map(#""ToleratedFailureCount": 2, "ToleratedFailurePercentage": 12.5"#))
            .toleratedFailures(input: [:], context: [:])
        #expect(values.count == 2 && values.percentage == 12.5)
        let paths = try Self.distributed(Self.map(#""ToleratedFailureCountPath": "$.n", "ToleratedFailurePercentagePath": "$.p""#))
        let resolved = try paths.toleratedFailures(input: ["n": 3, "p": 1.1], context: [:])
        #expect(resolved.count == 3 && resolved.percentage == 1.1)
        let edges = try paths.toleratedFailures(input: ["n": 0, "p": 100], context: [:])
        #expect(edges.count == 0 && edges.percentage == 100)
    }

    static let badToleratedFailureInputs: [(input: JSONValue, field: String)] = [
        (["n": "NoNumber", "p": 1], "ToleratedFailureCountPath"),
        (["n": [:], "p": 1], "ToleratedFailureCountPath"),
        (["n": -1, "p": 1], "ToleratedFailureCountPath"),
        (["n": 1.5, "p": 1], "ToleratedFailureCountPath"),
        (["p": 1], "ToleratedFailureCountPath"),
        (["n": 1, "p": "1"], "ToleratedFailurePercentagePath"),
        (["n": 1, "p": -1.1], "ToleratedFailurePercentagePath"),
        (["n": 1, "p": 100.1], "ToleratedFailurePercentagePath"),
    ]

    @Test(arguments: badToleratedFailureInputs)
    func aToleratedFailurePathToABadValueFails(input: JSONValue, field: String) throws {
        let distributed = try Self.distributed(Self.map(#""ToleratedFailureCountPath": "$.n", "ToleratedFailurePercentagePath": "$.p""#))
        let error = Self.failure { () throws(StatesError) in _ = try distributed.toleratedFailures(input: input, context: [:]) }
        #expect(error?.name == "States.Runtime")
        // AWS names the field without "Path" for a value out of range.
        #expect(error?.cause.contains(field.replacingOccurrences(of: "Path", with: "")) == true, "\(error?.cause ?? "")")
    }

    /// AWS's causes, recorded (spec R4.2), after its "An error occurred while executing the
    /// state 'MapState' (entered at the event id #2). ".
    static let awsToleratedFailureCauses: [(input: JSONValue, cause: String)] = [
        (["ToleratedFailureCount": [:]],
         #"The ToleratedFailureCountPath field refers to value "{}" which is not a valid integer: $.ToleratedFailureCount"#),
        (["ToleratedFailureCount": -1], "ToleratedFailureCount cannot be negative."),
        (["ToleratedFailurePercentage": [:]],
         #"The ToleratedFailurePercentagePath field refers to value "{}" which is not a valid float: $.ToleratedFailurePercentage"#),
        (["ToleratedFailurePercentage": 100.1], "ToleratedFailurePercentage must be between 0 and 100."),
    ]

    @Test(arguments: awsToleratedFailureCauses)
    func aToleratedFailurePathFailsWithAWSsCause(input: JSONValue, cause: String) throws {
        let field = input.objectValue?.keys.first ?? ""
        let distributed = try Self.distributed(Self.map(#""\#(field)Path": "$.\#(field)""#))
        let error = Self.failure { () throws(StatesError) in _ = try distributed.toleratedFailures(input: input, context: [:]) }
        #expect(error?.name == "States.Runtime")
        #expect(error?.cause.contains(cause) == true, "\(error?.cause ?? "")")
    }

    @Test func maxItemsResolve() throws {
        func itemReader(_ config: String) throws -> ItemReader {
            try #require(try Self.distributed(Self.reader(Self.listObjects, config: config)).itemReader)
        }
        #expect(try itemReader("{}").resolvedMaxItems(input: ["max": 4], context: [:]) == nil)
        #expect(try itemReader(#"{"MaxItems": 5}"#).resolvedMaxItems(input: ["max": 4], context: [:]) == 5)
        #expect(try itemReader(#"{"MaxItems": 0}"#).resolvedMaxItems(input: [:], context: [:]) == 0)
        let byPath = try itemReader(#"{"MaxItemsPath": "$.max"}"#)
        #expect(try byPath.resolvedMaxItems(input: ["max": 4], context: [:]) == 4)
        #expect(try byPath.resolvedMaxItems(input: ["max": 100_000_000], context: [:]) == 100_000_000)
        for input: JSONValue in [["max": "4"], ["max": 2.5], ["max": -1], [:]] {
            let error = Self.failure { () throws(StatesError) in _ = try byPath.resolvedMaxItems(input: input, context: [:]) }
            #expect(error?.name == "States.Runtime", "\(input)")
            #expect(error?.cause.contains("MaxItemsPath") == true, "\(error?.cause ?? "")")
        }
    }

    @Test func twoMapStatesMayNotShareALabel() {
        let processor = #"{"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#
        let text = #"{"StartAt": "A", "States": {"A": {"Type": "Map", "Label": "L", "Next": "B", "ItemProcessor": \#(processor)}, "B": {"Type": "Map", "Label": "L", "End": true, "ItemProcessor": \#(processor.replacingOccurrences(of: "\"P\"", with: "\"Q\""))}}}"#
        let located = Self.problems(text)
        #expect(located.map(\.path) == ["/States/B/Label"], "\(located.map(\.message))")
        #expect(located.first?.message.contains("is the label of state 'A' too") == true)
    }
}
