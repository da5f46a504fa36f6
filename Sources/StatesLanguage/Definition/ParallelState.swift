import JSON

/// `"Type": "Parallel"`: runs each of its branches on a copy of its effective input, and
/// waits for all of them; its result is the array of their outputs, in branch order. A
/// branch that fails stops the others and fails the state with the branch's error.
public struct ParallelState: Sendable {
    public let branches: [StateGraph]
    public let inputPath: InputPath
    public let parameters: PayloadTemplate?
    public let resultSelector: PayloadTemplate?
    public let resultPath: ResultPath
    public let outputPath: OutputPath
    public let transition: Transition
    public let retry: [Retrier]
    public let catchers: [Catcher]
    /// `Assign`: the variables the state sets as it is left.
    public let assign: Assignment?

    init(reader: inout FieldReader, branches: [StateGraph]) {
        self.branches = branches
        inputPath = reader.inputPath()
        parameters = reader.template("Parameters")
        resultSelector = reader.template("ResultSelector", requireObject: true)
        resultPath = reader.resultPath()
        outputPath = reader.outputPath()
        transition = reader.transition()
        (retry, catchers) = reader.retriersAndCatchers()
        assign = reader.assignment()
    }
}
