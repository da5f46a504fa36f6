import Foundation
import GRDB
import Logging
import StepStore

/// Pruning rides on commits: after a commit, once `Engine.pruneInterval` has passed since the
/// last batch, one batch goes to the writer as a write of its own; while batches stop at
/// their budget with more to go, the next follows at once. An idle daemon commits nothing, so
/// nothing wakes it to prune; what aged meanwhile goes after its next commit.
struct PruningState {
    var lastStarted: Date?
    var inFlight = false
}

extension Engine {
    /// Between two pruning rounds.
    static let pruneInterval: TimeInterval = 60
    /// Rows one batch may delete: a commit's worth, not a pause.
    static let pruneRowBudget = 2_000

    /// After each commit (on the committing thread).
    func pruneIfDue() {
        guard retention != .forever else { return }
        let now = clock()
        let start = pruning.withLock { state -> Bool in
            guard !state.inFlight else { return false }
            if let last = state.lastStarted, now.timeIntervalSince(last) < Self.pruneInterval, now >= last { return false }
            state.inFlight = true
            state.lastStarted = now
            return true
        }
        if start { submitPruneBatch() }
    }

    private func submitPruneBatch() {
        let retention = self.retention
        let logger = self.logger
        writer.submit(
            PendingWrite(
                body: { db, now, effects in
                    let pruned = try Self.pruneBatch(retention: retention, now: now, in: db)
                    if pruned.rows > 0 {
                        effects.log(.on(logger, level: .info, "pruned what outlived its retention", metadata: [
                            "EXECUTIONS": "\(pruned.executions)", "ROWS": "\(pruned.rows)", "MORE": "\(pruned.moreRemain)",
                        ]))
                    }
                    return pruned.moreRemain
                },
                finish: { [weak self] result in
                    guard let self else { return }
                    if case .success(let more as Bool) = result, more {
                        self.submitPruneBatch()
                    } else {
                        self.pruning.withLock { $0.inFlight = false }
                    }
                }))
    }

    /// One batch: closed executions (with their history and jobs) first, then event ids.
    static func pruneBatch(retention: Retention, now: Date, in db: Database) throws -> Pruning.Batch {
        var total = Pruning.Batch()
        if let keep = retention.closedExecutions {
            let cutoff = now.timeIntervalSince1970 - keep.inSeconds
            let executions = try Pruning.closedExecutions(endedBefore: cutoff, rowBudget: pruneRowBudget, in: db)
            let jobs = try Pruning.endedJobs(before: cutoff, limit: pruneRowBudget / 4, in: db)
            total.executions = executions.executions
            total.rows += executions.rows + jobs.rows
            total.moreRemain = executions.moreRemain || jobs.moreRemain
        }
        if let keep = retention.eventIds {
            let events = try Pruning.receivedEvents(before: now.timeIntervalSince1970 - keep.inSeconds, limit: pruneRowBudget / 2, in: db)
            total.rows += events.rows
            total.moreRemain = total.moreRemain || events.moreRemain
        }
        return total
    }
}
