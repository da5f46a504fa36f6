import JSON

/// What a Map state in AWS's DISTRIBUTED mode adds: each item (or batch of items) is run by
/// a child execution of its own, in a map run; the items may come from a file (`ItemReader`),
/// the results may go to one (`ResultWriter`), and a number or share of children may fail
/// without failing the state.
public struct DistributedProcessing: Sendable {
    /// The children's type (`ProcessorConfig.ExecutionType`).
    public enum ExecutionType: String, Sendable {
        case standard = "STANDARD"
        case express = "EXPRESS"
    }

    public let executionType: ExecutionType
    /// `Label`: names the map run and its children in their ARNs.
    public let label: String?
    public let itemReader: ItemReader?
    public let itemBatcher: ItemBatcher?
    public let resultWriter: ResultWriter?
    public let toleratedFailureCount: NumberSetting?
    public let toleratedFailurePercentage: NumberSetting?

    /// AWS's longest label.
    public static let maximumLabelLength = 40
    static let countRange: ClosedRange<Double> = 0...100_000_000
    static let percentageRange: ClosedRange<Double> = 0...100
    static let countDescription = "a non-negative integer"
    static let percentageDescription = "a number from 0 to 100"

    init(reader: inout FieldReader, executionType: ExecutionType) {
        self.executionType = executionType
        label = reader.string("Label")
        if let label, let problem = Self.labelProblem(label) { reader.fail("Label", problem) }
        itemReader = ItemReader(reader: &reader, field: "ItemReader")
        itemBatcher = ItemBatcher(reader: &reader, field: "ItemBatcher")
        resultWriter = ResultWriter(reader: &reader, field: "ResultWriter")
        toleratedFailureCount = NumberSetting.read(
            "ToleratedFailureCount", from: &reader, in: Self.countRange, integral: true, description: Self.countDescription)
        toleratedFailurePercentage = NumberSetting.read(
            "ToleratedFailurePercentage", from: &reader, in: Self.percentageRange, integral: false, description: Self.percentageDescription)
    }

    /// Why `label` is not one AWS takes: at most 40 characters, none of whitespace, brackets,
    /// wildcards, AWS's special characters or control characters.
    static func labelProblem(_ label: String) -> String? {
        if label.isEmpty { return "must not be empty" }
        if label.count > maximumLabelLength { return "must be at most \(maximumLabelLength) characters long" }
        let forbidden = Set("<>{}[]?*\"#%\\^|~`$&,;:/".unicodeScalars)
        for scalar in label.unicodeScalars {
            if scalar.properties.isWhitespace || forbidden.contains(scalar) || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                return "must not contain whitespace, brackets, wildcards, control characters or any of \" # % \\ ^ | ~ ` $ & , ; : /"
            }
        }
        return nil
    }

    /// How many children may fail before the map run does: `ToleratedFailureCount` and
    /// `ToleratedFailurePercentage`, each nil when not given.
    /// A path's value that is not a number fails with AWS's causes.
    public func toleratedFailures(input: JSONValue, context: EvaluationContext) throws(StatesError) -> (count: Int64?, percentage: Double?) {
        var count: Int64?
        switch toleratedFailureCount {
        case .value(let number)?:
            count = Int64(number)
        case .path(let path, _)?:
            let value = try path.value(in: input, context: context, field: "ToleratedFailureCountPath")
            guard let number = value.numberValue, number == number.rounded(), abs(number) <= 9e15 else {
                throw StatesError.runtime(
                    "The ToleratedFailureCountPath field refers to value \"\(value.serialized())\" which is not a valid integer: \(path.text)")
            }
            guard number >= 0 else { throw StatesError.runtime("ToleratedFailureCount cannot be negative.") }
            count = Int64(number)
        case nil:
            break
        }
        var percentage: Double?
        switch toleratedFailurePercentage {
        case .value(let number)?:
            percentage = number
        case .path(let path, _)?:
            let value = try path.value(in: input, context: context, field: "ToleratedFailurePercentagePath")
            guard let number = value.numberValue else {
                throw StatesError.runtime(
                    "The ToleratedFailurePercentagePath field refers to value \"\(value.serialized())\" which is not a valid float: \(path.text)")
            }
            guard Self.percentageRange.contains(number) else { throw StatesError.runtime("ToleratedFailurePercentage must be between 0 and 100.") }
            percentage = number
        case nil:
            break
        }
        return (count, percentage)
    }
}
