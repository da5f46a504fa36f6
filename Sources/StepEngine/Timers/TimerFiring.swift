import Foundation
import GRDB
import JSON
import Logging
import StatesLanguage
import StepStore

/// What a due timer does to its execution.
enum TimerFiring {
    static func fireDue(
        db: Database, now: Date, definitions: DefinitionCache, logger: Logger, effects: inout TransitionEffects
    ) throws {
        let due = try TimerRecord.due(at: now.timeIntervalSince1970, in: db)
        for timer in due {
            // Each timer alone: one that cannot fire fails its own execution, not every timer.
            var timerEffects = TransitionEffects()
            do {
                try db.withSavepoint {
                    try fire(timer, db: db, now: now, definitions: definitions, effects: &timerEffects)
                }
                effects.merge(timerEffects)
            } catch let error as DatabaseError where GroupCommit.isFatal(error) {
                throw error
            } catch {
                try timer.delete(db)
                try ExecutionStepper.failOnInternalError(
                    executionId: timer.executionId, error: error, db: db, now: now, definitions: definitions, logger: logger,
                    effects: &effects)
            }
        }
        effects.timersChanged = true
    }

    private static func fire(
        _ timer: TimerRecord, db: Database, now: Date, definitions: DefinitionCache, effects: inout TransitionEffects
    ) throws {
        try timer.delete(db)
        guard var execution = try ExecutionRecord.find(db, key: timer.executionId), execution.status == .running,
            var cursor = try Cursor.load(branchId: timer.branchId, of: execution, in: db)
        else { return }
        switch timer.kind {
        case .wait:
            guard cursor.phase == .awaitingTimer else { return }
            cursor.phase = .resume
        case .executionTimeout:
            var stepper = ExecutionStepper(db: db, now: now, definitions: definitions)
            try stepper.endExecution(
                &execution, status: .timedOut, outputText: nil, error: StatesError.timeout,
                cause: "The execution ran longer than the state machine's TimeoutSeconds")
            try stepper.save(&execution)
            effects.merge(stepper.effects)
            return
        case .taskTimeout, .heartbeatTimeout:
            guard cursor.phase == .awaitingToken,
                let token = try TaskTokenRecord.unresolved(executionId: timer.executionId, branchId: timer.branchId, in: db)
            else { return }
            let error = timer.kind == .taskTimeout ? StatesError.timeout : StatesError.heartbeatTimeout
            let cause = timer.kind == .taskTimeout
                ? "The task did not complete within its TimeoutSeconds"
                : "No heartbeat arrived within the task's HeartbeatSeconds"
            try HistoryWriter.append(
                .taskTimedOut,
                details: ["resourceType": .string(token.resourceType), "resource": .string(token.resource),
                          "error": .string(error), "cause": .string(cause)],
                to: &execution, at: now, in: db)
            let childWaits = try TaskTokenRecord.unresolvedChildWaits(executionId: timer.executionId, branchId: timer.branchId, in: db)
            try TaskWait.close(executionId: timer.executionId, branchId: timer.branchId, db: db, now: now, effects: &effects)
            // A child the task waited for is stopped, as AWS stops it when the task times out.
            var stopping = ExecutionStepper(db: db, now: now, definitions: definitions)
            try stopping.stopChildren(waitedOnBy: childWaits)
            effects.merge(stopping.effects)
            cursor.phase = .resume
            cursor.resumeValue = ResumeValue.taskFailed(error: error, cause: cause).text
        }
        try cursor.save(into: &execution, in: db)
        try execution.updateChanges(db)
        if let id = execution.id { effects.readyExecutions.append(id) }
    }
}
