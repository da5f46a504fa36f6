import Glibc

/// Where stepd writes its own log lines, as `--log-target` names it.
public enum LogTarget: String, Sendable, CaseIterable {
    /// The journal when stderr is connected to it (stepd runs under systemd), else stderr.
    case auto
    /// The journal, as structured entries.
    case journal
    /// stderr, one line each.
    case console

    /// Where `auto` goes for a process whose stderr is (or is not) the journal.
    public func destination(stderrIsJournal: Bool) -> LogDestination {
        switch self {
        case .auto: stderrIsJournal ? .journal : .console
        case .journal: .journal
        case .console: .console
        }
    }

    /// journald's socket for structured entries; without it `--log-target journal` would log nowhere.
    public static let journalSocket = "/run/systemd/journal/socket"

    /// Why this target cannot be used on this host, or nil when it can.
    public func unavailableReason(journalSocket: String = LogTarget.journalSocket) -> String? {
        guard self == .journal else { return nil }
        var info = stat()
        guard stat(journalSocket, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else {
            return "--log-target journal: there is no journal socket at \(journalSocket) (is systemd-journald running?)"
        }
        return nil
    }
}

/// Where log lines actually go once the target is resolved.
public enum LogDestination: String, Sendable {
    case journal
    case console
}
