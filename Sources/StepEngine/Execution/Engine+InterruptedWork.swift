import Foundation
import GRDB
import Logging
import StatesLanguage
import StepStore

extension Engine {
    /// Blames the crash that ended the last run, if any, on the work it interrupted, and sets
    /// that work aside once it has stopped the daemon ``WorkInProgress/crashesBeforeSetAside``
    /// times in a row: an execution fails with `States.Runtime`, a spool file is refused when
    /// the spool comes to it. Runs before recovery drives anything.
    func settleInterruptedWork() async throws {
        guard let progress else { return }
        let interrupted = progress.interrupted
        guard interrupted != InterruptedWork() else { return }
        let blamed = try await read { db in
            try interrupted.culprit { id in try ExecutionRecord.find(db, key: id)?.status == .running }
        }
        guard let blamed else {
            progress.setSuspect(interrupted.suspect)
            return
        }
        guard blamed.crashes >= WorkInProgress.crashesBeforeSetAside else {
            logger.warning("stepd stopped while working on this; it is tried again", metadata: Self.metadata(of: blamed))
            progress.setSuspect(blamed)
            return
        }
        progress.setSuspect(nil)
        switch blamed.culprit {
        case .execution(let id):
            let crashes = blamed.crashes
            try await transact(runsFirst: true) { db, now, effects in
                guard let execution = try ExecutionRecord.find(db, key: id), execution.status == .running else { return }
                let state = execution.currentState.map { " (in state '\($0)')" } ?? ""
                let error = StatesError(
                    name: StatesError.runtime,
                    cause: WorkInProgress.setAsideCausePrefix + "\(crashes) times in a row while running this execution\(state), so it was set aside "
                        + "for the daemon to serve the rest; the journal of those stops says what happened")
                try ExecutionStepper.fail(executionId: id, error: error, db: db, now: now, definitions: self.definitions, effects: &effects)
            }
        case .spoolFile(let name):
            let reason =
                "taking in this event stopped stepd \(blamed.crashes) times in a row, so it was set aside; "
                + "the journal of those stops says what happened"
            setAsideSpoolFiles.withLock { $0[name] = reason }
        }
        logger.error("work that stopped stepd was set aside", metadata: Self.metadata(of: blamed))
    }

    /// Refuses a spool file set aside at start; notes the file as the work in progress.
    func beginSpoolFile(_ fileName: String) throws(SpoolEventSetAside) {
        if let reason = setAsideSpoolFiles.withLock({ $0.removeValue(forKey: fileName) }) {
            progress?.endSpoolFile(fileName, settled: true)
            throw SpoolEventSetAside(reason: reason)
        }
        progress?.beginSpoolFile(fileName)
    }

    private static func metadata(of suspect: InterruptedWork.Suspect) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["CRASHES": "\(suspect.crashes)", "CRASHES_BEFORE_SET_ASIDE": "\(WorkInProgress.crashesBeforeSetAside)"]
        switch suspect.culprit {
        case .execution(let id): metadata["EXECUTION_ID"] = "\(id)"
        case .spoolFile(let name): metadata["SPOOL_FILE"] = "\(name)"
        }
        return metadata
    }
}

/// A spool file whose processing stopped the daemon too often; it goes to failed/.
public struct SpoolEventSetAside: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
