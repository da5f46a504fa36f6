import Foundation
import GRDB
import JSON
import StatesLanguage
import StepStore

extension Engine {
    public func startExecution(stateMachine: String, name: String?, input: String?, startedByUid: UInt32?) async throws -> StartedExecution {
        let started = try await start(stateMachine: stateMachine, name: name, input: input, startedByUid: startedByUid, express: nil)
        return StartedExecution(arn: started.execution.arn, startDate: started.execution.startDate)
    }

    /// StartSyncExecution: starts an execution of the EXPRESS machine `stateMachine` and
    /// answers once it has ended (at most five minutes later); a STANDARD machine is refused.
    public func startSyncExecution(stateMachine: String, name: String?, input: String?, startedByUid: UInt32?) async throws
        -> ExecutionDescription
    {
        let started = try await start(stateMachine: stateMachine, name: name, input: input, startedByUid: startedByUid, express: true)
        guard let id = started.execution.id else { throw ExecutionError.doesNotExist(arn: started.execution.arn) }
        return try await waitForEnd(ofExecution: id)
    }

    /// `express`: when given, the machine must be of that type (`StateMachineError.typeNotSupported`).
    private func start(stateMachine: String, name: String?, input: String?, startedByUid: UInt32?, express: Bool?) async throws
        -> ExecutionStarter.Started
    {
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
        return try await transact { db, now, effects in
            if let express {
                let machineName = try LocalARN.qualifiedStateMachine(from: stateMachine).name
                if let machine = try StateMachineRecord.find(db, key: machineName), machine.isExpress != express {
                    throw StateMachineError.typeNotSupported
                }
            }
            return try ExecutionStarter.start(
                stateMachine: stateMachine, name: name, inputText: inputText, startedByUid: startedByUid.map(Int64.init),
                parentExecutionArn: nil, definitions: definitions, db: db, now: now, effects: &effects)
        }
    }

    /// `scope`: whose executions the caller may see (``AccessDenied`` for another's).
    public func describeExecution(arn reference: String, scope: ExecutionScope = .all) async throws -> ExecutionDescription {
        let arn = try LocalARN.normalizedExecution(reference)
        let now = clock().timeIntervalSince1970
        let description = try await read { db -> ExecutionDescription? in
            guard let execution = try ExecutionRecord.find(db, arn: arn) else { return nil }
            try scope.check(execution)
            return try Self.describe(execution, in: db, now: now)
        }
        guard let description else { throw ExecutionError.doesNotExist(arn: arn) }
        return description
    }

    /// DescribeExecution's whole answer for `execution`: with the version and alias it came
    /// through, its redrives, and whether it can be redriven `now`.
    static func describe(_ execution: ExecutionRecord, in db: Database, now: Double) throws
        -> ExecutionDescription
    {
        guard let id = execution.id else { return ExecutionDescription(execution) }
        var description = ExecutionDescription(
            execution, qualifier: try ExecutionQualifierRecord.find(executionId: id, in: db),
            redrive: try ExecutionRedriveRecord.find(executionId: id, in: db))
        description.redriveStatus = try redriveStatus(of: execution, in: db, now: now)
        if let link = try MapRunChildRecord.find(executionId: id, in: db), let run = try MapRunRecord.fetchOne(db, key: link.mapRunId) {
            description.mapRunArn = run.arn
            description.stateMachineArn = LocalARN.labelledStateMachine(execution.stateMachineName, label: run.label)
        }
        return description
    }

