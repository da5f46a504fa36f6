import Foundation
import GRDB
import JSON
import StatesLanguage
import StepStore

/// What a due timer does to its execution.
enum TimerFiring {
    static func fireDue(db: Database, now: Date, effects: inout TransitionEffects) throws {
        let due = try TimerRecord.filter(Column("dueAt") <= now.timeIntervalSince1970).fetchAll(db)
        for timer in due {
            try timer.delete(db)
            guard var execution = try ExecutionRecord.fetchOne(db, key: timer.executionId), execution.status == "RUNNING" else { continue }
            switch timer.kind {
            case .wait:
                guard execution.phase == .awaitingTimer else { continue }
                execution.phase = .resume
            case .taskTimeout:
                guard execution.phase == .awaitingToken,
                    var token = try TaskTokenRecord
                        .filter(Column("executionId") == timer.executionId && Column("resolvedAt") == nil).fetchOne(db)
                else { continue }
                token.resolvedAt = now.timeIntervalSince1970
                try token.update(db)
                let cause = "The task did not complete within its TimeoutSeconds"
                try HistoryWriter.append(
                    .taskTimedOut,
                    details: ["resourceType": .string(token.resourceType), "resource": .string(token.resource),
                              "error": .string(StatesError.timeout), "cause": .string(cause)],
                    to: &execution, at: now, in: db)
                execution.phase = .resume
                execution.resumeValue = ResumeValue.taskFailed(error: StatesError.timeout, cause: cause).text
            }
            try execution.update(db)
            if let id = execution.id { effects.readyExecutions.append(id) }
        }
        effects.timersChanged = true
    }
}
