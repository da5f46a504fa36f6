import Foundation
import GRDB
import Logging
import StatesLanguage
import StepStore

/// A change waiting for the next group commit: an API call, an event, a timer.
///
/// `body` may run twice. The commit first runs every write and execution without savepoints;
/// when one throws after changing rows (`SavepointsNeeded`), the whole transaction is rolled
/// back and run again with them, every body of the group included, those that succeeded too.
/// And a run of a body may never be committed (it threw, or the commit failed). So a body
/// changes the database and `effects` only: whatever reaches outside (a log line, a job
/// launch, a waiter resumed) goes in `effects`, carried out once the commit is durable.
struct PendingWrite: Sendable {
    let body: @Sendable (Database, Date, inout TransitionEffects) throws -> any Sendable
    /// Told the body's value once the commit is durable, or why nothing happened.
    let finish: @Sendable (Result<any Sendable, any Error>) -> Void
    /// Runs before everything else of its commit: it sees the database as the last commit
    /// left it, so what it counts plus this commit's effects is exact.
    var runsFirst = false

    init(
        body: @escaping @Sendable (Database, Date, inout TransitionEffects) throws -> any Sendable,
        finish: @escaping @Sendable (Result<any Sendable, any Error>) -> Void, runsFirst: Bool = false
    ) {
        self.body = body
        self.finish = finish
        self.runsFirst = runsFirst
    }

    /// For a caller awaiting the result.
    init(
        body: @escaping @Sendable (Database, Date, inout TransitionEffects) throws -> any Sendable,
        continuation: CheckedContinuation<any Sendable, any Error>, runsFirst: Bool = false
    ) {
        self.init(body: body, finish: { continuation.resume(with: $0) }, runsFirst: runsFirst)
    }
}

/// One group commit: every pending write in its own savepoint, then the executions that are
/// ready — those queued before and those the writes just made ready — driven in the same
/// transaction. Everything becomes durable with one fsync, and a resumed or newly started
/// execution does not wait for a second commit to take its next steps.
struct GroupCommit {
    /// Executions driven in one transaction at most; the rest wait for the next one.
    static let executionsPerCommit = 512

    let writes: [PendingWrite]
    let queued: [Int64]
    let now: Date
    let definitions: DefinitionCache
    let logger: Logger
    /// Told which execution is being driven, so a crash can be blamed on it at the next start.
    var progress: WorkInProgress?
    var crashHook: CrashHook?
    /// Where Distributed Map states read items and write results.
    var buckets: BucketFolder?

    struct Outcome: Sendable {
        var results: [Result<any Sendable, any Error>] = []
        var effects = TransitionEffects()
        /// Ready executions left for the next commit.
        var stillReady: [Int64] = []
        /// When timers changed: the earliest due time after this commit (nil: no timer left).
        var nextTimerDue: Double??
    }

    func run(in db: Database) throws -> Outcome {
        var outcome = Outcome()
        var toDrive = queued[...]
        /// Made ready in this commit, each with the committed execution whose drive led to it
        /// (nil when a write did): what a restart would replay if the commit were lost.
        var extra: [(id: Int64, origin: Int64?)] = []
        for write in writes {
            var effects = TransitionEffects()
            do {
                let value = try db.withSavepoint { try write.body(db, now, &effects) }
                outcome.results.append(.success(value))
                extra += effects.readyExecutions.map { ($0, nil) }
                effects.readyExecutions = []
                outcome.effects.merge(effects)
            } catch let error as DatabaseError where Self.isFatal(error) {
                throw error
            } catch {
                outcome.results.append(.failure(error))
            }
        }
        var driven = 0
        var nextExtra = 0
        while driven < Self.executionsPerCommit {
            let id: Int64
            let origin: Int64?
            if let next = toDrive.popFirst() {
                (id, origin) = (next, nil)
            } else if nextExtra < extra.count {
                (id, origin) = extra[nextExtra]
                nextExtra += 1
            } else {
                break
            }
            driven += 1
            var stepper = ExecutionStepper(db: db, now: now, definitions: definitions)
            stepper.crashHook = crashHook
            stepper.buckets = buckets
            progress?.beginExecution(id, origin: origin)
            defer { progress?.endExecution() }
            do {
                let more = try db.withSavepoint { try stepper.drive(executionId: id) }
                if more { outcome.stillReady.append(id) }
                // Executions this one made ready (a child started, a parent answered) go next.
                extra += stepper.effects.readyExecutions.map { ($0, origin ?? id) }
                stepper.effects.readyExecutions = []
                outcome.effects.merge(stepper.effects)
            } catch let error as DatabaseError where Self.isFatal(error) {
                throw error
            } catch {
                try ExecutionStepper.failOnInternalError(
                    executionId: id, error: error, db: db, now: now, definitions: definitions, logger: logger, effects: &outcome.effects)
            }
        }
        outcome.stillReady += toDrive + extra[nextExtra...].map(\.id)
        if outcome.effects.timersChanged {
            // Read in the committing transaction, so the engine arms exactly what is durable.
            outcome.nextTimerDue = .some(try TimerRecord.earliestDue(in: db))
        }
        return outcome
    }

    /// What the callers of a failed commit hear.
    static func describe(_ error: DatabaseError) -> any Error {
        switch error.resultCode {
        case .SQLITE_FULL: return EngineUnavailable.diskFull
        case .SQLITE_IOERR, .SQLITE_NOMEM, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_CANTOPEN:
            return EngineUnavailable.storageFailing(reason: error.message ?? "\(error.resultCode)")
        default: return error
        }
    }

    /// Errors of the database itself (disk full, I/O): the whole transaction is lost, not one write.
    static func isFatal(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_FULL || error.resultCode == .SQLITE_IOERR || error.resultCode == .SQLITE_CORRUPT
    }
}
