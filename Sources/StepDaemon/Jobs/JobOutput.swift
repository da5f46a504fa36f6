/// Where a job's stdout and stderr go.
public enum JobOutput: Sendable, Equatable, Hashable {
    /// Both appended to this file (created when missing, mode 0640).
    case file(path: String)
    /// A journal stream each, `SYSLOG_IDENTIFIER` = `identifier` (`journalctl -t <identifier>`):
    /// stdout at priority info, stderr at warning. When journald cannot be reached the
    /// output goes to `fallbackFile`, and the runner logs a warning saying so.
    case journal(identifier: String, fallbackFile: String)

    /// The daemon's choice for a job: the journal when stepd itself logs there (it runs
    /// under systemd), else `<logDirectory>/<job id>.log`, the file being the fallback in
    /// both cases.
    public static func forJob(jobId: String, jobName: String, logDirectory: String, destination: LogDestination) -> JobOutput {
        let file = logDirectory + "/" + jobId + ".log"
        switch destination {
        case .journal: return .journal(identifier: jobName, fallbackFile: file)
        case .console: return .file(path: file)
        }
    }

    /// The file written when the output does not go to the journal.
    public var file: String {
        switch self {
        case .file(let path): path
        case .journal(_, let fallbackFile): fallbackFile
        }
    }
}
