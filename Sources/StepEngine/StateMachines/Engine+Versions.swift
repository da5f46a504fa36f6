import Foundation
import GRDB
import StepStore

/// Published versions of state machines: PublishStateMachineVersion (and `publish` on
/// Create/UpdateStateMachine), ListStateMachineVersions, DeleteStateMachineVersion, and
/// DescribeStateMachine of a version ARN. A version is a number naming one revision; it runs
/// that revision's definition and role whatever updates come later.
extension Engine {
    /// A published version as DescribeStateMachine shows it for a version ARN.
    public struct PublishedVersion: Sendable, Equatable {
        public let arn: String
        public let creationDate: Double
    }

    public func publishStateMachineVersion(reference: String, revisionId: String?, description: String?) async throws -> PublishedVersion {
        let name = try LocalARN.stateMachineName(from: reference)
        return try await transact { db, now, _ in
            guard var machine = try StateMachineRecord.find(db, key: name) else { throw Self.noSuchStateMachine(name) }
            if let revisionId {
                let current = try StateMachineVersionRecord.find(db, key: machine.currentVersionId)?.revisionId
                // "INITIAL" names the revision CreateStateMachine made, which has no id.
                guard revisionId == (current ?? "INITIAL") else {
                    throw VersionError.conflict(
                        "Failed to publish the State Machine version for revision \(revisionId). The current State Machine revision is \(current ?? "INITIAL").")
                }
            }
            let version = try Self.publish(&machine, description: description, now: now.timeIntervalSince1970, in: db)
            return PublishedVersion(arn: LocalARN.stateMachineVersion(name, number: version.number), creationDate: version.creationDate)
        }
    }

    /// Publishes the machine's current revision in the caller's transaction, or returns the
    /// version that publishes it already (AWS's idempotency: no second number for a revision).
    static func publish(_ machine: inout StateMachineRecord, description: String?, now: Double, in db: Database) throws
        -> PublishedVersionRecord
    {
        if let existing = try PublishedVersionRecord.find(definitionId: machine.currentVersionId, in: db) { return existing }
        guard try PublishedVersionRecord.count(stateMachine: machine.name, in: db) < Limits.maximumVersionsPerStateMachine else {
            throw VersionError.quotaExceeded(
                "State machine '\(machine.arn)' has \(Limits.maximumVersionsPerStateMachine) versions, the most it may have: delete one before publishing another")
        }
        machine.lastVersionNumber += 1
        let version = PublishedVersionRecord(
            stateMachineName: machine.name, number: machine.lastVersionNumber, definitionId: machine.currentVersionId,
            description: description, creationDate: now)
        try version.insert(db)
        try machine.update(db)
        return version
    }

    public func listStateMachineVersions(reference: String, maxResults: Int?, nextToken: String?) async throws -> Page<PublishedVersion> {
        let name = try LocalARN.stateMachineName(from: reference)
        let page = try Pagination(maxResults: maxResults, nextToken: nextToken)
        return try await read { db in
            guard try StateMachineRecord.find(db, key: name) != nil else { throw Self.noSuchStateMachine(name) }
            let records = try PublishedVersionRecord.page(stateMachine: name, before: try page.afterId(), limit: page.limit + 1, in: db)
            return Page(
                items: records.prefix(page.limit).map {
                    PublishedVersion(arn: LocalARN.stateMachineVersion(name, number: $0.number), creationDate: $0.creationDate)
                },
                nextToken: records.count > page.limit ? Pagination.token(after: String(records[page.limit - 1].number)) : nil)
        }
    }

    /// Deleting a version that is gone already succeeds, as on AWS; one an alias routes to
    /// is refused. Its running executions run on.
    public func deleteStateMachineVersion(reference: String) async throws {
        let (name, number) = try Self.versionReference(reference)
        try await transact { db, _, _ in
            let users = try StateMachineAliasRecord.all(stateMachine: name, in: db).filter { alias in
                (try? AliasRouting(text: alias.routing))?.routes.contains { $0.version == number } ?? false
            }
            guard users.isEmpty else {
                throw VersionError.conflict(
                    "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [\(users.map(\.name).joined(separator: ", "))]")
            }
            try db.execute(
                sql: "DELETE FROM publishedVersion WHERE stateMachineName = ? AND number = ?", arguments: [name, number])
        }
    }

    /// The state machine and version number a version ARN names.
    static func versionReference(_ reference: String) throws -> (name: String, number: Int64) {
        let (name, qualifier) = try LocalARN.qualifiedStateMachine(from: reference)
        guard case .version(let number) = qualifier else {
            throw RequestError.invalidArn(reason: "'\(reference)' is not a state machine version ARN")
        }
        return (name, number)
    }

    /// DescribeStateMachine of a version ARN: the version's snapshot.
    static func describeVersion(name: String, number: Int64, reference: String, in db: Database) throws -> StateMachineDescription {
        guard let machine = try StateMachineRecord.find(db, key: name),
            let version = try PublishedVersionRecord.find(stateMachine: name, number: number, in: db),
            let revision = try StateMachineVersionRecord.find(db, key: version.definitionId)
        else { throw StateMachineError.doesNotExist(arn: reference) }
        return StateMachineDescription(
            arn: LocalARN.stateMachineVersion(name, number: number), name: name, definition: revision.definition,
            roleArn: revision.roleArn ?? machine.roleArn, type: machine.type, creationDate: version.creationDate,
            revisionId: revision.revisionId, description: version.description)
    }
}
