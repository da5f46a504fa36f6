import Foundation
import GRDB
import JSON
import StatesLanguage
import StepStore

extension Engine {
    static let defaultRoleArn = "arn:aws:iam::\(LocalARN.account):role/stepd"

    /// Parses and validates a definition the way CreateStateMachine does (`DefinitionValidation`).
    /// The reason lists the problems as AWS does: `CODE: message at /path`, joined by ", ".
    static func validatedDefinition(_ text: String, express: Bool = false) throws(StateMachineError) -> StateMachineDefinition {
        if text.utf8.count > Limits.maximumDefinitionBytes { throw .definitionTooLarge }
        switch DefinitionValidation.validated(text, express: express) {
        case .success(let definition):
            return definition
        case .failure(let error):
            throw .invalidDefinition(reason: error.located.map(\.description).joined(separator: ", "))
        }
    }

    /// What CreateStateMachine answers: `versionArn` when it was asked to publish.
    public struct CreatedStateMachine: Sendable, Equatable {
        public let arn: String
        public let creationDate: Double
        public let versionArn: String?
    }

    /// Creates the state machine, or answers with the existing one when it has the same
    /// definition, role and type (CreateStateMachine is idempotent). `publish` publishes its
    /// revision as a version (the one it has already, for an existing machine).
    public func createStateMachine(
        name: String, definition: String, roleArn: String?, type: String?, tags: [Tag] = [], publish: Bool = false,
        versionDescription: String? = nil
    ) async throws -> CreatedStateMachine {
        try ResourceName.validate(name, what: "state machine name")
        try Self.check(tags)
        try Self.checkVersionDescription(versionDescription, publish: publish)
        let type = type ?? StateMachineRecord.standard
        guard type == StateMachineRecord.standard || type == StateMachineRecord.express else { throw StateMachineError.unsupportedType(type) }
        _ = try Self.validatedDefinition(definition, express: type == StateMachineRecord.express)
        let role = roleArn ?? Self.defaultRoleArn
        return try await transact { db, now, _ -> CreatedStateMachine in
            var record: StateMachineRecord
            if let existing = try StateMachineRecord.find(db, key: name) {
                let current = try StateMachineVersionRecord.find(db, key: existing.currentVersionId)
                guard current?.definition == definition, existing.roleArn == role, existing.type == type else {
                    throw StateMachineError.alreadyExists(arn: existing.arn)
                }
                record = existing
            } else {
                var revision = StateMachineVersionRecord(
                    stateMachineName: name, definition: definition, createdAt: now.timeIntervalSince1970, roleArn: role)
                try revision.insert(db)
                record = StateMachineRecord(
                    name: name, arn: LocalARN.stateMachine(name), type: type, roleArn: role,
                    currentVersionId: revision.id ?? 0, creationDate: now.timeIntervalSince1970, updateDate: now.timeIntervalSince1970)
                try record.insert(db)
                try Self.setTags(tags, on: record.arn, in: db)
            }
            let version = publish ? try Self.publish(&record, description: versionDescription, now: now.timeIntervalSince1970, in: db) : nil
            return CreatedStateMachine(
                arn: record.arn, creationDate: record.creationDate,
                versionArn: version.map { LocalARN.stateMachineVersion(name, number: $0.number) })
        }
    }

    /// What UpdateStateMachine answers: the revision it made, if it made one (an update that
    /// changes nothing makes none), and the version when it was asked to publish.
    public struct UpdatedStateMachine: Sendable, Equatable {
        public let updateDate: Double
        public let revisionId: String?
        public let versionArn: String?
    }

    public func updateStateMachine(
        reference: String, definition: String?, roleArn: String?, publish: Bool = false, versionDescription: String? = nil
    ) async throws -> UpdatedStateMachine {
        let name = try LocalARN.stateMachineName(from: reference)
        try Self.checkVersionDescription(versionDescription, publish: publish)
        if let definition {
            // An EXPRESS machine stays one: its definition is checked as such.
            let type = try await read { db in try StateMachineRecord.find(db, key: name)?.type }
            _ = try Self.validatedDefinition(definition, express: type == StateMachineRecord.express)
        }
        return try await transact { db, now, _ -> UpdatedStateMachine in
            guard var record = try StateMachineRecord.find(db, key: name) else { throw Self.noSuchStateMachine(name) }
            let current = try StateMachineVersionRecord.find(db, key: record.currentVersionId)
            let newDefinition = definition ?? current?.definition
            let newRole = roleArn ?? record.roleArn
            var revisionId: String?
            if let newDefinition, newDefinition != current?.definition || newRole != (current?.roleArn ?? record.roleArn) {
                let id = UUID.random().lowercasedString
                var revision = StateMachineVersionRecord(
                    stateMachineName: name, definition: newDefinition, createdAt: now.timeIntervalSince1970, revisionId: id, roleArn: newRole)
                try revision.insert(db)
                record.currentVersionId = revision.id ?? record.currentVersionId
                revisionId = id
            }
            record.roleArn = newRole
            record.updateDate = now.timeIntervalSince1970
            try record.update(db)
            let version = publish ? try Self.publish(&record, description: versionDescription, now: now.timeIntervalSince1970, in: db) : nil
            return UpdatedStateMachine(
                updateDate: record.updateDate, revisionId: revisionId,
                versionArn: version.map { LocalARN.stateMachineVersion(name, number: $0.number) })
        }
    }

