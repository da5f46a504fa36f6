import JSON

/// One event of an execution's history, as GetExecutionHistory lists it.
public struct HistoryEvent: Sendable, Equatable {
    /// 1 for the first event of an execution, then counting up.
    public let id: Int64
    public let previousEventId: Int64
    /// Seconds since 1970.
    public let timestamp: Double
    /// `ExecutionStarted`, `TaskStateEntered`, ...
    public let type: String
    /// The event's details under the member that the type names (`executionStartedEventDetails`);
    /// empty when the type has none.
    public let details: [String: JSONValue]
}
