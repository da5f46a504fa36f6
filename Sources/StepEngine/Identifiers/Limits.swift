import JSON
import StatesLanguage

/// The limits AWS Step Functions sets, kept here so that a definition that runs on AWS runs
/// here and one that would fail there fails here the same way.
public enum Limits {
    /// Input, output and task results: 256 KiB of UTF-8.
    public static let maximumPayloadBytes = 262_144
    public static let maximumHistoryEvents = 25_000
    public static let maximumDefinitionBytes = 1_048_576
    /// Transitions one execution may make in one batch before others get their turn.
    static let transitionsPerTurn = 200

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
