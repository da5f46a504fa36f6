import Foundation
import GRDB
import StepStore

/// Aliases of state machines: CreateStateMachineAlias, DescribeStateMachineAlias,
/// UpdateStateMachineAlias, DeleteStateMachineAlias, ListStateMachineAliases. An alias routes
/// each StartExecution to one of its one or two versions, drawn by weight.
extension Engine {
    /// An alias as DescribeStateMachineAlias shows it.
    public struct AliasDescription: Sendable, Equatable {
        public struct Route: Sendable, Equatable {
            public let versionArn: String
            public let weight: Int

            public init(versionArn: String, weight: Int) {
                self.versionArn = versionArn
                self.weight = weight
            }
        }

        public let arn: String
        public let name: String
        public let description: String?
        public let routing: [Route]
        public let creationDate: Double
        public let updateDate: Double
    }

    /// An alias as ListStateMachineAliases shows it.
    public struct AliasSummary: Sendable, Equatable {
        public let arn: String
        public let creationDate: Double
    }

    /// Idempotent, as AWS: the same name, description and routing answer the alias that
    /// exists; the same name otherwise is a conflict.
    public func createStateMachineAlias(name: String, description: String?, routing given: [(arn: String, weight: Int)]) async throws
        -> AliasSummary
    {
        guard AliasName.isValid(name) else {
            throw RequestError.invalid(
                reason: "1 validation error detected: Value '\(name)' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: \(AliasName.pattern)")
        }
        let (machineName, routing) = try AliasRouting.validated(given)
        return try await transact { db, now, _ in
            guard try StateMachineRecord.find(db, key: machineName) != nil else { throw Self.noSuchStateMachine(machineName) }
            try Self.checkVersionsExist(routing, of: machineName, in: db)
            let arn = LocalARN.stateMachineAlias(machineName, alias: name)
            if let existing = try StateMachineAliasRecord.find(stateMachine: machineName, name: name, in: db) {
                guard existing.description == description, (try? AliasRouting(text: existing.routing)) == routing else {
                    throw VersionError.conflict(
                        "Failed to create alias because an alias with the same name and a different routing configuration already exists.")
                }
                return AliasSummary(arn: arn, creationDate: existing.creationDate)
            }
            guard try StateMachineAliasRecord.all(stateMachine: machineName, in: db).count < Limits.maximumAliasesPerStateMachine else {
                throw VersionError.quotaExceeded(
                    "State machine '\(LocalARN.stateMachine(machineName))' has \(Limits.maximumAliasesPerStateMachine) aliases, the most it may have")
            }
            let time = now.timeIntervalSince1970
            try StateMachineAliasRecord(
                stateMachineName: machineName, name: name, description: description, routing: routing.text, creationDate: time, updateDate: time
            ).insert(db)
            return AliasSummary(arn: arn, creationDate: time)
        }
    }

    public func describeStateMachineAlias(reference: String) async throws -> AliasDescription {
        let (machineName, aliasName) = try Self.aliasReference(reference)
        return try await read { db in
            let alias = try Self.existingAlias(machineName, aliasName, in: db)
            let routing = try AliasRouting(text: alias.routing)
            return AliasDescription(
                arn: LocalARN.stateMachineAlias(machineName, alias: aliasName), name: aliasName, description: alias.description,
                routing: routing.routes.map { .init(versionArn: LocalARN.stateMachineVersion(machineName, number: $0.version), weight: $0.weight) },
                creationDate: alias.creationDate, updateDate: alias.updateDate)
        }
    }

    /// Returns the update date.
    public func updateStateMachineAlias(reference: String, description: String?, routing given: [(arn: String, weight: Int)]?) async throws
        -> Double
    {
        let (machineName, aliasName) = try Self.aliasReference(reference)
        guard description != nil || given != nil else {
            throw RequestError.invalid(reason: "Either the description or the routingConfiguration must be specified")
        }
        let routing = try given.map { given throws -> AliasRouting in
            let (owner, routing) = try AliasRouting.validated(given)
            guard owner == machineName else {
                throw RequestError.invalid(
                    reason: "Routing configuration must contain state machine version ARNs of the alias's state machine. Received: [\(given.map(\.arn).joined(separator: ", "))]")
            }
            return routing
        }
        return try await transact { db, now, _ in
            var alias = try Self.existingAlias(machineName, aliasName, in: db)
            if let routing {
                try Self.checkVersionsExist(routing, of: machineName, in: db)
                alias.routing = routing.text
            }
            if let description { alias.description = description }
            alias.updateDate = now.timeIntervalSince1970
            try alias.update(db)
            return alias.updateDate
        }
    }

