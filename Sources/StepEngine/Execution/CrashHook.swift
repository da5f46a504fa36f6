import StepStore

/// For tests only: the daemon traps while driving a chosen execution, as a bug set off by a
/// hostile definition or input would, to prove that such an execution is set aside after
/// the restarts instead of stopping the daemon for good. Set by `STEPD_TEST_CRASH_WHILE_DRIVING`
/// (`execution:NAME` or `stateMachine:NAME`); never by configuration.
public struct CrashHook: Sendable, Equatable {
    enum Target: Sendable, Equatable {
        case execution(String)
        case stateMachine(String)
    }

    let target: Target

    /// nil unless `text` is `execution:NAME` or `stateMachine:NAME`.
    public init?(_ text: String) {
        if text.hasPrefix("execution:"), text.count > "execution:".count {
            target = .execution(String(text.dropFirst("execution:".count)))
        } else if text.hasPrefix("stateMachine:"), text.count > "stateMachine:".count {
            target = .stateMachine(String(text.dropFirst("stateMachine:".count)))
        } else {
            return nil
        }
    }

    func check(_ execution: ExecutionRecord) {
        let hit = switch target {
        case .execution(let name): execution.name == name
        case .stateMachine(let name): execution.stateMachineName == name
        }
        if hit { fatalError("STEPD_TEST_CRASH_WHILE_DRIVING: the crash asked for while driving \(execution.arn)") }
    }
}
