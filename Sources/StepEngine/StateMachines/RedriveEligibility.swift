import GRDB
import StatesLanguage
import StepStore

/// Whether an ended execution can be redriven, by AWS's rules, and AWS's reason when not
/// (`redriveStatusReason`, without the model's final period, as AWS answers it).
enum RedriveEligibility {
    /// "within 14 days of the day it completed"
    static let redrivablePeriodSeconds = 14.0 * 86_400
    /// An execution's maximum open time, one year.
    static let maximumOpenSeconds = 365.0 * 86_400

    /// A map run's child that did not succeed runs again when its parent is redriven (AWS's
    /// `REDRIVABLE_BY_MAP_RUN`), not by itself.
    static let mapRunChildReason = "Execution was started by a Map Run: it is redriven by redriving its parent"

    /// The reason `execution` cannot be redriven now, or nil when it can.
    static func reason(for execution: ExecutionRecord, in db: Database, now: Double) throws -> String? {
        switch execution.status {
        case .running: return "Execution is RUNNING and cannot be redriven"
        case .succeeded: return "Execution is SUCCEEDED and cannot be redriven"
        case .failed, .timedOut, .aborted: break
        }
        if let id = execution.id, try MapRunChildRecord.find(executionId: id, in: db) != nil { return mapRunChildReason }
        guard try StateMachineRecord.find(db, key: execution.stateMachineName) != nil else { return "State machine is in DELETING status" }
        // Room for ExecutionRedriven and at least one event more.
        if execution.lastEventId >= Int64(Limits.maximumHistoryEvents) - 1 { return "Execution history event limit exceeded" }
        if now - execution.startDate > maximumOpenSeconds { return "Execution has exceeded the max execution time" }
        if now - (execution.stopDate ?? now) > redrivablePeriodSeconds { return "Execution redrivable period exceeded" }
        // stepd's own: an execution set aside because driving it stopped the daemon would stop it again.
        if execution.error == StatesError.runtime, execution.cause?.hasPrefix(WorkInProgress.setAsideCausePrefix) == true {
            return "Execution was set aside because running it stopped stepd, and cannot be redriven"
        }
        return nil
    }
}
