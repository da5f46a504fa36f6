import EventPatterns
import Foundation
import GRDB
import JSON
import Logging
import StatesLanguage
import StepStore

/// Accepting one event: store it (once per id), match the rules, start the targets, and
/// mark the job it reports on as reported — all in the caller's transaction.
enum EventIngest {
    struct Outcome: Sendable {
        let eventId: String
        let duplicate: Bool
        let matchedRules: [String]
    }

    /// `startedByUid`: who put the event (PutEvents), the starter of the executions it starts.
    static func ingest(
        _ envelope: EventEnvelope, rules: RuleCache, definitions: DefinitionCache, db: Database, now: Date, logger: Logger,
        effects: inout TransitionEffects, startedByUid: Int64? = nil
    ) throws -> Outcome {
        let event = envelope.json
        let matchingRules = try rules.enabledRules(in: db).filter { $0.pattern.matches(event) }
        // Stored first: a second sighting of the same id stores nothing and starts nothing.
        let stored = ReceivedEventRecord(
            id: envelope.id, receivedAt: now.timeIntervalSince1970, envelope: event.serialized(), matchedRules: matchingRules.count)
        guard try stored.insertIfNew(db) else {
            effects.log(.on(logger, level: .debug, "duplicate event ignored", metadata: ["EVENT_ID": "\(envelope.id)"]))
            return Outcome(eventId: envelope.id, duplicate: true, matchedRules: [])
        }
        effects.eventsStored += 1
        let matched = matchingRules.map(\.name)
        var started: [String] = []
        for rule in matchingRules {
            for target in rule.targets {
                // The target's effects count only if its savepoint is kept.
                var targetEffects = TransitionEffects()
                do {
                    let input = try targetInput(target, event: event, eventText: stored.envelope)
                    try db.withSavepoint {
                        let execution = try ExecutionStarter.start(
                            stateMachine: target.arn, name: nil, inputText: input, startedByUid: startedByUid, parentExecutionArn: nil,
                            definitions: definitions, db: db, now: now, effects: &targetEffects)
                        started.append(execution.execution.arn)
                    }
                    effects.merge(targetEffects)
                } catch let error as DatabaseError where GroupCommit.isFatal(error) {
                    // The disk, not the target: the whole transaction is lost, and the spool keeps the file.
                    throw error
                } catch {
                    // EventBridge does not fail the event for a target that cannot be invoked.
                    effects.log(
                        .on(
                            logger, level: .error, "rule target could not be started",
                            metadata: ["RULE": "\(rule.name)", "TARGET": "\(target.id)", "EVENT_ID": "\(envelope.id)", "ERROR": "\(error)"]))
                }
            }
        }
        effects.log(
            .on(
                logger, level: .debug, matched.isEmpty ? "event matched no rule" : "event routed",
                metadata: [
                    "EVENT_ID": "\(envelope.id)", "EVENT_SOURCE": "\(envelope.source)", "EVENT_DETAIL_TYPE": "\(envelope.detailType)",
                    "RULES": "\(matched.joined(separator: " "))", "STARTED_EXECUTIONS": "\(started.joined(separator: " "))",
                ]))
        if let jobId = envelope.detail["execution-id"]?.stringValue {
            try JobRecord.markReported(id: jobId, in: db)
        }
        return Outcome(eventId: envelope.id, duplicate: false, matchedRules: matched)
    }

    /// A target's input, serialized: its constant `Input`, the part of the event at
    /// `InputPath`, or the whole event (as stored: `eventText`).
    private static func targetInput(_ target: RuleTargetRecord, event: JSONValue, eventText: String) throws -> String {
        if let input = target.input { return try JSONValue(parsing: input).serialized() }
        if let path = target.inputPath { return try ReferencePath(path).value(in: event).serialized() }
        return eventText
    }
}
