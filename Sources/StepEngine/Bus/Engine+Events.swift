import Crypto
import EventPatterns
import Foundation
import GRDB
import JSON
import StatesLanguage
import StepStore

extension Engine {
    var envelopeDefaults: EnvelopeDefaults {
        EnvelopeDefaults(now: clock(), account: LocalARN.account, region: LocalARN.region)
    }

    /// Ingests one event file's contents from the spool. Throws `EventFormatError` for an
    /// event that cannot be accepted (the spool moves the file to failed/ with the reason).
    ///
    /// An event without an `id` gets one derived from the file's name and contents, so that
    /// reading the same file again (stepd stopped between the commit and the unlink) is
    /// recognised as the same event.
    ///
    /// The spool's thread may block: when the writer sleeps, it commits the event itself.
    ///
    /// Throws ``SpoolEventSetAside`` for a file whose processing stopped the daemon before.
    public func ingestSpoolEvent(_ data: Data, fileName: String) async throws -> IngestedEvent {
        try beginSpoolFile(fileName)
        var settled = false
        defer { progress?.endSpoolFile(fileName, settled: settled) }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: data)
        } catch {
            settled = true
            throw EventFormatError("the event file is not JSON: \(error.message)")
        }
        var defaults = envelopeDefaults
        defaults.makeId = { Self.spoolEventId(fileName: fileName, contents: data) }
        let envelope: EventEnvelope
        do {
            envelope = try EventEnvelope(json: json, defaults: defaults)
        } catch {
            settled = true
            throw error
        }
        let outcome = try await ingest(envelope, commitsHere: true)
        settled = true
        return IngestedEvent(eventId: outcome.eventId, duplicate: outcome.duplicate, matchedRules: outcome.matchedRules)
    }

    /// A UUID-shaped digest of a spool file's name and contents.
    static func spoolEventId(fileName: String, contents: Data) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(fileName.utf8))
        hasher.update(data: [0])
        hasher.update(data: contents)
        // The digest's first 16 bytes as they are, in UUID form.
        let bytes = Array(hasher.finalize().prefix(16))
        return UUID(uuid: bytes.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) }).lowercasedString
    }

    func ingest(_ envelope: EventEnvelope, commitsHere: Bool = false, startedByUid: UInt32? = nil) async throws -> EventIngest.Outcome {
        let rules = self.rules
        let definitions = self.definitions
        let logger = self.logger
        return try await transact(commitsHere: commitsHere) { db, now, effects in
            try EventIngest.ingest(
                envelope, rules: rules, definitions: definitions, db: db, now: now, logger: logger, effects: &effects,
                startedByUid: startedByUid.map(Int64.init))
        }
    }

    /// PutEvents: each entry (PutEvents' entry shape: `Source`, `DetailType`, `Detail`, ...) is
    /// accepted or refused on its own, as EventBridge does.
    /// `startedByUid`: the caller, who becomes the starter of the executions its events start.
    public func putEvents(entries: [JSONValue], startedByUid: UInt32? = nil) async throws -> [PutEventResult] {
        guard !entries.isEmpty, entries.count <= 10 else {
            throw RequestError.invalid(
                reason: "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10")
        }
        var results: [PutEventResult] = []
        for entry in entries {
            do {
                let envelope = try EventEnvelope(putEventsEntry: entry, defaults: envelopeDefaults)
                if Self.isReservedSource(envelope.source) {
                    results.append(.notAuthorizedForSource(reason:
                        "You do not have permissions to publish events with source '\(envelope.source)' onto this event bus: "
                        + "aws.* sources are reserved for AWS services (in stepd, the spool)"))
                    continue
                }
                let outcome = try await ingest(envelope, startedByUid: startedByUid)
                results.append(.stored(eventId: outcome.eventId))
            } catch let error as EventFormatError {
                results.append(.malformed(reason: error.message))
            } catch {
                // Entries are accepted one by one: a failure here leaves the others as they are.
                results.append(.notStored(reason: "the event could not be stored: \(error)"))
            }
        }
        return results
    }

    /// AWS refuses `aws.*` sources in PutEvents. In stepd they are what jobs report through
    /// the spool, so a caller of the socket who could send them would forge a job's end.
    /// Case does not matter here, though patterns match case-sensitively: refusing `AWS.x`
    /// too costs nothing and leaves no doubt.
    static func isReservedSource(_ source: String) -> Bool {
        source.lowercased().hasPrefix("aws.")
    }

    // MARK: - Rules

    /// Creates or replaces the rule; returns its ARN.
    public func putRule(name: String, eventPattern: String?, state: String?, description: String?) async throws -> String {
        guard !name.isEmpty, name.utf8.count <= 64,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") })
        else { throw RequestError.invalid(reason: "Rule name must be 1 to 64 characters of a-z, A-Z, 0-9, '.', '-' and '_'") }
        guard let eventPattern else {
            throw RequestError.invalid(reason: "stepd rules need an EventPattern (ScheduleExpression is not supported)")
        }
        do { _ = try EventPattern(text: eventPattern) } catch {
            throw RuleError.invalidPattern(reason: error.message)
        }
        let ruleState = state ?? "ENABLED"
        guard ruleState == "ENABLED" || ruleState == "DISABLED" else {
            throw RequestError.invalid(reason: "State must be ENABLED or DISABLED")
        }
        let rules = self.rules
        let arn = try await transact { db, now, _ -> String in
            rules.invalidate()
            let createdAt = try RuleRecord.find(db, key: name)?.createdAt ?? now.timeIntervalSince1970
            try RuleRecord(name: name, arn: LocalARN.rule(name), eventPattern: eventPattern, state: ruleState, description: description, createdAt: createdAt)
                .save(db)
            return LocalARN.rule(name)
        }
        return arn
    }

    /// Adds or replaces the rule's targets (PutTargets' target shape: `Id`, `Arn`, `Input`,
    /// `InputPath`); returns the targets that were refused, each with its reason.
    public func putTargets(rule: String, targets: [JSONValue]) async throws -> [RejectedTarget] {
        guard !targets.isEmpty, targets.count <= 5 else { throw RequestError.invalid(reason: "Targets must list 1 to 5 targets") }
        var records: [RuleTargetRecord] = []
        var rejected: [RejectedTarget] = []
        for target in targets {
            guard let id = target["Id"]?.stringValue, let arn = target["Arn"]?.stringValue else {
                rejected.append(RejectedTarget(targetId: target["Id"]?.stringValue ?? "", reason: "Id and Arn are required"))
                continue
            }
            do {
                _ = try LocalARN.qualifiedStateMachine(from: arn)
            } catch {
                rejected.append(RejectedTarget(targetId: id, reason: "stepd targets are state machines: \(error.description)"))
                continue
            }
            if let problem = Self.targetInputProblem(target) {
                rejected.append(RejectedTarget(targetId: id, reason: problem))
                continue
            }
            records.append(RuleTargetRecord(
                ruleName: rule, id: id, arn: arn, input: target["Input"]?.stringValue, inputPath: target["InputPath"]?.stringValue))
        }
        let rules = self.rules
        let toSave = records
        try await transact { db, _, _ in
            rules.invalidate()
            guard try RuleRecord.exists(db, key: rule) else { throw RuleError.doesNotExist(name: rule) }
            for record in toSave { try record.save(db) }
        }
        return rejected
    }

    /// EventBridge's rules for a target's input: at most one of Input (a JSON text) and
    /// InputPath (a JSONPath into the event).
    private static func targetInputProblem(_ target: JSONValue) -> String? {
        if target["InputTransformer"] != nil { return "InputTransformer is not supported by stepd" }
        let input = target["Input"]
        let path = target["InputPath"]
        if input != nil, path != nil { return "Only one of Input, InputPath, or InputTransformer can be provided" }
        if let input {
            guard let text = input.stringValue, (try? JSONValue(parsing: text)) != nil else { return "Input must be a string holding valid JSON" }
        }
        if let path {
            guard let text = path.stringValue, (try? ReferencePath(text)) != nil else { return "InputPath must be a valid JSONPath, such as $.detail" }
        }
        return nil
    }

    public func removeTargets(rule: String, ids: [String]) async throws {
        let rules = self.rules
        try await transact { db, _, _ in
            rules.invalidate()
            guard try RuleRecord.exists(db, key: rule) else { throw RuleError.doesNotExist(name: rule) }
            for id in ids { try RuleTargetRecord.delete(rule: rule, id: id, in: db) }
        }
    }

    public func listRules(namePrefix: String?) async throws -> [RuleDescription] {
        try await read { db in
            let records = try RuleRecord.allByName(in: db).filter { namePrefix == nil || $0.name.hasPrefix(namePrefix ?? "") }
            return records.map(Self.description(of:))
        }
    }

    public func describeRule(name: String) async throws -> RuleDescription {
        try await read { db in
            guard let record = try RuleRecord.find(db, key: name) else { throw RuleError.doesNotExist(name: name) }
            return Self.description(of: record)
        }
    }

    public func listTargetsByRule(rule: String) async throws -> [RuleTarget] {
        try await read { db in
            guard try RuleRecord.exists(db, key: rule) else { throw RuleError.doesNotExist(name: rule) }
            let targets = try RuleTargetRecord.targets(rule: rule, in: db)
            return targets.map { RuleTarget(id: $0.id, arn: $0.arn, input: $0.input, inputPath: $0.inputPath) }
        }
    }

    /// DeleteRule, refused while the rule has targets (as EventBridge does) unless `force`.
    public func deleteRule(name: String, force: Bool) async throws {
        let rules = self.rules
        try await transact { db, _, _ in
            rules.invalidate()
            let targets = try RuleTargetRecord.count(rule: name, in: db)
            if targets > 0, !force { throw RuleError.hasTargets }
            try RuleTargetRecord.deleteAll(rule: name, in: db)
            _ = try RuleRecord.deleteOne(db, key: name)
        }
    }

    private static func description(of record: RuleRecord) -> RuleDescription {
        RuleDescription(
            name: record.name, arn: record.arn, eventPattern: record.eventPattern, state: record.state, description: record.description)
    }
}
