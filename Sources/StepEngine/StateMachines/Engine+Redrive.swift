import Foundation
import GRDB
import JSON
import StatesLanguage
import StepStore

/// RedriveExecution: an execution that failed, timed out or was stopped runs again from the
/// state it ended in, keeping its ARN, input, history and the definition it started with.
extension Engine {
    /// How long a client token answers idempotently, and how many are remembered (AWS: the
    /// last 10, for 15 minutes after their first use).
    static let clientTokenSeconds = 15.0 * 60
    static let clientTokensKept = 10

    /// Returns the redrive date. A `clientToken` used for one of the execution's last redrives
    /// within 15 minutes answers that redrive's date and redrives nothing.
    public func redriveExecution(arn reference: String, clientToken: String?, scope: ExecutionScope = .all) async throws -> Double {
        let arn = try LocalARN.normalizedExecution(reference)
        let definitions = self.definitions
        return try await transact { db, now, effects -> Double in
            guard var execution = try ExecutionRecord.find(db, arn: arn), let id = execution.id else {
                throw ExecutionError.doesNotExist(arn: arn)
            }
            try scope.check(execution)
            let time = now.timeIntervalSince1970
            let previous = try ExecutionRedriveRecord.find(executionId: id, in: db)
            var tokens = Self.clientTokens(in: previous)
            if let clientToken, let used = tokens.first(where: { $0.token == clientToken }), time - used.date <= Self.clientTokenSeconds {
                return used.date
            }
            if let reason = try RedriveEligibility.reason(for: execution, in: db, now: time) {
                throw ExecutionError.notRedrivable(arn: arn, reason: reason)
            }
            let definition: StateMachineDefinition
            do { definition = try definitions.definition(versionId: execution.versionId, in: db) } catch {
                throw StateMachineError.definitionUnreadable(name: execution.stateMachineName, reason: "\(error)")
            }
            let count = (previous?.count ?? 0) + 1
            if let clientToken { tokens.append((clientToken, time)) }
            let kept = tokens.suffix(Self.clientTokensKept).map { JSONValue.object(["token": .string($0.token), "date": .number($0.date)]) }
            try ExecutionRedriveRecord(executionId: id, count: count, lastDate: time, clientTokens: JSONValue.array(kept).serialized()).save(db)
            var stepper = ExecutionStepper(db: db, now: now, definitions: definitions)
            try stepper.redrive(&execution, count: count, definition: definition)
            try stepper.save(&execution)
            effects.merge(stepper.effects)
            return time
        }
    }

    /// DescribeExecution's `redriveStatus` and `redriveStatusReason` for `execution` now.
    static func redriveStatus(of execution: ExecutionRecord, in db: Database, now: Double) throws
        -> RedriveStatus
    {
        let reason = try RedriveEligibility.reason(for: execution, in: db, now: now)
        let status =
            switch reason {
            case nil: "REDRIVABLE"
            case RedriveEligibility.mapRunChildReason?: "REDRIVABLE_BY_MAP_RUN"
            default: "NOT_REDRIVABLE"
            }
        return RedriveStatus(status: status, reason: reason)
    }

    private static func clientTokens(in record: ExecutionRedriveRecord?) -> [(token: String, date: Double)] {
        guard let text = record?.clientTokens, let list = try? JSONValue(parsing: text).arrayValue else { return [] }
        return list.compactMap { item in
            guard let token = item["token"]?.stringValue, let date = item["date"]?.numberValue else { return nil }
            return (token, date)
        }
    }
}
