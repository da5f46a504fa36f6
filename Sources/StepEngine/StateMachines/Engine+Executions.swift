import Foundation
import GRDB
import JSON
import StatesLanguage
import StepStore

extension Engine {
    public func startExecution(stateMachine: String, name: String?, input: String?, startedByUid: UInt32?) async throws -> StartedExecution {
        let inputValue: JSONValue
        if let input {
            do { inputValue = try JSONValue(parsing: input) } catch {
                throw ExecutionError.invalidInput(reason: "'\(error.message)'")
            }
        } else {
            inputValue = .object([:])
        }
        let definitions = self.definitions
        let inputText = inputValue.serialized()
        let started = try await transact { db, now, effects in
            try ExecutionStarter.start(
                stateMachine: stateMachine, name: name, inputText: inputText, startedByUid: startedByUid.map(Int64.init),
                parentExecutionArn: nil, definitions: definitions, db: db, now: now, effects: &effects)
        }
        return StartedExecution(arn: started.execution.arn, startDate: started.execution.startDate)
    }

    public func describeExecution(arn reference: String) async throws -> ExecutionDescription {
        let arn = try LocalARN.normalizedExecution(reference)
        let execution = try readOneStatement { db in try ExecutionRecord.find(db, arn: arn) }
        guard let execution else { throw ExecutionError.doesNotExist(arn: arn) }
        return ExecutionDescription(execution)
    }

    /// `statusFilter`: AWS's status names; `PENDING_REDRIVE` is valid and matches nothing here.
    public func listExecutions(stateMachine: String, statusFilter: String?, maxResults: Int?, nextToken: String?) async throws -> Page<ExecutionDescription> {
        let name = try LocalARN.stateMachineName(from: stateMachine)
        let statuses = Set(["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"])
        if let statusFilter, !statuses.contains(statusFilter) {
            throw RequestError.invalid(reason: "statusFilter must be one of \(statuses.sorted().joined(separator: ", "))")
        }
        let page = try Pagination(maxResults: maxResults, nextToken: nextToken)
        return try await read { db in
            guard try StateMachineRecord.find(db, key: name) != nil
                || (try ExecutionRecord.exists(stateMachine: name, in: db))
            else { throw Self.noSuchStateMachine(name) }
            let records = try ExecutionRecord.page(
                stateMachine: name, status: statusFilter, before: try page.afterId(), limit: page.limit + 1, in: db)
            let last = records.count > page.limit ? records[page.limit - 1].id : nil
            return Page(items: records.prefix(page.limit).map(ExecutionDescription.init), nextToken: last.map { Pagination.token(after: String($0)) })
        }
    }

    public func getExecutionHistory(
        arn reference: String, maxResults: Int?, reverseOrder: Bool, nextToken: String?
    ) async throws -> Page<HistoryEvent> {
        let arn = try LocalARN.normalizedExecution(reference)
        let page = try Pagination(maxResults: maxResults, nextToken: nextToken)
        return try await read { db in
            guard let id = try ExecutionRecord.id(arn: arn, in: db) else {
                throw ExecutionError.doesNotExist(arn: arn)
            }
            let records = try HistoryEventRecord.page(
                executionId: id, after: try page.afterId(), reverse: reverseOrder, limit: page.limit + 1, in: db)
            return Page(
                items: records.prefix(page.limit).map(HistoryWriter.event(of:)),
                nextToken: records.count > page.limit ? Pagination.token(after: String(records[page.limit - 1].id)) : nil)
        }
    }

    /// Returns the stop date.
    public func stopExecution(arn reference: String, error: String?, cause: String?) async throws -> Double {
        let arn = try LocalARN.normalizedExecution(reference)
        let definitions = self.definitions
        let stopDate = try await transact { db, now, effects -> Double in
            guard var execution = try ExecutionRecord.find(db, arn: arn) else { throw ExecutionError.doesNotExist(arn: arn) }
            guard execution.status == .running else {
                throw ExecutionError.notRunning(arn: arn, status: execution.status.rawValue)
            }
            var stepper = ExecutionStepper(db: db, now: now, definitions: definitions)
            try stepper.endExecution(&execution, status: .aborted, outputText: nil, error: error, cause: cause)
            try stepper.save(&execution)
            effects.merge(stepper.effects)
            return now.timeIntervalSince1970
        }
        return stopDate
    }

    public func sendTask(token: String, answer: TaskAnswerRequest) async throws {
        try await transact { db, now, effects in
            switch answer {
            case .success(let output):
                try TaskAnswer.success(output: try TaskAnswer.parseOutput(output)).deliver(token: token, db: db, now: now, effects: &effects)
            case .failure(let error, let cause):
                try TaskAnswer.failure(error: error, cause: cause).deliver(token: token, db: db, now: now, effects: &effects)
            case .heartbeat:
                try TaskAnswer.heartbeat.deliver(token: token, db: db, now: now, effects: &effects)
            }
        }
    }
}

/// SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat as the API receives them.
public enum TaskAnswerRequest: Sendable {
    case success(output: String)
    case failure(error: String?, cause: String?)
    case heartbeat
}
