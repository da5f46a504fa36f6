import Foundation
import JSON

/// `"Type": "Wait"`: delays for a time or until a moment.
public struct WaitState: Sendable {
    public let inputPath: InputPath
    public let outputPath: OutputPath
    public let transition: Transition
    public let wait: WaitDuration
    /// `Assign`: the variables the state sets as it is left.
    public let assign: Assignment?

    /// AWS's upper bound for Seconds.
    static let maximumSeconds = 99_999_999

    public init(
        inputPath: InputPath = .default, outputPath: OutputPath = .default, transition: Transition, wait: WaitDuration,
        assign: Assignment? = nil
    ) {
        self.assign = assign
        self.inputPath = inputPath
        self.outputPath = outputPath
        self.transition = transition
        self.wait = wait
    }

    init(reader: inout FieldReader) {
        inputPath = reader.inputPath()
        outputPath = reader.outputPath()
        transition = reader.transition()
        assign = reader.assignment()
        let given = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"].filter { reader.members[$0] != nil }
        if given.count != 1 {
            reader.fail(
                plain: given.isEmpty
                    ? "must have exactly one of 'Seconds', 'SecondsPath', 'Timestamp' or 'TimestampPath'"
                    : "must have only one of " + given.map { "'\($0)'" }.joined(separator: ", "),
                field: given.last)
        }
        var wait = WaitDuration.seconds(0)
        if let seconds = reader.integer(
            "Seconds", in: 0...Self.maximumSeconds, description: "a non-negative integer up to \(Self.maximumSeconds)")
        {
            wait = .seconds(seconds)
        }
        if let path = reader.referencePath("SecondsPath") { wait = .secondsPath(path) }
        if let text = reader.string("Timestamp") {
            if let date = RFC3339.parse(text) {
                wait = .timestamp(date)
            } else {
                reader.fail(
                    "Timestamp",
                    "must be an RFC 3339 timestamp with an uppercase 'T' and 'Z' or offset, such as 2016-03-14T01:59:00Z, not '\(text)'")
            }
        }
        if let path = reader.referencePath("TimestampPath") { wait = .timestampPath(path) }
        self.wait = wait
    }

    /// When the wait ends, for the state's effective input (after `InputPath`). A path that
    /// selects nothing, or a value of the wrong kind, fails with `States.Runtime`.
    public func waitUntil(input: JSONValue, now: Date, context: EvaluationContext? = nil) throws(StatesError) -> Date {
        switch wait {
        case .seconds(let seconds):
            return now.addingTimeInterval(Double(seconds))
        case .timestamp(let date):
            return date
        case .secondsPath(let path):
            let value = try path.value(in: input, context: context, field: "SecondsPath")
            guard let seconds = value.intValue, seconds >= 0, seconds <= Self.maximumSeconds else {
                throw StatesError.runtime(
                    "The SecondsPath parameter does not reference a valid integer value: '\(path.text)' is \(value.serialized())")
            }
            return now.addingTimeInterval(Double(seconds))
        case .timestampPath(let path):
            let value = try path.value(in: input, context: context, field: "TimestampPath")
            guard let text = value.stringValue, let date = RFC3339.parse(text) else {
                throw StatesError.runtime(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format "
                        + "string: '\(path.text)' is \(value.serialized())")
            }
            return date
        }
    }
}

/// How a Wait state decides how long to wait.
public enum WaitDuration: Sendable, Hashable {
    case seconds(Int)
    case secondsPath(ReferencePath)
    case timestamp(Date)
    case timestampPath(ReferencePath)
}
