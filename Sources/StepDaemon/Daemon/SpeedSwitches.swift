/// The daemon's speed machinery, piece by piece, with a switch to turn each off. Every piece
/// replaces a plain path that is simpler and does the same; turning it off keeps that path
/// working (the daemon's kill-and-restart integration tests run twice, the second time with
/// all of them off) and tells whether a fault lies in the machinery.
///
/// Read once, from the environment stepd starts with. A variable counts when it is set to
/// anything but the empty string or `0`:
///
/// | Variable                          | Turns off                                                    |
/// |-----------------------------------|--------------------------------------------------------------|
/// | `STEPD_PLAIN`                     | all four below                                               |
/// | `STEPD_NO_LOG_WRITE_BUFFER`       | SQLite's log gathered into one write per commit (the VFS of Sources/SQLiteLogWriteBuffer) |
/// | `STEPD_NO_AWAKE_WRITER`           | the writer thread staying awake after a commit (`AwakeAfterCommit`) |
/// | `STEPD_NO_COMMIT_ON_SPOOL_THREAD` | the spool's thread committing its event while the writer sleeps; it queues and waits instead |
/// | `STEPD_NO_QUIET_EXECUTOR`         | stepd's own global executor; Swift's default (libdispatch) runs tasks |
///
/// Without the quiet executor an idle stepd wakes every second (libdispatch's pool monitor).
public struct SpeedSwitches: Sendable, Equatable {
    public var logWriteBuffer = true
    public var awakeWriter = true
    public var commitOnSpoolThread = true
    public var quietExecutor = true

    /// Everything on.
    public init() {}

    public init(environment: [String: String]) {
        func isSet(_ name: String) -> Bool {
            guard let value = environment[name] else { return false }
            return !value.isEmpty && value != "0"
        }
        let plain = isSet("STEPD_PLAIN")
        logWriteBuffer = !(plain || isSet("STEPD_NO_LOG_WRITE_BUFFER"))
        awakeWriter = !(plain || isSet("STEPD_NO_AWAKE_WRITER"))
        commitOnSpoolThread = !(plain || isSet("STEPD_NO_COMMIT_ON_SPOOL_THREAD"))
        quietExecutor = !(plain || isSet("STEPD_NO_QUIET_EXECUTOR"))
    }

    /// The variables of the pieces that are off, for the log.
    public var turnedOff: [String] {
        [
            (logWriteBuffer, "STEPD_NO_LOG_WRITE_BUFFER"), (awakeWriter, "STEPD_NO_AWAKE_WRITER"),
            (commitOnSpoolThread, "STEPD_NO_COMMIT_ON_SPOOL_THREAD"), (quietExecutor, "STEPD_NO_QUIET_EXECUTOR"),
        ].compactMap { isOn, variable in isOn ? nil : variable }
    }
}
