import Foundation
import JSON

/// An event in the EventBridge event structure: the envelope every rule matches against and
/// every target receives.
///
/// ```json
/// {"version": "0", "id": "…", "detail-type": "…", "source": "…", "account": "…",
///  "time": "2019-03-26T20:14:13Z", "region": "…", "resources": [], "detail": {}}
/// ```
public struct EventEnvelope: Sendable, Equatable {
    public var version: String
    public var id: String
    /// `detail-type`.
    public var detailType: String
    public var source: String
    public var account: String
    public var time: Date
    public var region: String
    public var resources: [String]
    /// Always a JSON object.
    public var detail: JSONValue

    public init(
        version: String = "0", id: String, detailType: String, source: String, account: String, time: Date,
        region: String, resources: [String] = [], detail: JSONValue = .object([:])
    ) {
        self.version = version
        self.id = id
        self.detailType = detailType
        self.source = source
        self.account = account
        self.time = time
        self.region = region
        self.resources = resources
        self.detail = detail
    }

    /// The fields of the EventBridge event structure; anything else is refused.
    static let fieldNames: Set<String> = [
        "version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail",
    ]

    /// Reads an event in the EventBridge event structure (as a job writes it into the spool).
    ///
    /// `source` and `detail-type` are required non-empty strings; `detail` must be an object
    /// (absent means `{}`); `id`, `time`, `account`, `region` and `version` are taken from
    /// `defaults` when absent; `time` is RFC 3339; `resources` is an array of strings.
    /// Fields outside the event structure are refused, so a misspelt field is not lost quietly.
    public init(json: JSONValue, defaults: EnvelopeDefaults) throws(EventFormatError) {
        guard case .object(let members) = json else {
            throw EventFormatError("the event must be a JSON object, not \(json.typeName)")
        }
        if let unknown = members.keys.filter({ !Self.fieldNames.contains($0) }).sorted().first {
            throw EventFormatError("field '\(unknown)' is not part of the EventBridge event structure")
        }
        let reader = FieldReader(members: members)
        source = try reader.requiredString("source")
        detailType = try reader.requiredString("detail-type")
        version = try reader.optionalString("version", allowEmpty: false) ?? "0"
        id = try reader.optionalString("id", allowEmpty: false) ?? defaults.makeId()
        account = try reader.optionalString("account", allowEmpty: true) ?? defaults.account
        region = try reader.optionalString("region", allowEmpty: true) ?? defaults.region
        if let text = try reader.optionalString("time", allowEmpty: false) {
            guard let date = RFC3339.parse(text, .events) else {
                throw EventFormatError("field 'time' must be an RFC 3339 timestamp such as 2019-03-26T20:14:13Z, not '\(text)'")
            }
            time = date
        } else {
            time = defaults.now
        }
        resources = try reader.resources("resources")
        detail = try reader.detailObject("detail")
    }

    /// Reads one entry of a PutEvents request: `Source`, `DetailType`, `Detail` (a string
    /// holding a JSON object), optional `Resources`, `Time` (epoch seconds or RFC 3339),
    /// `EventBusName` and `TraceHeader`.
    public init(putEventsEntry entry: JSONValue, defaults: EnvelopeDefaults) throws(EventFormatError) {
        guard case .object(let members) = entry else {
            throw EventFormatError("a PutEvents entry must be a JSON object, not \(entry.typeName)")
        }
        let known: Set<String> = ["Source", "DetailType", "Detail", "Resources", "Time", "EventBusName", "TraceHeader"]
        if let unknown = members.keys.filter({ !known.contains($0) }).sorted().first {
            throw EventFormatError("field '\(unknown)' is not part of a PutEvents entry")
        }
        let reader = FieldReader(members: members)
        source = try reader.requiredString("Source")
        detailType = try reader.requiredString("DetailType")
        let detailText = try reader.requiredString("Detail")
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsing: detailText)
        } catch {
            throw EventFormatError("field 'Detail' must hold a JSON object: \(error.message)")
        }
        guard case .object = parsed else {
            throw EventFormatError("field 'Detail' must hold a JSON object, not \(parsed.typeName)")
        }
        detail = parsed
        _ = try reader.optionalString("EventBusName", allowEmpty: false)
        _ = try reader.optionalString("TraceHeader", allowEmpty: true)
        resources = try reader.resources("Resources")
        switch members["Time"] {
        case nil, .null?:
            time = defaults.now
        case .number(let seconds)?:
            guard seconds >= RFC3339.earliestSeconds, seconds <= RFC3339.latestSeconds else {
                throw EventFormatError("field 'Time' must be a timestamp between the years 0000 and 9999, not \(seconds) seconds since 1970")
            }
            time = Date(timeIntervalSince1970: seconds)
        case .string(let text)?:
            guard let date = RFC3339.parse(text, .events) else {
                throw EventFormatError("field 'Time' must be a timestamp (epoch seconds or RFC 3339), not '\(text)'")
            }
            time = date
        case let other?:
            throw EventFormatError("field 'Time' must be a timestamp (epoch seconds or RFC 3339), not \(other.typeName)")
        }
        version = "0"
        id = defaults.makeId()
        account = defaults.account
        region = defaults.region
    }

    /// The full envelope as EventBridge delivers it to targets.
    public var json: JSONValue {
        .object([
            "version": .string(version),
            "id": .string(id),
            "detail-type": .string(detailType),
            "source": .string(source),
            "account": .string(account),
            "time": .string(RFC3339.format(time, milliseconds: false)),
            "region": .string(region),
            "resources": .array(resources.map { .string($0) }),
            "detail": detail,
        ])
    }
}

private struct FieldReader {
    let members: [String: JSONValue]

    func requiredString(_ name: String) throws(EventFormatError) -> String {
        guard let value = members[name] else { throw EventFormatError("field '\(name)' is required") }
        guard case .string(let text) = value else {
            throw EventFormatError("field '\(name)' must be a string, not \(value.typeName)")
        }
        guard !text.isEmpty else { throw EventFormatError("field '\(name)' must not be empty") }
        return text
    }

    func optionalString(_ name: String, allowEmpty: Bool) throws(EventFormatError) -> String? {
        guard let value = members[name] else { return nil }
        guard case .string(let text) = value else {
            throw EventFormatError("field '\(name)' must be a string, not \(value.typeName)")
        }
        if !allowEmpty, text.isEmpty { throw EventFormatError("field '\(name)' must not be empty") }
        return text
    }

    func resources(_ name: String) throws(EventFormatError) -> [String] {
        guard let value = members[name] else { return [] }
        guard case .array(let items) = value else {
            throw EventFormatError("field '\(name)' must be an array of strings, not \(value.typeName)")
        }
        var result: [String] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item else {
                throw EventFormatError("field '\(name)[\(index)]' must be a string, not \(item.typeName)")
            }
            result.append(text)
        }
        return result
    }

    func detailObject(_ name: String) throws(EventFormatError) -> JSONValue {
        guard let value = members[name] else { return .object([:]) }
        guard case .object = value else {
            throw EventFormatError("field '\(name)' must be a JSON object, not \(value.typeName)")
        }
        return value
    }
}
