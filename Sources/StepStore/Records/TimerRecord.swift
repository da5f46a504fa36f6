import GRDB

/// A moment an execution waits for: the end of a Wait state, a task's time limit.
public struct TimerRecord: Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "timer"

    public enum Kind: String, Codable, Sendable {
        /// The end of a Wait state, or the delay before a retry.
        case wait
        /// A waiting task's `TimeoutSeconds`.
        case taskTimeout
        /// A waiting task's `HeartbeatSeconds`: pushed back by every SendTaskHeartbeat.
        case heartbeatTimeout
        /// The state machine's `TimeoutSeconds`.
        case executionTimeout
    }

    public var executionId: Int64
    public var kind: Kind
    public var dueAt: Double

    public init(executionId: Int64, kind: Kind, dueAt: Double) {
        self.executionId = executionId
        self.kind = kind
        self.dueAt = dueAt
    }
}
