import JSON

/// `"Type": "Map"`: runs its item processor once for each item of the array at `ItemsPath` in
/// its effective input, at most `MaxConcurrency` iterations at a time (0: no bound), and
/// waits for all of them; its result is the array of their outputs, in item order. In INLINE
/// mode an iteration that fails stops the others and fails the state with the iteration's
/// error; in DISTRIBUTED mode (`distributed`) each iteration is a child execution of a map
/// run, and its failures are tolerated up to a count or a share.
public struct MapState: Sendable {
    public let processor: StateGraph
    /// The field the processor was read from: `ItemProcessor`, or the older `Iterator`.
    public let processorField: String
    public let inputPath: InputPath
    /// Where the items are in the effective input; `$` when not given.
    public let itemsPath: ReferencePath
    /// `ItemSelector` (or the older `Parameters`): each iteration's input, built with
    /// `$$.Map.Item.Index` and `$$.Map.Item.Value`; the item itself when not given.
    public let itemSelector: PayloadTemplate?
    public let maxConcurrency: Int
    public let maxConcurrencyPath: ReferencePath?
    public let resultSelector: PayloadTemplate?
    public let resultPath: ResultPath
    public let outputPath: OutputPath
    public let transition: Transition
    public let retry: [Retrier]
    public let catchers: [Catcher]
    /// `Assign`: the variables the state sets as it is left.
    public let assign: Assignment?
    /// AWS's DISTRIBUTED mode: each item a child execution; nil in INLINE mode.
    public let distributed: DistributedProcessing?

    /// The largest MaxConcurrency stepd takes (AWS's largest for a distributed Map).
    static let maximumConcurrency = 10_000

    /// The fields of AWS's DISTRIBUTED mode, refused in INLINE mode as AWS refuses them.
    static let distributedFields = [
        "ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailureCount", "ToleratedFailureCountPath",
        "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label",
    ]

    init(reader: inout FieldReader, processor: StateGraph, processorField: String, distributed executionType: DistributedProcessing.ExecutionType?) {
        self.processor = processor
        self.processorField = processorField
        inputPath = reader.inputPath()
        itemsPath = reader.referencePath("ItemsPath") ?? .root
        let selector = reader.template("ItemSelector")
        let parameters = reader.template("Parameters")
        if reader.members["ItemSelector"] != nil, reader.members["Parameters"] != nil {
            reader.fail(plain: "has both 'ItemSelector' and 'Parameters'; it may have only one", field: "Parameters")
        }
        itemSelector = selector ?? parameters
        let bound = "a non-negative integer up to \(Self.maximumConcurrency)"
        maxConcurrency = reader.integer("MaxConcurrency", in: 0...Self.maximumConcurrency, description: bound) ?? 0
        maxConcurrencyPath = reader.referencePath("MaxConcurrencyPath")
        if reader.members["MaxConcurrency"] != nil, reader.members["MaxConcurrencyPath"] != nil {
            reader.fail(plain: "has both 'MaxConcurrency' and 'MaxConcurrencyPath'; it may have only one", field: "MaxConcurrencyPath")
        }
        resultSelector = reader.template("ResultSelector", requireObject: true)
        resultPath = reader.resultPath()
        outputPath = reader.outputPath()
        transition = reader.transition()
        (retry, catchers) = reader.retriersAndCatchers()
        assign = reader.assignment()
        if let executionType {
            let processing = DistributedProcessing(reader: &reader, executionType: executionType)
            if processing.itemReader != nil, reader.members["ItemsPath"] != nil {
                reader.fail(plain: "has both 'ItemReader' and 'ItemsPath'; its items come from one of them", field: "ItemsPath")
            }
            distributed = processing
        } else {
            distributed = nil
            for field in Self.distributedFields where reader.has(field) {
                reader.fail(field, "is only supported in a Map state whose ItemProcessor's ProcessorConfig has Mode DISTRIBUTED")
            }
        }
    }

    /// The items the state iterates over: the array at `ItemsPath` in the effective input.
    public func items(in effectiveInput: JSONValue, context: EvaluationContext) throws(StatesError) -> [JSONValue] {
        let value = try itemsPath.value(in: effectiveInput, context: context, field: "ItemsPath")
        guard case .array(let items) = value else {
            throw StatesError.runtime(
                "The value at the field 'ItemsPath' ('\(itemsPath.text)') must be a JSON array, not \(value.typeName)")
        }
        return items
    }

    /// `MaxConcurrency`, or the value at `MaxConcurrencyPath`; 0 means no bound.
    public func resolvedMaxConcurrency(input: JSONValue, context: EvaluationContext) throws(StatesError) -> Int {
        guard let maxConcurrencyPath else { return maxConcurrency }
        let value = try maxConcurrencyPath.value(in: input, context: context, field: "MaxConcurrencyPath")
        guard let count = value.intValue, count >= 0, count <= Self.maximumConcurrency else {
            throw StatesError.runtime(
                "The value at the field 'MaxConcurrencyPath' ('\(maxConcurrencyPath.text)') must be a non-negative integer up to \(Self.maximumConcurrency), not \(value.serialized())")
        }
        return count
    }

    /// The context object an iteration's `ItemSelector` reads: the state's, with
    /// `Map.Item.Index` and `Map.Item.Value`.
    public static func itemContext(_ context: EvaluationContext, index: Int, value: JSONValue) -> EvaluationContext {
        guard case .object(var members) = context.contextObject else { return context }
        members["Map"] = ["Item": ["Index": .number(Double(index)), "Value": value]]
        return EvaluationContext(.object(members), variables: context.variables)
    }
}