    /// AWS: "Version description can only be set when publish is true".
    private static func checkVersionDescription(_ description: String?, publish: Bool) throws(RequestError) {
        if description != nil, !publish { throw .invalid(reason: "Version description can only be set when publish is true") }
    }

    /// The state machine, or the version a version ARN names. An alias ARN names no state
    /// machine here (DescribeStateMachineAlias describes it).
    public func describeStateMachine(reference: String) async throws -> StateMachineDescription {
        if let (name, label) = LocalARN.labelledStateMachine(from: reference) {
            return try await describeLabelled(name: name, label: label, reference: reference)
        }
        let (name, qualifier) = try LocalARN.qualifiedStateMachine(from: reference)
        return try await read { db in
            switch qualifier {
            case .version(let number):
                return try Self.describeVersion(name: name, number: number, reference: reference, in: db)
            case .alias:
                throw StateMachineError.doesNotExist(arn: reference)
            case nil:
                guard let record = try StateMachineRecord.find(db, key: name),
                    let revision = try StateMachineVersionRecord.find(db, key: record.currentVersionId)
                else { throw Self.noSuchStateMachine(name) }
                return StateMachineDescription(
                    arn: record.arn, name: record.name, definition: revision.definition, roleArn: record.roleArn, type: record.type,
                    creationDate: record.creationDate, revisionId: revision.revisionId)
            }
        }
    }

    /// DescribeStateMachine of a labelled ARN (`...:stateMachine:NAME/LABEL`): the state
    /// machine a distributed Map's children run, its `ItemProcessor` in the current
    /// definition, with the label. The label is a Map state's `Label`, or one stepd drew for a
    /// run of it.
    private func describeLabelled(name: String, label: String, reference: String) async throws -> StateMachineDescription {
        try await read { db in
            guard let record = try StateMachineRecord.find(db, key: name),
                let revision = try StateMachineVersionRecord.find(db, key: record.currentVersionId)
            else { throw Self.noSuchStateMachine(name) }
            let definition = try self.definitions.definition(versionId: record.currentVersionId, in: db)
            var stateName = definition.everyState.first { state in
                if case .map(let map) = state.kind { return map.distributed?.label == label }
                return false
            }?.name
            if stateName == nil {
                stateName = try String.fetchOne(
                    db, sql: "SELECT r.stateName FROM mapRun r JOIN execution e ON e.id = r.executionId WHERE r.label = ? AND e.stateMachineName = ? LIMIT 1",
                    arguments: [label, name])
            }
            guard let stateName, let processor = Self.itemProcessor(of: stateName, in: revision.definition) else {
                throw StateMachineError.doesNotExist(arn: reference)
            }
            var description = StateMachineDescription(
                arn: LocalARN.labelledStateMachine(name, label: label), name: name, definition: processor, roleArn: record.roleArn,
                type: record.type, creationDate: record.creationDate, revisionId: revision.revisionId)
            description.label = label
            return description
        }
    }

    /// The state machine as execution `reference` runs it: the definition it started with,
    /// whatever updates came since (DescribeStateMachineForExecution). `updateDate` is when
    /// that definition was stored; the role is the state machine's, or the default once it
    /// is deleted.
    public func describeStateMachine(forExecution reference: String, scope: ExecutionScope = .all) async throws
        -> StateMachineDescription
    {
        let arn = try LocalARN.normalizedExecution(reference)
        return try await read { db in
            guard let execution = try ExecutionRecord.find(db, arn: arn) else { throw ExecutionError.doesNotExist(arn: arn) }
            try scope.check(execution)
            guard let version = try StateMachineVersionRecord.find(db, key: execution.versionId) else {
                throw StateMachineError.definitionUnreadable(name: execution.stateMachineName, reason: "its definition is gone")
            }
            let machine = try StateMachineRecord.find(db, key: execution.stateMachineName)
            var description = StateMachineDescription(
                arn: LocalARN.stateMachine(execution.stateMachineName), name: execution.stateMachineName, definition: version.definition,
                roleArn: version.roleArn ?? machine?.roleArn ?? Self.defaultRoleArn, type: machine?.type ?? "STANDARD",
                creationDate: version.createdAt, revisionId: version.revisionId)
            // A map run's child runs the state machine of its run: the Map state's item processor.
            if let id = execution.id, let link = try MapRunChildRecord.find(executionId: id, in: db),
                let run = try MapRunRecord.fetchOne(db, key: link.mapRunId)
            {
                let processor = Self.itemProcessor(of: run.stateName, in: version.definition)
                description = StateMachineDescription(
                    arn: LocalARN.labelledStateMachine(execution.stateMachineName, label: run.label), name: execution.stateMachineName,
                    definition: processor ?? version.definition, roleArn: description.roleArn,
                    type: run.executionType, creationDate: version.createdAt, revisionId: version.revisionId)
                description.mapRunArn = run.arn
                description.label = run.label
            }
            return description
        }
    }

