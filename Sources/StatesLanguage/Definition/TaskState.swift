import JSON

/// `"Type": "Task"`: runs the work named by `Resource`.
public struct TaskState: Sendable {
    public let resource: String
    public let inputPath: InputPath
    public let parameters: PayloadTemplate?
    public let resultSelector: PayloadTemplate?
    public let resultPath: ResultPath
    public let outputPath: OutputPath
    public let transition: Transition
    public let timeoutSeconds: Int?
    public let timeoutSecondsPath: ReferencePath?
    public let heartbeatSeconds: Int?
    public let heartbeatSecondsPath: ReferencePath?
    public let retry: [Retrier]
    public let catchers: [Catcher]
    /// `Assign`: the variables the state sets as it is left.
    public let assign: Assignment?

    /// AWS's upper bound for TimeoutSeconds and HeartbeatSeconds.
    static let maximumSeconds = 99_999_999

    public init(
        resource: String, inputPath: InputPath = .default, parameters: PayloadTemplate? = nil,
        resultSelector: PayloadTemplate? = nil, resultPath: ResultPath = .default, outputPath: OutputPath = .default,
        transition: Transition, timeoutSeconds: Int? = nil, timeoutSecondsPath: ReferencePath? = nil,
        heartbeatSeconds: Int? = nil, heartbeatSecondsPath: ReferencePath? = nil, retry: [Retrier] = [],
        catchers: [Catcher] = [], assign: Assignment? = nil
    ) {
        self.assign = assign
        self.resource = resource
        self.inputPath = inputPath
        self.parameters = parameters
        self.resultSelector = resultSelector
        self.resultPath = resultPath
        self.outputPath = outputPath
        self.transition = transition
        self.timeoutSeconds = timeoutSeconds
        self.timeoutSecondsPath = timeoutSecondsPath
        self.heartbeatSeconds = heartbeatSeconds
        self.heartbeatSecondsPath = heartbeatSecondsPath
        self.retry = retry
        self.catchers = catchers
    }

    init(reader: inout FieldReader) {
        resource = reader.string("Resource", required: true) ?? ""
        inputPath = reader.inputPath()
        parameters = reader.template("Parameters")
        resultSelector = reader.template("ResultSelector", requireObject: true)
        resultPath = reader.resultPath()
        outputPath = reader.outputPath()
        transition = reader.transition()
        let positive = "a positive integer up to \(Self.maximumSeconds)"
        timeoutSeconds = reader.integer("TimeoutSeconds", in: 1...Self.maximumSeconds, description: positive)
        timeoutSecondsPath = reader.referencePath("TimeoutSecondsPath")
        heartbeatSeconds = reader.integer("HeartbeatSeconds", in: 1...Self.maximumSeconds, description: positive)
        heartbeatSecondsPath = reader.referencePath("HeartbeatSecondsPath")
        if reader.members["TimeoutSeconds"] != nil, reader.members["TimeoutSecondsPath"] != nil {
            reader.fail(plain: "has both 'TimeoutSeconds' and 'TimeoutSecondsPath'; it may have only one", field: "TimeoutSecondsPath")
        }
        if reader.members["HeartbeatSeconds"] != nil, reader.members["HeartbeatSecondsPath"] != nil {
            reader.fail(
                plain: "has both 'HeartbeatSeconds' and 'HeartbeatSecondsPath'; it may have only one",
                field: "HeartbeatSecondsPath")
        }
        // AWS's default TimeoutSeconds is its maximum (the ASL specification's 60 is not what AWS does).
        let effectiveTimeout = timeoutSeconds ?? Self.maximumSeconds
        if let heartbeatSeconds, heartbeatSeconds >= effectiveTimeout {
            reader.fail("HeartbeatSeconds", "must be smaller than TimeoutSeconds (\(effectiveTimeout))")
        }
        if reader.members["Credentials"] != nil {
            _ = reader.raw("Credentials")
            reader.fail("Credentials", "is not supported")
        }
        (retry, catchers) = reader.retriersAndCatchers()
        assign = reader.assignment()
    }

    static func readList<Element>(
        _ field: String, reader: inout FieldReader, read: (inout FieldReader) -> Element
    ) -> [Element] {
        guard let value = reader.raw(field) else { return [] }
        guard case .array(let elements) = value else {
            reader.fail(field, "must be an array, not \(value.typeName)")
            return []
        }
        var result: [Element] = []
        for (index, element) in elements.enumerated() {
            guard case .object(let members) = element else {
                reader.fail("\(field)[\(index)]", "must be an object, not \(element.typeName)")
                continue
            }
            var inner = reader.nested("\(field)[\(index)]", members: members)
            result.append(read(&inner))
            reader.problems += inner.problems
        }
        return result
    }

    /// AWS: "States.ALL" must be alone in its ErrorEquals and in the last retrier/catcher.
    static func checkAllIsLast(_ lists: [[String]], field: String, reader: inout FieldReader) {
        for (index, names) in lists.enumerated() where names.contains(StatesError.all) && index != lists.count - 1 {
            reader.fail("\(field)[\(index)].ErrorEquals", "may contain \"States.ALL\" only in the last element of '\(field)'")
        }
    }

    /// `TimeoutSeconds`, or the value at `TimeoutSecondsPath` in the effective input; nil when neither is set.
    public func resolvedTimeoutSeconds(input: JSONValue, context: EvaluationContext? = nil) throws(StatesError) -> Int? {
        try Self.resolve(timeoutSeconds, timeoutSecondsPath, field: "TimeoutSecondsPath", input: input, context: context)
    }

    /// `HeartbeatSeconds`, or the value at `HeartbeatSecondsPath`; nil when neither is set.
    public func resolvedHeartbeatSeconds(input: JSONValue, context: EvaluationContext? = nil) throws(StatesError) -> Int? {
        try Self.resolve(
            heartbeatSeconds, heartbeatSecondsPath, field: "HeartbeatSecondsPath", input: input, context: context)
    }

    private static func resolve(_ literal: Int?, _ path: ReferencePath?, field: String, input: JSONValue, context: EvaluationContext?)
        throws(StatesError) -> Int?
    {
        if let literal { return literal }
        guard let path else { return nil }
        let value = try path.value(in: input, context: context, field: field)
        guard let seconds = value.intValue, seconds > 0, seconds <= maximumSeconds else {
            throw StatesError.runtime(
                "The value at the field '\(field)' ('\(path.text)') must be a positive integer, not \(value.serialized())")
        }
        return seconds
    }
}