    /// `statusFilter`: AWS's status names; `PENDING_REDRIVE` is valid and matches nothing here.
    /// `scope`: only the executions the caller may see are listed.
    public func listExecutions(
        stateMachine: String, statusFilter: String?, redriveFilter: String? = nil, maxResults: Int?, nextToken: String?,
        scope: ExecutionScope = .all
    ) async throws -> Page<ExecutionDescription> {
        // A version or alias ARN lists the executions started through it.
        let (name, qualifier) = try LocalARN.qualifiedStateMachine(from: stateMachine)
        let statuses = Set(["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"])
        if let statusFilter, !statuses.contains(statusFilter) {
            throw RequestError.invalid(reason: "statusFilter must be one of \(statuses.sorted().joined(separator: ", "))")
        }
        let page = try Pagination(maxResults: maxResults, nextToken: nextToken)
        return try await read { db in
            let machine = try StateMachineRecord.find(db, key: name)
            guard try machine != nil || ExecutionRecord.exists(stateMachine: name, in: db) else { throw Self.noSuchStateMachine(name) }
            // AWS lists no EXPRESS executions.
            if machine?.isExpress == true { throw StateMachineError.typeNotSupported }
            var versionNumber: Int64?
            var aliasName: String?
            switch qualifier {
            case nil: break
            case .version(let number):
                guard try PublishedVersionRecord.find(stateMachine: name, number: number, in: db) != nil else {
                    throw StateMachineError.doesNotExist(arn: stateMachine)
                }
                versionNumber = number
            case .alias(let alias):
                _ = try Self.existingAlias(name, alias, in: db)
                aliasName = alias
            }
            let records = try ExecutionRecord.page(
                stateMachine: name, status: statusFilter, startedByUid: scope.uidFilter, versionNumber: versionNumber, aliasName: aliasName,
                redriven: redriveFilter.map { $0 == "REDRIVEN" }, before: try page.afterId(), limit: page.limit + 1, in: db)
            let shown = records.prefix(page.limit)
            let ids = shown.compactMap(\.id)
            let qualifiers = try ExecutionQualifierRecord.all(executionIds: ids, in: db)
            let redrives = try ExecutionRedriveRecord.all(executionIds: ids, in: db)
            let last = records.count > page.limit ? records[page.limit - 1].id : nil
            return Page(
                items: shown.map { ExecutionDescription($0, qualifier: $0.id.flatMap { qualifiers[$0] }, redrive: $0.id.flatMap { redrives[$0] }) },
                nextToken: last.map { Pagination.token(after: String($0)) })
        }
    }

    public func getExecutionHistory(
        arn reference: String, maxResults: Int?, reverseOrder: Bool, nextToken: String?, scope: ExecutionScope = .all
    ) async throws -> Page<HistoryEvent> {
        let arn = try LocalARN.normalizedExecution(reference)
        let page = try Pagination(maxResults: maxResults, nextToken: nextToken)
        return try await read { db in
            guard let (id, starter) = try ExecutionRecord.idAndStarter(arn: arn, in: db) else {
                throw ExecutionError.doesNotExist(arn: arn)
            }
            guard scope.allows(startedByUid: starter) else {
                throw AccessDenied.notStarter(of: arn)
            }
            let records = try HistoryEventRecord.page(
                executionId: id, after: try page.afterId(), reverse: reverseOrder, limit: page.limit + 1, in: db)
            return Page(
                items: records.prefix(page.limit).map(HistoryWriter.event(of:)),
                nextToken: records.count > page.limit ? Pagination.token(after: String(records[page.limit - 1].id)) : nil)
        }
    }

    /// Returns the stop date.
    public func stopExecution(arn reference: String, error: String?, cause: String?, scope: ExecutionScope = .all) async throws -> Double {
        let arn = try LocalARN.normalizedExecution(reference)
        let definitions = self.definitions
        let stopDate = try await transact { db, now, effects -> Double in
            guard var execution = try ExecutionRecord.find(db, arn: arn) else { throw ExecutionError.doesNotExist(arn: arn) }
            try scope.check(execution)
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

    /// `scope`: a token answers only for an execution the caller may act on.
    public func sendTask(token: String, answer: TaskAnswerRequest, scope: ExecutionScope = .all) async throws {
        try await transact { db, now, effects in
            if scope != .all, let owner = try TaskAnswer.owner(ofToken: token, in: db) {
                guard scope.allows(startedByUid: owner.startedByUid) else {
                    throw AccessDenied(resource: owner.arn, reason: "a task token answers only for its execution's starter and admins")
                }
            }
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
