import JSON

/// A Distributed Map's `ResultWriter`: where the map run writes its children's results
/// (`Resource` `arn:aws:states:::s3:putObject`, `Parameters` with `Bucket` and `Prefix`), and
/// how (`WriterConfig`). With a `WriterConfig` alone nothing is written: the state's result
/// is the children's outputs as it says.
public struct ResultWriter: Sendable {
    /// `WriterConfig.Transformation`.
    public enum Transformation: String, Sendable, CaseIterable {
        /// Each child as a record: its ARN, name, status, dates, input and output.
        case none = "NONE"
        /// Each child's output.
        case compact = "COMPACT"
        /// Each child's output, an array output spread into its elements.
        case flatten = "FLATTEN"
    }

    /// `WriterConfig.OutputType`: a results file is a JSON array, or JSON Lines.
    public enum OutputType: String, Sendable, CaseIterable {
        case json = "JSON"
        case jsonLines = "JSONL"
    }

    public static let resource = "arn:aws:states:::s3:putObject"
    /// Whether results are written to a bucket (`Resource` and `Parameters`).
    public let exports: Bool
    public let parameters: PayloadTemplate?
    public let transformation: Transformation
    public let outputType: OutputType

    init?(reader: inout FieldReader, field: String) {
        guard var inner = reader.nestedObject(field) else { return nil }
        let resource = inner.string("Resource")
        let hasResource = inner.members["Resource"] != nil
        if let resource, resource != Self.resource {
            inner.fail("Resource", "must be '\(Self.resource)', not '\(resource)'")
        }
        parameters = inner.template("Parameters", requireObject: true)
        exports = hasResource
        var transformation: Transformation?
        var outputType: OutputType?
        if var config = inner.nestedObject("WriterConfig") {
            if let name = config.string("Transformation") {
                transformation = Transformation(rawValue: name)
                if transformation == nil { config.fail("Transformation", "must be one of NONE, COMPACT and FLATTEN, not '\(name)'") }
            }
            if let name = config.string("OutputType") {
                outputType = OutputType(rawValue: name)
                if outputType == nil { config.fail("OutputType", "must be JSON or JSONL, not '\(name)'") }
            }
            config.rejectUnknownFields(in: "a WriterConfig")
            inner.problems += config.problems
        }
        // AWS's combinations: Resource with Parameters, WriterConfig, or all three.
        let name = reader.qualified(field)
        switch (hasResource, inner.members["Parameters"] != nil, inner.members["WriterConfig"] != nil) {
        case (true, true, _), (false, false, true):
            break
        case (true, false, _):
            reader.fail(plain: "field '\(name)' with a Resource must have Parameters with the Bucket", field: field)
        case (false, true, _):
            reader.fail(plain: "field '\(name)' with Parameters must have a Resource", field: field)
        case (false, false, false):
            reader.fail(plain: "field '\(name)' must have a Resource and Parameters, a WriterConfig, or all three", field: field)
        }
        self.transformation = transformation ?? (exports ? .none : .compact)
        self.outputType = outputType ?? .json
        inner.rejectUnknownFields(in: "a ResultWriter")
        reader.problems += inner.problems
    }

    /// The bucket and prefix the results go to, from the state's effective input; nil when
    /// nothing is written.
    public func destination(input: JSONValue, context: EvaluationContext) throws(StatesError) -> (bucket: String, prefix: String)? {
        guard exports else { return nil }
        let evaluated = try parameters?.evaluate(input: input, context: context) ?? .object([:])
        guard let bucket = evaluated["Bucket"]?.stringValue, !bucket.isEmpty else {
            throw StatesError(name: StatesError.resultWriterFailed, cause: "The ResultWriter's Parameters must have a 'Bucket' string")
        }
        return (bucket, evaluated["Prefix"]?.stringValue ?? "")
    }
}