    /// Deleting an alias that is gone already succeeds, as on AWS.
    public func deleteStateMachineAlias(reference: String) async throws {
        let (machineName, aliasName) = try Self.aliasReference(reference)
        try await transact { db, _, _ in
            try db.execute(sql: "DELETE FROM stateMachineAlias WHERE stateMachineName = ? AND name = ?", arguments: [machineName, aliasName])
        }
    }

    /// The aliases of a state machine, or of one of its versions (those that route to it),
    /// oldest first as AWS lists them.
    public func listStateMachineAliases(reference: String, maxResults: Int?, nextToken: String?) async throws -> Page<AliasSummary> {
        let (machineName, qualifier) = try LocalARN.qualifiedStateMachine(from: reference)
        let version: Int64?
        switch qualifier {
        case nil: version = nil
        case .version(let number): version = number
        case .alias: throw RequestError.invalidArn(reason: "'\(reference)' is an alias ARN; aliases are listed for a state machine or a version")
        }
        let page = try Pagination(maxResults: maxResults, nextToken: nextToken)
        return try await read { db in
            guard try StateMachineRecord.find(db, key: machineName) != nil else { throw Self.noSuchStateMachine(machineName) }
            if let version, try PublishedVersionRecord.find(stateMachine: machineName, number: version, in: db) == nil {
                throw VersionError.resourceNotFound("Request references a resource that does not exist.")
            }
            var aliases = try StateMachineAliasRecord.all(stateMachine: machineName, in: db)
            if let version {
                aliases = aliases.filter { (try? AliasRouting(text: $0.routing))?.routes.contains { $0.version == version } ?? false }
            }
            // The token holds the last name listed; the order is by creation, so find its place.
            if let after = page.after {
                guard let index = aliases.firstIndex(where: { $0.name == after }) else {
                    throw RequestError.invalidPageToken(reason: "the nextToken names an alias that is gone")
                }
                aliases.removeFirst(index + 1)
            }
            return Page(
                items: aliases.prefix(page.limit).map { AliasSummary(arn: LocalARN.stateMachineAlias(machineName, alias: $0.name), creationDate: $0.creationDate) },
                nextToken: aliases.count > page.limit ? Pagination.token(after: aliases[page.limit - 1].name) : nil)
        }
    }

    /// The version a start through `alias` runs, drawn by the alias's weights.
    static func drawVersion(of alias: StateMachineAliasRecord) throws -> Int64 {
        let routing = try AliasRouting(text: alias.routing)
        guard let version = routing.version(forDraw: Int.random(in: 0..<100)) else {
            throw VersionError.resourceNotFound("Alias '\(alias.name)' routes to no version")
        }
        return version
    }

    /// The state machine and alias names an alias ARN names.
    static func aliasReference(_ reference: String) throws -> (stateMachine: String, alias: String) {
        let (name, qualifier) = try LocalARN.qualifiedStateMachine(from: reference)
        guard case .alias(let alias) = qualifier else {
            throw RequestError.invalidArn(reason: "'\(reference)' is not a state machine alias ARN")
        }
        return (name, alias)
    }

    static func existingAlias(_ machineName: String, _ aliasName: String, in db: Database) throws -> StateMachineAliasRecord {
        guard let alias = try StateMachineAliasRecord.find(stateMachine: machineName, name: aliasName, in: db) else {
            throw VersionError.resourceNotFound("Request references a resource that does not exist.")
        }
        return alias
    }

    private static func checkVersionsExist(_ routing: AliasRouting, of machineName: String, in db: Database) throws {
        for route in routing.routes where try PublishedVersionRecord.find(stateMachine: machineName, number: route.version, in: db) == nil {
            throw VersionError.resourceNotFound(
                "Request references a resource that does not exist: '\(LocalARN.stateMachineVersion(machineName, number: route.version))'")
        }
    }
}
