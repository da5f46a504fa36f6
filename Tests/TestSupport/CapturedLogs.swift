import Logging
import Synchronization

/// One line a `CapturingLogHandler` kept.
public struct CapturedEntry: Sendable {
    public let level: Logger.Level
    public let message: String
    public let metadata: Logger.Metadata
}

/// The lines a test's loggers wrote, in order.
public final class CapturedLogs: Sendable {
    private let storage = Mutex<[CapturedEntry]>([])

    public init() {}

    func append(_ entry: CapturedEntry) {
        storage.withLock { $0.append(entry) }
    }

    public func entries(at level: Logger.Level) -> [CapturedEntry] {
        storage.withLock { $0.filter { $0.level == level } }
    }

    public func entries(withMessage message: String) -> [CapturedEntry] {
        storage.withLock { $0.filter { $0.message == message } }
    }

    /// A logger that writes here, at every level.
    public func logger(label: String) -> Logger {
        Logger(label: label) { _ in CapturingLogHandler(logs: self) }
    }
}

/// A log handler that keeps every line, with the handler's metadata merged into the line's.
public struct CapturingLogHandler: LogHandler {
    let logs: CapturedLogs
    public var logLevel: Logger.Level = .trace
    public var metadata: Logger.Metadata = [:]

    public init(logs: CapturedLogs) {
        self.logs = logs
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        logs.append(CapturedEntry(
            level: event.level, message: event.message.description,
            metadata: metadata.merging(event.metadata ?? [:]) { _, new in new }))
    }
}
