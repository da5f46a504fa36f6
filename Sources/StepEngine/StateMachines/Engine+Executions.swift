import Foundation
import GRDB
import JSON
import StatesLanguage
import StepAPI
import StepStore

extension Engine {
    public func startExecution(stateMachine: String, name: String?, input: String?, startedByUid: UInt32?) async throws -> JSONValue {
        let inputValue: JSONValue
        if let input {
            do { inputValue = try JSONValue(parsing: input) } catch {
                throw APIError("InvalidExecutionInput", "Invalid Execution Input: '\(error.message)'")
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
        return ["executionArn": .string(started.execution.arn), "startDate": .number(started.execution.startDate)]
    }

    public func describeExecution(arn reference: String) async throws -> JSONValue {
        let arn = try LocalARN.normalizedExecution(reference)
        let execution = try readOneStatement { db in try ExecutionRecord.find(db, arn: arn) }
        guard let execution else { throw APIError("ExecutionDoesNotExist", "Execution Does Not Exist: '\(arn)'") }
        return Self.describe(execution)
    }

    static func describe(_ execution: ExecutionRecord) -> JSONValue {
        var json: [String: JSONValue] = [
            "executionArn": .string(execution.arn),
            "stateMachineArn": .string(LocalARN.stateMachine(execution.stateMachineName)),
            "name": .string(execution.name),
            "status": .string(execution.status.rawValue),
            "startDate": .number(execution.startDate),
            "input": .string(execution.input),
            "inputDetails": ["included": true],
            "redriveCount": 0,
            "redriveStatus": "NOT_REDRIVABLE",
        ]
        if let stop = execution.stopDate { json["stopDate"] = .number(stop) }
        if let output = execution.output {
            json["output"] = .string(output)
            json["outputDetails"] = ["included": true]
        }
        if let error = execution.error { json["error"] = .string(error) }
        if let cause = execution.cause { json["cause"] = .string(cause) }
        return .object(json)
    }

    public func listExecutions(stateMachine: String, statusFilter: String?, maxResults: Int?, nextToken: String?) async throws -> JSONValue {
        let name = try LocalARN.stateMachineName(from: stateMachine)
        let statuses = Set(["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"])
        if let statusFilter, !statuses.contains(statusFilter) {
            throw APIError.validation("statusFilter must be one of \(statuses.sorted().joined(separator: ", "))")
        }
        let page = try Pagination(maxResults: maxResults, nextToken: nextToken)
        return try await read { db in
            guard try StateMachineRecord.find(db, key: name) != nil
                || (try Bool.fetchOne(db, sql: "SELECT 1 FROM execution WHERE stateMachineName = ? LIMIT 1", arguments: [name]) ?? false)
            else { throw Self.noSuchStateMachine(name) }
            var request = ExecutionRecord.filter(Column("stateMachineName") == name)
            if let statusFilter { request = request.filter(Column("status") == statusFilter) }
            if let after = try page.afterId() { request = request.filter(Column("id") < after) }
            let records = try request.order(Column("id").desc).limit(page.limit + 1).fetchAll(db)
            var json: [String: JSONValue] = [
                "executions": .array(records.prefix(page.limit).map { execution in
                    var item: [String: JSONValue] = [
                        "executionArn": .string(execution.arn),
                        "stateMachineArn": .string(LocalARN.stateMachine(execution.stateMachineName)),
                        "name": .string(execution.name), "status": .string(execution.status.rawValue),
                        "startDate": .number(execution.startDate),
                    ]
                    if let stop = execution.stopDate { item["stopDate"] = .number(stop) }
                    return .object(item)
                })
            ]
            if records.count > page.limit, let last = records[page.limit - 1].id {
                json["nextToken"] = .string(Pagination.token(after: String(last)))
            }
            return .object(json)
        }
    }

    public func getExecutionHistory(
        arn reference: String, maxResults: Int?, reverseOrder: Bool, nextToken: String?, includeExecutionData: Bool
    ) async throws -> JSONValue {
        let arn = try LocalARN.normalizedExecution(reference)
        let page = try Pagination(maxResults: maxResults, nextToken: nextToken)
        return try await read { db in
            guard let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM execution WHERE arn = ?"), arguments: [arn]) else {
                throw APIError("ExecutionDoesNotExist", "Execution Does Not Exist: '\(arn)'")
            }
            var request = HistoryEventRecord.filter(Column("executionId") == id)
            if let after = try page.afterId() { request = request.filter(reverseOrder ? Column("id") < after : Column("id") > after) }
            let records = try request.order(reverseOrder ? Column("id").desc : Column("id").asc).limit(page.limit + 1).fetchAll(db)
            var json: [String: JSONValue] = [
                "events": .array(records.prefix(page.limit).map { HistoryWriter.json(of: $0, includeExecutionData: includeExecutionData) })
            ]
            if records.count > page.limit { json["nextToken"] = .string(Pagination.token(after: String(records[page.limit - 1].id))) }
            return .object(json)
        }
    }

    public func stopExecution(arn reference: String, error: String?, cause: String?) async throws -> JSONValue {
        let arn = try LocalARN.normalizedExecution(reference)
        let definitions = self.definitions
        let stopDate = try await transact { db, now, effects -> Double in
            guard var execution = try ExecutionRecord.find(db, arn: arn) else {
                throw APIError("ExecutionDoesNotExist", "Execution Does Not Exist: '\(arn)'")
            }
            guard execution.status == .running else {
                throw APIError.validation("Execution '\(arn)' has already ended with status \(execution.status.rawValue)")
            }
            var stepper = ExecutionStepper(db: db, now: now, definitions: definitions)
            try stepper.endExecution(&execution, status: .aborted, outputText: nil, error: error, cause: cause)
            try stepper.save(&execution)
            effects.merge(stepper.effects)
            return now.timeIntervalSince1970
        }
        return ["stopDate": .number(stopDate)]
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
