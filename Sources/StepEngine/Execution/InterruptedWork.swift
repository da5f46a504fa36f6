/// What the daemon was doing when it last stopped, read from the ``WorkInProgress`` page at
/// start. Empty after a clean stop, or when it stopped between two pieces of work.
public struct InterruptedWork: Sendable, Equatable {
    /// The work a crash is blamed on.
    public enum Culprit: Sendable, Equatable {
        case execution(Int64)
        case spoolFile(String)
    }

    /// The culprit of the crash before, and how many crashes it has caused in a row.
    public struct Suspect: Sendable, Equatable {
        public var culprit: Culprit
        public var crashes: Int

        public init(culprit: Culprit, crashes: Int) {
            self.culprit = culprit
            self.crashes = crashes
        }
    }

    /// The execution being driven.
    public var executionId: Int64?
    /// The execution whose drive, in the same commit, made `executionId` ready.
    public var originId: Int64?
    /// The spool file being taken in.
    public var spoolFile: String?
    public var suspect: Suspect?

    public init(executionId: Int64? = nil, originId: Int64? = nil, spoolFile: String? = nil, suspect: Suspect? = nil) {
        self.executionId = executionId
        self.originId = originId
        self.spoolFile = spoolFile
        self.suspect = suspect
    }

    /// The work the restart would replay into the same crash, and how many crashes it has now
    /// caused; nil when nothing replayable was in progress.
    ///
    /// Only committed work is replayed. The execution being driven is to blame if it is still
    /// running in the database. If it is not, it was created by the commit the crash lost,
    /// and what the restart replays is whatever created it: the execution whose drive started
    /// it, or else the spool file whose event did. An execution started by an API call that
    /// was lost is not replayed, and nothing is blamed.
    public func culprit(isRunning: (Int64) throws -> Bool) rethrows -> Suspect? {
        let culprit: Culprit
        if let executionId, try isRunning(executionId) {
            culprit = .execution(executionId)
        } else if let originId, try isRunning(originId) {
            culprit = .execution(originId)
        } else if let spoolFile {
            culprit = .spoolFile(spoolFile)
        } else {
            return nil
        }
        let before = suspect?.culprit == culprit ? suspect?.crashes ?? 0 : 0
        return Suspect(culprit: culprit, crashes: before + 1)
    }
}
