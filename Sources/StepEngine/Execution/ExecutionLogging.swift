import Logging
import StepStore

/// The logger of execution starts and ends. The stepper and the starter work inside a write
/// transaction and carry no logger of their own; this one comes from the process's
/// `LoggingSystem`, as the daemon's does, so it logs where the daemon logs.
///
/// The lines travel with the transition's effects and are written once its commit is
/// durable: a rolled-back savepoint or a failed commit logs nothing.
let executionLogger = Logger(label: "stepd")

/// One log line written in a transaction, held until its commit is durable: a write body
/// may run twice or be rolled back, and its lines must say what happened, once.
struct DeferredLogLine: Sendable {
    let logger: Logger
    let level: Logger.Level
    let message: Logger.Message
    let metadata: Logger.Metadata

    /// A line for `execution`, or nil when the logger would drop it (the metadata is not built then).
    static func about(_ execution: ExecutionRecord, level: Logger.Level, _ message: Logger.Message) -> DeferredLogLine? {
        guard executionLogger.logLevel <= level else { return nil }
        return DeferredLogLine(logger: executionLogger, level: level, message: message, metadata: execution.logMetadata())
    }

    /// A line for `logger`, or nil when it would drop it (`metadata` is not built then).
    static func on(
        _ logger: Logger, level: Logger.Level, _ message: Logger.Message, metadata: @autoclosure () -> Logger.Metadata
    ) -> DeferredLogLine? {
        guard logger.logLevel <= level else { return nil }
        return DeferredLogLine(logger: logger, level: level, message: message, metadata: metadata())
    }

    func write() {
        logger.log(level: level, message, metadata: metadata)
    }
}

extension ExecutionRecord {
    /// What an administrator finds an execution by (`journalctl EXECUTION_ARN=…`): its ARN,
    /// its state machine, the state it is in (the failing one, when it failed), and its error
    /// and cause once it has ended with one.
    func logMetadata() -> Logger.Metadata {
        var metadata: Logger.Metadata = ["EXECUTION_ARN": "\(arn)", "STATE_MACHINE": "\(stateMachineName)"]
        if let currentState { metadata["STATE_NAME"] = "\(currentState)" }
        if let error { metadata["ERROR"] = "\(error)" }
        if let cause { metadata["CAUSE"] = "\(cause)" }
        if let parentExecutionArn { metadata["PARENT_EXECUTION_ARN"] = "\(parentExecutionArn)" }
        return metadata
    }
}

extension ExecutionRecord.Status {
    /// Success is routine (debug: it is the hot path); a stop asked for is worth a notice;
    /// a failure or a timeout is what an administrator looks for.
    var endLogLevel: Logger.Level {
        switch self {
        case .running, .succeeded: .debug
        case .aborted: .notice
        case .failed, .timedOut: .warning
        }
    }

    var endLogMessage: Logger.Message {
        switch self {
        case .running: "execution running"
        case .succeeded: "execution succeeded"
        case .failed: "execution failed"
        case .timedOut: "execution timed out"
        case .aborted: "execution aborted"
        }
    }
}
