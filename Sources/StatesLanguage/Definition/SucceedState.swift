import JSON

/// `"Type": "Succeed"`: ends the execution (or branch) successfully.
public struct SucceedState: Sendable {
    public let inputPath: InputPath
    public let outputPath: OutputPath

    public init(inputPath: InputPath = .default, outputPath: OutputPath = .default) {
        self.inputPath = inputPath
        self.outputPath = outputPath
    }

    init(reader: inout FieldReader) {
        inputPath = reader.inputPath()
        outputPath = reader.outputPath()
    }

    /// The state output: `OutputPath` applied to the effective input.
    public func output(stateInput: JSONValue, context: EvaluationContext) throws(StatesError) -> JSONValue {
        try outputPath.apply(to: inputPath.apply(to: stateInput, context: context), context: context)
    }
}
