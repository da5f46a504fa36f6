import Foundation
import GRDB
import JSON
import StepStore

/// An answer to a task token: SendTaskSuccess, SendTaskFailure or SendTaskHeartbeat, from
/// the API or from a workflow's own `aws-sdk:sfn` task. Resolving it and readying the
/// waiting execution happen in the caller's transaction.
enum TaskAnswer: Sendable {
    case success(output: JSONValue)
    /// AWS leaves out an error or cause the caller did not give.
    case failure(error: String?, cause: String?)
    case heartbeat

    func deliver(token: String, db: Database, now: Date, effects: inout TransitionEffects) throws {
        if case .failure(let error, let cause) = self { try Limits.checkTaskFailure(error: error, cause: cause) }
        guard TaskTokens.isWellFormed(token) else {
            throw TaskTokenError.malformed
        }
        guard let record = try TaskTokenRecord.find(db, key: token) else {
            throw TaskTokenError.doesNotExist
        }
        guard record.resolvedAt == nil,
            var execution = try ExecutionRecord.find(db, key: record.executionId), execution.status == .running,
            var cursor = try Cursor.load(branchId: record.branchId, of: execution, in: db),
            cursor.phase == .awaitingToken, cursor.currentState == record.stateName
        else {
            throw TaskTokenError.timedOut
        }
        let resourceMembers: [String: JSONValue] = ["resourceType": .string(record.resourceType), "resource": .string(record.resource)]
        let resume: ResumeValue
        switch self {
        case .heartbeat:
            if let seconds = record.heartbeatSeconds {
                try TimerRecord(
                    executionId: record.executionId, branchId: record.branchId, kind: .heartbeatTimeout,
                    dueAt: now.timeIntervalSince1970 + Double(seconds)
                ).set(db)
                effects.timersChanged = true
            }
            return
        case .success(let output):
            try HistoryWriter.append(
                .taskSucceeded, details: .object(HistoryWriter.payload("output", output, adding: resourceMembers)),
                to: &execution, at: now, in: db)
            resume = .taskSucceeded(output: output)
        case .failure(let error, let cause):
            var details = resourceMembers
            if let error { details["error"] = .string(error) }
            if let cause { details["cause"] = .string(cause) }
            try HistoryWriter.append(.taskFailed, details: .object(details), to: &execution, at: now, in: db)
            resume = .taskFailed(error: error ?? "", cause: cause ?? "")
        }
        cursor.phase = .resume
        cursor.resumeValue = resume.text
        try cursor.save(into: &execution, in: db)
        try execution.updateChanges(db)
        try TaskWait.close(executionId: record.executionId, branchId: record.branchId, db: db, now: now, effects: &effects)
        effects.readyExecutions.append(record.executionId)
    }

    /// The execution a well-formed, known token belongs to, and who started it; nil otherwise
    /// (`deliver` then says what is wrong with the token).
    static func owner(ofToken token: String, in db: Database) throws -> (arn: String, startedByUid: Int64?)? {
        guard TaskTokens.isWellFormed(token), let record = try TaskTokenRecord.find(db, key: token),
            let execution = try ExecutionRecord.find(db, key: record.executionId)
        else { return nil }
        return (execution.arn, execution.startedByUid)
    }

    /// Reads SendTaskSuccess's `output`: a string holding JSON, within the payload limit.
    static func parseOutput(_ text: String) throws(TaskTokenError) -> JSONValue {
        if text.utf8.count > Limits.maximumPayloadBytes {
            throw .invalidOutput(reason: "the output is larger than \(Limits.maximumPayloadBytes) bytes")
        }
        do {
            return try JSONValue(parsing: text)
        } catch {
            throw .invalidOutput(reason: "'Provided output is not valid JSON: \(error.message)'")
        }
    }
}
