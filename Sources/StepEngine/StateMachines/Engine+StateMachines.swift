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

    /// Creates the state machine, or answers with the existing one when it has the same
    /// definition and role (CreateStateMachine is idempotent). Returns its ARN and creation date.
    public func createStateMachine(
        name: String, definition: String, roleArn: String?, type: String?, tags: [Tag] = []
    ) async throws -> (arn: String, creationDate: Double) {
        try ResourceName.validate(name, what: "state machine name")
        try Self.check(tags)
        let type = type ?? StateMachineRecord.standard
        guard type == StateMachineRecord.standard || type == StateMachineRecord.express else { throw StateMachineError.unsupportedType(type) }
        _ = try Self.validatedDefinition(definition, express: type == StateMachineRecord.express)
        let role = roleArn ?? Self.defaultRoleArn
        let record = try await transact { db, now, _ -> StateMachineRecord in
            if let existing = try StateMachineRecord.find(db, key: name) {
                let current = try StateMachineVersionRecord.find(db, key: existing.currentVersionId)
                if current?.definition == definition, existing.roleArn == role, existing.type == type { return existing }
                throw StateMachineError.alreadyExists(arn: existing.arn)
            }
            var version = StateMachineVersionRecord(stateMachineName: name, definition: definition, createdAt: now.timeIntervalSince1970)
            try version.insert(db)
            let record = StateMachineRecord(
                name: name, arn: LocalARN.stateMachine(name), type: type, roleArn: role,
                currentVersionId: version.id ?? 0, creationDate: now.timeIntervalSince1970, updateDate: now.timeIntervalSince1970)
            try record.insert(db)
            try Self.setTags(tags, on: record.arn, in: db)
            return record
        }
        return (record.arn, record.creationDate)
    }

    /// Returns the update date.
    public func updateStateMachine(reference: String, definition: String?, roleArn: String?) async throws -> Double {
        let name = try LocalARN.stateMachineName(from: reference)
        if let definition {
            // An EXPRESS machine stays one: its definition is checked as such.
            let type = try await read { db in try StateMachineRecord.find(db, key: name)?.type }
            _ = try Self.validatedDefinition(definition, express: type == StateMachineRecord.express)
        }
        let updated = try await transact { db, now, _ -> Double in
            guard var record = try StateMachineRecord.find(db, key: name) else { throw Self.noSuchStateMachine(name) }
            if let definition {
                let current = try StateMachineVersionRecord.find(db, key: record.currentVersionId)
                if current?.definition != definition {
                    var version = StateMachineVersionRecord(stateMachineName: name, definition: definition, createdAt: now.timeIntervalSince1970)
                    try version.insert(db)
                    record.currentVersionId = version.id ?? record.currentVersionId
                }
            }
            if let roleArn { record.roleArn = roleArn }
            record.updateDate = now.timeIntervalSince1970
            try record.update(db)
            return record.updateDate
        }
        return updated
    }

    public func describeStateMachine(reference: String) async throws -> StateMachineDescription {
        let name = try LocalARN.stateMachineName(from: reference)
        return try await read { db in
            guard let record = try StateMachineRecord.find(db, key: name),
                let version = try StateMachineVersionRecord.find(db, key: record.currentVersionId)
            else { throw Self.noSuchStateMachine(name) }
            return StateMachineDescription(
                arn: record.arn, name: record.name, definition: version.definition, roleArn: record.roleArn, type: record.type,
                creationDate: record.creationDate)
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
            return StateMachineDescription(
                arn: LocalARN.stateMachine(execution.stateMachineName), name: execution.stateMachineName, definition: version.definition,
                roleArn: machine?.roleArn ?? Self.defaultRoleArn, type: machine?.type ?? "STANDARD", creationDate: version.createdAt)
        }
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

    public func deleteStateMachine(reference: String) async throws {
        let name = try LocalARN.stateMachineName(from: reference)
        try await transact { db, _, _ in
            // Running executions keep their definition version; they run to their end.
            _ = try StateMachineRecord.deleteOne(db, key: name)
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
