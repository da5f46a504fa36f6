import Foundation
import GRDB
import JSON
import StatesLanguage
import StepStore

/// Starts executions: from StartExecution, from a `states:startExecution` task, from a rule.
enum ExecutionStarter {
    struct Started {
        let execution: ExecutionRecord
        /// False when StartExecution was repeated with the same name and input (AWS answers
        /// it with the running execution, idempotently).
        let isNew: Bool
    }

    /// `inputText`: the input, serialized (callers that hold its text already spare a second
    /// serialization).
    static func start(
        stateMachine reference: String, name: String?, inputText: String, startedByUid: Int64?, parentExecutionArn: String?,
        parentTaskToken: String? = nil, definitions: DefinitionCache, db: Database, now: Date, effects: inout TransitionEffects
    ) throws -> Started {
        let (stateMachineName, qualifier) = try LocalARN.qualifiedStateMachine(from: reference)
        guard let stateMachine = try StateMachineRecord.find(db, key: stateMachineName) else {
            throw Engine.noSuchStateMachine(stateMachineName)
        }
        let run = try Self.revision(of: stateMachine, qualifier: qualifier, reference: reference, in: db)
        let executionName = name ?? UUID.timeOrdered(at: now).lowercasedString
        try ResourceName.validate(executionName, what: "execution name")
        if inputText.utf8.count > Limits.maximumPayloadBytes {
            throw ExecutionError.invalidInput(
                reason: "the input is \(inputText.utf8.count) bytes, more than the limit of \(Limits.maximumPayloadBytes) bytes")
        }
        let arn =
            stateMachine.isExpress
            ? LocalARN.expressExecution(stateMachine: stateMachineName, name: executionName, id: UUID.timeOrdered(at: now).lowercasedString)
            : LocalARN.execution(stateMachine: stateMachineName, name: executionName)
        // A name drawn here (a rule's target, a start without one) cannot be taken already, nor
        // an EXPRESS execution's ARN (each start its own).
        if name != nil, !stateMachine.isExpress, let existing = try ExecutionRecord.find(db, arn: arn) {
            if existing.status == .running, existing.input == inputText {
                return Started(execution: existing, isNew: false)
            }
            throw ExecutionError.alreadyExists(arn: arn)
        }
        let definition: StateMachineDefinition
        do {
            definition = try definitions.definition(versionId: run.definitionId, in: db)
        } catch {
            throw StateMachineError.definitionUnreadable(name: stateMachineName, reason: "\(error)")
        }
        var execution = ExecutionRecord(
            arn: arn, name: executionName, stateMachineName: stateMachineName, versionId: run.definitionId,
            input: inputText, startDate: now.timeIntervalSince1970, startedByUid: startedByUid,
            parentExecutionArn: parentExecutionArn, startAt: definition.startAt, parentTaskToken: parentTaskToken)
        // The row counts its first event, written right after it: one write instead of an
        // insert and an update.
        execution.lastEventId = 1
        try execution.insertAssigningId(db)
        effects.executionsStarted += 1
        var started = HistoryWriter.payload("input", text: inputText)
        started["roleArn"] = .string(run.roleArn ?? stateMachine.roleArn)
        if let id = execution.id, let version = run.versionNumber {
            try ExecutionQualifierRecord(executionId: id, versionNumber: version, aliasName: run.aliasName).insert(db)
            started["stateMachineVersionArn"] = .string(LocalARN.stateMachineVersion(stateMachineName, number: version))
            if let alias = run.aliasName { started["stateMachineAliasArn"] = .string(LocalARN.stateMachineAlias(stateMachineName, alias: alias)) }
        }
        if let id = execution.id {
            let event = HistoryWriter.event(.executionStarted, details: .object(started), executionId: id, id: 1, previousEventId: 0, at: now)
            try HistoryEventRecord.insert([event], in: db)
        }
        effects.log(.about(execution, level: .debug, "execution started"))
        if let id = execution.id {
            effects.readyExecutions.append(id)
            // An EXPRESS execution runs at most five minutes (AWS's "Maximum duration").
            let timeout = stateMachine.isExpress ? min(definition.timeoutSeconds ?? Limits.maximumExpressSeconds, Limits.maximumExpressSeconds) : definition.timeoutSeconds
            if let timeout {
                try TimerRecord(executionId: id, kind: .executionTimeout, dueAt: now.timeIntervalSince1970 + Double(timeout)).set(db)
                effects.timersChanged = true
            }
        }
        return Started(execution: execution, isNew: true)
    }

    /// What a start runs: the revision, and the version and alias it came through.
    struct Run {
        let definitionId: Int64
        let roleArn: String?
        let versionNumber: Int64?
        let aliasName: String?
    }

    /// The machine's current revision for its own ARN; the version's for a version ARN; for an
    /// alias ARN, the version the alias's weights draw.
    static func revision(of machine: StateMachineRecord, qualifier: LocalARN.Qualifier?, reference: String, in db: Database) throws -> Run {
        let versionNumber: Int64
        var aliasName: String?
        switch qualifier {
        case nil:
            let roleArn = try StateMachineVersionRecord.find(db, key: machine.currentVersionId)?.roleArn
            return Run(definitionId: machine.currentVersionId, roleArn: roleArn, versionNumber: nil, aliasName: nil)
        case .version(let number):
            versionNumber = number
        case .alias(let name):
            guard let alias = try StateMachineAliasRecord.find(stateMachine: machine.name, name: name, in: db) else {
                throw VersionError.resourceNotFound("Request references a resource that does not exist: '\(reference)'")
            }
            versionNumber = try Engine.drawVersion(of: alias)
            aliasName = name
        }
        guard let version = try PublishedVersionRecord.find(stateMachine: machine.name, number: versionNumber, in: db) else {
            throw StateMachineError.doesNotExist(arn: LocalARN.stateMachineVersion(machine.name, number: versionNumber))
        }
        let roleArn = try StateMachineVersionRecord.find(db, key: version.definitionId)?.roleArn
        return Run(definitionId: version.definitionId, roleArn: roleArn, versionNumber: versionNumber, aliasName: aliasName)
    }
}
