import Foundation
import GRDB
import JSON
import StatesLanguage
import StepStore

/// Appends history events to an execution: ids count from 1, each event points at the one
/// before it, and the execution row remembers the last id.
struct HistoryWriter {
    static func append(
        _ type: HistoryEventType, details: JSONValue?, to execution: inout ExecutionRecord, at now: Date, in db: Database
    ) throws {
        guard let executionId = execution.id else { return }
        // The last id is kept for the event that ends the execution.
        if !type.endsExecution, execution.lastEventId + 1 >= Int64(Limits.maximumHistoryEvents) {
            throw StatesError(
                name: StatesError.runtime,
                cause: "The execution reached the limit of \(Limits.maximumHistoryEvents) history events")
        }
        let previous = execution.lastEventId
        execution.lastEventId += 1
        try insert(type, details: details, executionId: executionId, eventId: execution.lastEventId, previousEventId: previous, at: now, in: db)
    }

    /// Writes one event as given; `append` keeps the ids in order.
    static func insert(
        _ type: HistoryEventType, details: JSONValue?, executionId: Int64, eventId: Int64, previousEventId: Int64, at now: Date,
        in db: Database
    ) throws {
        let detailsText = details.map { JSONValue.object([type.detailsMember: $0]).serialized() }
        // A cached statement: this runs several times per transition.
        let insert = try db.cachedStatement(
            sql: "INSERT INTO historyEvent (executionId, id, type, timestamp, previousEventId, details) VALUES (?, ?, ?, ?, ?, ?)")
        try insert.run([
            executionId.databaseValue, eventId.databaseValue, type.rawValue.databaseValue, now.timeIntervalSince1970.databaseValue,
            previousEventId.databaseValue, detailsText.databaseValue,
        ])
    }

    /// `{"input": "...", "inputDetails": {"truncated": false}}`-style payload members.
    static func payload(_ name: String, _ value: JSONValue) -> [String: JSONValue] {
        payload(name, text: value.serialized())
    }

    /// The same members for a payload already serialized.
    static func payload(_ name: String, text: String) -> [String: JSONValue] {
        [name: .string(text), name + "Details": ["truncated": false]]
    }

    /// The AWS JSON form of a stored event for GetExecutionHistory.
    static func json(of record: HistoryEventRecord, includeExecutionData: Bool) -> JSONValue {
        var event: [String: JSONValue] = [
            "id": .number(Double(record.id)),
            "previousEventId": .number(Double(record.previousEventId)),
            "timestamp": .number(record.timestamp),
            "type": .string(record.type),
        ]
        if let text = record.details, case .object(let members)? = try? JSONValue(parsing: text) {
            for (member, value) in members {
                event[member] = includeExecutionData ? value : withoutData(value)
            }
        }
        return .object(event)
    }

    private static func withoutData(_ details: JSONValue) -> JSONValue {
        guard case .object(var members) = details else { return details }
        for name in ["input", "output", "parameters"] { members[name] = nil }
        return .object(members)
    }
}