    /// The `ItemProcessor` of Map state `stateName` in a stored definition, as JSON text; nil
    /// when it is not found. The walk is iterative: a definition nests at most 32 levels.
    static func itemProcessor(of stateName: String, in definition: String) -> String? {
        guard let json = try? JSONValue(parsing: definition) else { return nil }
        var pending = [json]
        while let graph = pending.popLast() {
            guard case .object(let states)? = graph["States"] else { continue }
            for state in states.values {
                if let processor = state["ItemProcessor"] ?? state["Iterator"] {
                    if states[stateName] == state { return processor.serialized() }
                    pending.append(processor)
                }
                for branch in state["Branches"]?.arrayValue ?? [] { pending.append(branch) }
            }
        }
        return nil
    }

    public func listStateMachines(maxResults: Int?, nextToken: String?) async throws -> Page<StateMachineSummary> {
        let page = try Pagination(maxResults: maxResults, nextToken: nextToken)
        return try await read { db in
            let records = try StateMachineRecord.page(after: page.after, limit: page.limit + 1, in: db)
            return Page(
                items: records.prefix(page.limit).map { record in
                    StateMachineSummary(arn: record.arn, name: record.name, type: record.type, creationDate: record.creationDate)
                },
                nextToken: records.count > page.limit ? Pagination.token(after: records[page.limit - 1].name) : nil)
        }
    }

    /// Deletes the state machine with its versions and aliases; running executions keep their
    /// revision and run to their end. A version or alias ARN is refused: DeleteStateMachineVersion
    /// and DeleteStateMachineAlias delete those.
    public func deleteStateMachine(reference: String) async throws {
        let (name, qualifier) = try LocalARN.qualifiedStateMachine(from: reference)
        if qualifier != nil {
            throw RequestError.invalid(
                reason: "'\(reference)' is a version or alias ARN: DeleteStateMachine takes the state machine's own ARN (use DeleteStateMachineVersion or DeleteStateMachineAlias)")
        }
        try await transact { db, _, _ in
            _ = try StateMachineRecord.deleteOne(db, key: name)
            try PublishedVersionRecord.deleteAll(stateMachine: name, in: db)
            try StateMachineAliasRecord.deleteAll(stateMachine: name, in: db)
            try TagRecord.deleteAll(of: LocalARN.stateMachine(name), in: db)
        }
    }

    static func noSuchStateMachine(_ name: String) -> StateMachineError {
        .doesNotExist(arn: LocalARN.stateMachine(name))
    }
}

/// `maxResults` / `nextToken` as the List actions take them. The token holds the key of the
/// last item of the page, so a page goes on after that item however the list changed
/// meanwhile (an offset would repeat or skip items when new executions arrive first).
struct Pagination: Sendable {
    let limit: Int
    /// The key of the item the previous page ended with; nil on the first page.
    let after: String?

    init(maxResults: Int?, nextToken: String?, defaultLimit: Int = 100, maximum: Int = 1000) throws(RequestError) {
        let requested = maxResults ?? 0
        guard requested >= 0, requested <= maximum else {
            throw .invalid(reason: "maxResults must be between 0 and \(maximum)")
        }
        limit = requested == 0 ? defaultLimit : requested
        if let nextToken {
            guard let data = Data(base64Encoded: nextToken), let text = String(data: data, encoding: .utf8),
                text.hasPrefix("after:"), text.count > "after:".count
            else { throw .invalidPageToken(reason: "the nextToken '\(nextToken)' was not issued by this server") }
            after = String(text.dropFirst("after:".count))
        } else {
            after = nil
        }
    }

    /// The key of the previous page's last item as a number (execution and event ids).
    func afterId() throws(RequestError) -> Int64? {
        guard let after else { return nil }
        guard let id = Int64(after) else { throw .invalidPageToken(reason: "the nextToken was not issued for this list") }
        return id
    }

    static func token(after key: String) -> String { Data("after:\(key)".utf8).base64EncodedString() }
}
