import Glibc

/// The device and inode of a journal stream, as systemd hands them over in `$JOURNAL_STREAM`
/// ("<st_dev>:<st_ino>", both decimal).
///
/// systemd sets the variable when a service's stdout or stderr is connected to the journal;
/// systemd.exec(5) says to trust it only when it matches `fstat(2)` of stderr (or stdout), as
/// a child of the service may have inherited the variable with other descriptors.
public struct JournalStreamIdentity: Sendable, Equatable, CustomStringConvertible {
    public let device: UInt64
    public let inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// Parses `$JOURNAL_STREAM`; nil unless it is exactly two decimal numbers around a colon.
    public init?(variable: String) {
        let parts = variable.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let device = UInt64(parts[0]), let inode = UInt64(parts[1])
        else { return nil }
        self.init(device: device, inode: inode)
    }

    /// The identity of an open descriptor; nil when it is not open.
    public init?(descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        self.init(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// The `$JOURNAL_STREAM` form.
    public var description: String { "\(device):\(inode)" }

    /// Whether the descriptor `identity` describes is the stream `$JOURNAL_STREAM` names.
    public static func isJournal(variable: String?, descriptor identity: JournalStreamIdentity?) -> Bool {
        guard let variable, let expected = JournalStreamIdentity(variable: variable), let identity else { return false }
        return expected == identity
    }

    /// Whether this process's stderr is connected to the journal.
    public static func stderrIsJournal(environment: [String: String]) -> Bool {
        isJournal(variable: environment["JOURNAL_STREAM"], descriptor: JournalStreamIdentity(descriptor: STDERR_FILENO))
    }
}
