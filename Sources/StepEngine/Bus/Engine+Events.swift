import Crypto
import EventPatterns
import Foundation
import GRDB
import JSON
import StatesLanguage
import StepAPI
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
    public func ingestSpoolEvent(_ data: Data, fileName: String) async throws -> JSONValue {
        let json: JSONValue
        do { json = try JSONValue(parsing: data) } catch { throw EventFormatError("the event file is not JSON: \(error.message)") }
        var defaults = envelopeDefaults
        defaults.makeId = { Self.spoolEventId(fileName: fileName, contents: data) }
        let envelope = try EventEnvelope(json: json, defaults: defaults)
        let outcome = try await ingest(envelope, commitsHere: true)
        return ["EventId": .string(outcome.eventId), "Duplicate": .bool(outcome.duplicate),
                "MatchedRules": .array(outcome.matchedRules.map { .string($0) })]
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

    func ingest(_ envelope: EventEnvelope, commitsHere: Bool = false) async throws -> EventIngest.Outcome {
        let rules = self.rules
        let definitions = self.definitions
        let logger = self.logger
        return try await transact(commitsHere: commitsHere) { db, now, effects in
            try EventIngest.ingest(envelope, rules: rules, definitions: definitions, db: db, now: now, logger: logger, effects: &effects)
        }
    }

    /// PutEvents: each entry is accepted or refused on its own, as EventBridge does.
    public func putEvents(entries: [JSONValue]) async throws -> JSONValue {
        guard !entries.isEmpty, entries.count <= 10 else {
            throw APIError.validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10")
        }
        var results: [JSONValue] = []
        var failed = 0
        for entry in entries {
            do {
                let envelope = try EventEnvelope(putEventsEntry: entry, defaults: envelopeDefaults)
                let outcome = try await ingest(envelope)
                results.append(["EventId": .string(outcome.eventId)])
            } catch let error as EventFormatError {
                failed += 1
                results.append(["ErrorCode": "MalformedDetail", "ErrorMessage": .string(error.message)])
            } catch {
                // Entries are accepted one by one: a failure here leaves the others as they are.
                failed += 1
                results.append(["ErrorCode": "InternalFailure", "ErrorMessage": .string("the event could not be stored: \(error)")])
            }
        }
        return ["FailedEntryCount": .number(Double(failed)), "Entries": .array(results)]
    }

    // MARK: - Rules

    public func putRule(name: String, eventPattern: String?, state: String?, description: String?) async throws -> JSONValue {
        guard !name.isEmpty, name.utf8.count <= 64,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") })
        else { throw APIError.validation("Rule name must be 1 to 64 characters of a-z, A-Z, 0-9, '.', '-' and '_'") }
        guard let eventPattern else {
            throw APIError.validation("stepd rules need an EventPattern (ScheduleExpression is not supported)")
        }
        do { _ = try EventPattern(text: eventPattern) } catch {
            throw APIError("InvalidEventPatternException", "Event pattern is not valid. Reason: \(error.message)")
        }
        let ruleState = state ?? "ENABLED"
        guard ruleState == "ENABLED" || ruleState == "DISABLED" else {
            throw APIError.validation("State must be ENABLED or DISABLED")
        }
        let rules = self.rules
        let arn = try await transact { db, now, _ -> String in
            rules.invalidate()
            let createdAt = try RuleRecord.find(db, key: name)?.createdAt ?? now.timeIntervalSince1970
            try RuleRecord(name: name, arn: LocalARN.rule(name), eventPattern: eventPattern, state: ruleState, description: description, createdAt: createdAt)
                .save(db)
            return LocalARN.rule(name)
        }
        return ["RuleArn": .string(arn)]
    }

    public func putTargets(rule: String, targets: [JSONValue]) async throws -> JSONValue {
        guard !targets.isEmpty, targets.count <= 5 else { throw APIError.validation("Targets must list 1 to 5 targets") }
        var records: [RuleTargetRecord] = []
        var failures: [JSONValue] = []
        for target in targets {
            guard let id = target["Id"]?.stringValue, let arn = target["Arn"]?.stringValue else {
                failures.append(["TargetId": target["Id"] ?? "", "ErrorCode": "ValidationException", "ErrorMessage": "Id and Arn are required"])
                continue
            }
            do {
                _ = try LocalARN.stateMachineName(from: arn)
            } catch {
                failures.append(["TargetId": .string(id), "ErrorCode": "ValidationException",
                                 "ErrorMessage": .string("stepd targets are state machines: \(error.message)")])
                continue
            }
            if let problem = Self.targetInputProblem(target) {
                failures.append(["TargetId": .string(id), "ErrorCode": "ValidationException", "ErrorMessage": .string(problem)])
                continue
            }
            records.append(RuleTargetRecord(
                ruleName: rule, id: id, arn: arn, input: target["Input"]?.stringValue, inputPath: target["InputPath"]?.stringValue))
        }
        let rules = self.rules
        let toSave = records
        try await transact { db, _, _ in
            rules.invalidate()
            guard try RuleRecord.exists(db, key: rule) else {
                throw APIError("ResourceNotFoundException", "Rule \(rule) does not exist on EventBus default.")
            }
            for record in toSave { try record.save(db) }
        }
        return ["FailedEntryCount": .number(Double(failures.count)), "FailedEntries": .array(failures)]
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

    public func removeTargets(rule: String, ids: [String]) async throws -> JSONValue {
        let rules = self.rules
        try await transact { db, _, _ in
            rules.invalidate()
            guard try RuleRecord.exists(db, key: rule) else {
                throw APIError("ResourceNotFoundException", "Rule \(rule) does not exist on EventBus default.")
            }
            for id in ids { _ = try RuleTargetRecord.deleteOne(db, key: ["ruleName": rule, "id": id]) }
        }
        return ["FailedEntryCount": 0, "FailedEntries": []]
    }

    public func listRules(namePrefix: String?) async throws -> JSONValue {
        try await read { db in
            let records = try RuleRecord.order(Column("name")).fetchAll(db).filter { namePrefix == nil || $0.name.hasPrefix(namePrefix ?? "") }
            return ["Rules": .array(records.map(Self.json(of:)))]
        }
    }

    public func describeRule(name: String) async throws -> JSONValue {
        try await read { db in
            guard let record = try RuleRecord.find(db, key: name) else {
                throw APIError("ResourceNotFoundException", "Rule \(name) does not exist on EventBus default.")
            }
            return Self.json(of: record)
        }
    }

    public func listTargetsByRule(rule: String) async throws -> JSONValue {
        try await read { db in
            guard try RuleRecord.exists(db, key: rule) else {
                throw APIError("ResourceNotFoundException", "Rule \(rule) does not exist on EventBus default.")
            }
            let targets = try RuleTargetRecord.filter(Column("ruleName") == rule).order(Column("id")).fetchAll(db)
            return ["Targets": .array(targets.map { target in
                var json: [String: JSONValue] = ["Id": .string(target.id), "Arn": .string(target.arn)]
                if let input = target.input { json["Input"] = .string(input) }
                if let path = target.inputPath { json["InputPath"] = .string(path) }
                return .object(json)
            })]
        }
    }

    /// DeleteRule, refused while the rule has targets (as EventBridge does) unless `force`.
    public func deleteRule(name: String, force: Bool) async throws {
        let rules = self.rules
        try await transact { db, _, _ in
            rules.invalidate()
            let targets = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ruleTarget WHERE ruleName = ?", arguments: [name]) ?? 0
            if targets > 0, !force { throw APIError.validation("Rule can't be deleted since it has targets.") }
            try db.execute(sql: "DELETE FROM ruleTarget WHERE ruleName = ?", arguments: [name])
            _ = try RuleRecord.deleteOne(db, key: name)
        }
    }

    private static func json(of record: RuleRecord) -> JSONValue {
        var json: [String: JSONValue] = [
            "Name": .string(record.name), "Arn": .string(record.arn), "EventPattern": .string(record.eventPattern),
            "State": .string(record.state), "EventBusName": "default",
        ]
        if let description = record.description { json["Description"] = .string(description) }
        return .object(json)
    }

    // MARK: - Local tables

    public func tableAction(_ action: String, _ request: JSONValue) async throws -> JSONValue {
        switch action {
        case "DescribeTable": return try await read { db in try LocalTables.describeTable(request, in: db) }
        case "ListTables": return try await read { db in try LocalTables.listTables(in: db) }
        case "GetItem": return try await read { db in try LocalTables.getItem(request, in: db) }
        case "CreateTable": return try await transact { db, now, _ in try LocalTables.createTable(request, in: db, now: now) }
        case "DeleteTable": return try await transact { db, _, _ in try LocalTables.deleteTable(request, in: db) }
        case "PutItem": return try await transact { db, _, _ in try LocalTables.putItem(request, in: db) }
        case "DeleteItem": return try await transact { db, _, _ in try LocalTables.deleteItem(request, in: db) }
        default: throw APIError.invalidAction("DynamoDB_20120810.\(action) is not supported by stepd")
        }
    }
}
