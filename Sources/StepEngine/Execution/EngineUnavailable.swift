/// The engine cannot take the request now; the same request may succeed later.
public enum EngineUnavailable: Error, Sendable, Equatable, CustomStringConvertible {
    /// The daemon is stopping; executions go on after it restarts.
    case stopping
    /// The disk holding the database is full; nothing was changed.
    case diskFull
    /// The database could not be written (an I/O error, no memory, locked); nothing was
    /// changed. `reason` is SQLite's.
    case storageFailing(reason: String)

    public var description: String {
        switch self {
        case .stopping: "stepd is stopping; executions go on after it restarts: send the request again then"
        case .diskFull: "the disk holding stepd's database is full; nothing was changed"
        case .storageFailing(let reason): "stepd's database could not be written (\(reason)); nothing was changed"
        }
    }
}
