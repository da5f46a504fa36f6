import JSON

/// The input and output processing every state does, in AWS's order:
///
/// 1. `InputPath` selects from the state input;
/// 2. `Parameters` builds the effective input (the task's input);
/// 3. the state's work produces a result;
/// 4. `ResultSelector` builds from the result;
/// 5. `ResultPath` places it into the (raw) state input;
/// 6. `OutputPath` selects the state output.
public enum DataFlow {
    /// Steps 1–2: the effective input for the state's work.
    public static func effectiveInput(
        stateInput: JSONValue, inputPath: InputPath, parameters: PayloadTemplate?, context: EvaluationContext
    ) throws(StatesError) -> JSONValue {
        var generator = SystemRandomNumberGenerator()
        return try effectiveInput(
            stateInput: stateInput, inputPath: inputPath, parameters: parameters, context: context, using: &generator)
    }

    public static func effectiveInput(
        stateInput: JSONValue, inputPath: InputPath, parameters: PayloadTemplate?, context: EvaluationContext,
        using generator: inout some RandomNumberGenerator
    ) throws(StatesError) -> JSONValue {
        let selected = try inputPath.apply(to: stateInput, context: context)
        guard let parameters else { return selected }
        return try parameters.evaluate(input: selected, context: context, using: &generator)
    }

    /// Steps 4–6: the state output from the state's `result`.
    public static func stateOutput(
        stateInput: JSONValue, result: JSONValue, resultSelector: PayloadTemplate?, resultPath: ResultPath,
        outputPath: OutputPath, context: EvaluationContext
    ) throws(StatesError) -> JSONValue {
        var generator = SystemRandomNumberGenerator()
        return try stateOutput(
            stateInput: stateInput, result: result, resultSelector: resultSelector, resultPath: resultPath,
            outputPath: outputPath, context: context, using: &generator)
    }

    public static func stateOutput(
        stateInput: JSONValue, result: JSONValue, resultSelector: PayloadTemplate?, resultPath: ResultPath,
        outputPath: OutputPath, context: EvaluationContext, using generator: inout some RandomNumberGenerator
    ) throws(StatesError) -> JSONValue {
        let selected = try resultSelector?.evaluate(input: result, context: context, using: &generator) ?? result
        let combined = try resultPath.apply(result: selected, to: stateInput)
        return try outputPath.apply(to: combined, context: context)
    }
}
