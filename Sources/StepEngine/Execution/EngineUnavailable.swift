/// The engine cannot take the request now; the same request may succeed later.
public enum EngineUnavailable: Error, Sendable, Equatable, CustomStringConvertible {
    /// The daemon is stopping; executions go on after it restarts.
    case stopping
    /// The disk holding the database is full; nothing was changed.
    case diskFull

    public var description: String {
        switch self {
        case .stopping: "stepd is stopping; executions go on after it restarts: send the request again then"
        case .diskFull: "the disk holding stepd's database is full; nothing was changed"
        }
    }
}
