import JSON

/// `"Type": "Pass"`: passes its input to its output, optionally injecting `Result` or
/// building a payload with `Parameters`.
public struct PassState: Sendable {
    public let inputPath: InputPath
    public let parameters: PayloadTemplate?
    public let result: JSONValue?
    public let resultPath: ResultPath
    public let outputPath: OutputPath
    public let transition: Transition
    /// `Assign`: the variables the state sets as it is left.
    public let assign: Assignment?

    public init(
        inputPath: InputPath = .default, parameters: PayloadTemplate? = nil, result: JSONValue? = nil,
        resultPath: ResultPath = .default, outputPath: OutputPath = .default, transition: Transition, assign: Assignment? = nil
    ) {
        self.assign = assign
        self.inputPath = inputPath
        self.parameters = parameters
        self.result = result
        self.resultPath = resultPath
        self.outputPath = outputPath
        self.transition = transition
    }

    init(reader: inout FieldReader) {
        inputPath = reader.inputPath()
        parameters = reader.template("Parameters")
        result = reader.raw("Result")
        resultPath = reader.resultPath()
        outputPath = reader.outputPath()
        transition = reader.transition()
        assign = reader.assignment()
    }

    /// The state output: `Result` if given, else the effective input, placed by `ResultPath`
    /// and selected by `OutputPath`.
    public func output(stateInput: JSONValue, context: EvaluationContext) throws(StatesError) -> JSONValue {
        let effective = try DataFlow.effectiveInput(
            stateInput: stateInput, inputPath: inputPath, parameters: parameters, context: context)
        return try DataFlow.stateOutput(
            stateInput: stateInput, result: result ?? effective, resultSelector: nil, resultPath: resultPath,
            outputPath: outputPath, context: context)
    }
}
