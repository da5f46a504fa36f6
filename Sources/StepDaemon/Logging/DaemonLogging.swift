import Foundation
import Logging
import Synchronization

/// Sets up swift-log for the stepd process and remembers where it sends lines, because
/// jobs' output follows it: a journal stream per job when stepd logs to the journal, a log
/// file per job otherwise.
public enum DaemonLogging {
    private static let current = Mutex(LogDestination.console)

    /// Where the process's log lines go; `.console` until `bootstrap` says otherwise.
    public static var destination: LogDestination { current.withLock { $0 } }

    /// Bootstraps `LoggingSystem` (once per process) for `target` at `level`.
    @discardableResult
    public static func bootstrap(
        target: LogTarget, level: Logger.Level, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> LogDestination {
        let destination = target.destination(stderrIsJournal: JournalStreamIdentity.stderrIsJournal(environment: environment))
        current.withLock { $0 = destination }
        switch destination {
        case .journal:
            LoggingSystem.bootstrap { _ in
                var handler = JournalLogHandler()
                handler.logLevel = level
                return handler
            }
        case .console:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        return destination
    }
}
