import Foundation
import GRDB
import JSON
import StatesLanguage
import StepStore

/// Appends history events to an execution: ids count from 1, each event points at the one
/// before it, and the execution row remembers the last id.
struct HistoryWriter {
    /// Numbers the next event of `execution` (counting it in `lastEventId`) and serializes it,
    /// without writing it.
    static func next(
        _ type: HistoryEventType, details: JSONValue?, for execution: inout ExecutionRecord, at now: Date
    ) throws -> HistoryEventRecord? {
        guard let executionId = execution.id else { return nil }
        // The last id is kept for the event that ends the execution.
        if !type.endsExecution, execution.lastEventId + 1 >= Int64(Limits.maximumHistoryEvents) {
            throw StatesError(
                name: StatesError.runtime,
                cause: "The execution reached the limit of \(Limits.maximumHistoryEvents) history events")
        }
        let previous = execution.lastEventId
        execution.lastEventId += 1
        return event(type, details: details, executionId: executionId, id: execution.lastEventId, previousEventId: previous, at: now)
    }

    /// An event as given, its details under the member AWS names for `type`; `next` keeps the
    /// ids in order.
    static func event(
        _ type: HistoryEventType, details: JSONValue?, executionId: Int64, id: Int64, previousEventId: Int64, at now: Date
    ) -> HistoryEventRecord {
        HistoryEventRecord(
            executionId: executionId, id: id, type: type.rawValue, timestamp: now.timeIntervalSince1970, previousEventId: previousEventId,
            details: details.map { $0.serialized(asMemberOf: type.detailsMember) })
    }

    /// Numbers and writes the next event of `execution` at once.
    static func append(
        _ type: HistoryEventType, details: JSONValue?, to execution: inout ExecutionRecord, at now: Date, in db: Database
    ) throws {
        if let event = try next(type, details: details, for: &execution, at: now) { try HistoryEventRecord.insert([event], in: db) }
    }

    /// `{"input": "...", "inputDetails": {"truncated": false}}`-style payload members, with
    /// the event's other `members`.
    static func payload(_ name: String, _ value: JSONValue, adding members: [String: JSONValue] = [:]) -> [String: JSONValue] {
        payload(name, text: value.serialized(), adding: members)
    }

    /// The same members for a payload already serialized. One dictionary, sized for all of
    /// them, rather than two merged into a third.
    static func payload(_ name: String, text: String, adding members: [String: JSONValue] = [:]) -> [String: JSONValue] {
        var all = [String: JSONValue](minimumCapacity: members.count + 2)
        all[name] = .string(text)
        all[name + "Details"] = notTruncated
        for (member, value) in members { all[member] = value }
        return all
    }

    private static let notTruncated: JSONValue = ["truncated": false]

    /// A stored event as the engine answers it.
    static func event(of record: HistoryEventRecord) -> HistoryEvent {
        var details: [String: JSONValue] = [:]
        if let text = record.details, case .object(let members)? = try? JSONValue(parsing: text) { details = members }
        return HistoryEvent(
            id: record.id, previousEventId: record.previousEventId, timestamp: record.timestamp, type: record.type, details: details)
    }
}
