import JSON
import StatesLanguage

/// The limits AWS Step Functions sets, kept here so that a definition that runs on AWS runs
/// here and one that would fail there fails here the same way.
public enum Limits {
    /// Input, output and task results: 256 KiB of UTF-8.
    public static let maximumPayloadBytes = BuildBudget.maximumBytes
    public static let maximumHistoryEvents = 25_000
    /// AWS: "The total size of all stored variables cannot exceed 10MiB per execution."
    public static let maximumVariablesBytes = 10 * 1_048_576
    /// How long an EXPRESS execution may run: five minutes.
    public static let maximumExpressSeconds = 300
    /// AWS's quota of tags on one resource.
    public static let maximumTagsPerResource = 50
    /// AWS's quotas: published versions and aliases of one state machine.
    public static let maximumVersionsPerStateMachine = 1_000
    public static let maximumAliasesPerStateMachine = 100
    public static let maximumDefinitionBytes = 1_048_576
    /// A task failure's `error` (SendTaskFailure, StopExecution): 256 characters.
    public static let maximumErrorLength = 256
    /// A task failure's `cause`: 32,768 characters.
    public static let maximumCauseLength = 32_768
    /// Transitions one execution may make in one batch before others get their turn.
    static let transitionsPerTurn = 200

    /// Refuses a task failure whose `error` or `cause` is longer than AWS accepts, in the
    /// words of AWS's ValidationException (the API checks its requests before this; a
    /// workflow's `aws-sdk:sfn:sendTaskFailure` reaches only this check).
    static func checkTaskFailure(error: String?, cause: String?) throws(RequestError) {
        var broken: [String] = []
        for (member, value, maximum) in [("error", error, maximumErrorLength), ("cause", cause, maximumCauseLength)] {
            if let value, value.unicodeScalars.count > maximum {
                broken.append("Value at '\(member)' failed to satisfy constraint: Member must have length less than or equal to \(maximum)")
            }
        }
        guard !broken.isEmpty else { return }
        let count = broken.count
        throw .invalid(reason: "\(count) validation error\(count == 1 ? "" : "s") detected: " + broken.joined(separator: "; "))
    }

    /// Fails with States.DataLimitExceeded when `value` is larger than a payload may be.
    static func checkPayload(_ value: JSONValue, what: String) throws(StatesError) {
        try checkPayload(text: value.serialized(), what: what)
    }

    /// The same check on a payload already serialized.
    static func checkPayload(text: String, what: String) throws(StatesError) {
        let size = text.utf8.count
        if size > maximumPayloadBytes {
            throw StatesError(
                name: StatesError.dataLimitExceeded,
                cause: "\(what) is \(size) bytes, more than the limit of \(maximumPayloadBytes) bytes")
        }
    }
}
