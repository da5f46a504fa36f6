import JSON
import StepAPI

/// The members of EventBridge's requests that stepd reads, with the constraints of AWS's
/// model (botocore `events/2015-10-07`); checked before the request reaches the engine.
extension EventBridgeHandler {
    static let requests: [String: RequestShape] = [
        "PutRule": .structure([
            "Name": .required(ruleName), "EventBusName": .optional(eventBusName),
            "EventPattern": .optional(.string([.length(min: 0, max: 4096)])),
            "State": .optional(.string([.oneOf(["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"])])),
            "Description": .optional(.string([.length(min: 0, max: 512)])),
            "ScheduleExpression": .optional(.string([.length(min: 0, max: 256)])),
        ]),
        "PutTargets": .structure([
            "Rule": .required(ruleName), "EventBusName": .optional(eventBusName),
            "Targets": .required(.list(target, [.length(min: 1, max: 100)], summary: "[Target]")),
        ]),
        "RemoveTargets": .structure([
            "Rule": .required(ruleName), "EventBusName": .optional(eventBusName),
            "Ids": .required(.list(targetId, [.length(min: 1, max: 100)], summary: "[TargetId]")), "Force": .optional(.boolean),
        ]),
        "ListRules": .structure(["NamePrefix": .optional(ruleName), "EventBusName": .optional(eventBusName)]),
        "DescribeRule": .structure(["Name": .required(ruleName), "EventBusName": .optional(eventBusName)]),
        "ListTargetsByRule": .structure(["Rule": .required(ruleName), "EventBusName": .optional(eventBusName)]),
        "DeleteRule": .structure([
            "Name": .required(ruleName), "EventBusName": .optional(eventBusName), "Force": .optional(.boolean),
        ]),
        "PutEvents": .structure([
            "Entries": .required(.list(entry, [.length(min: 1, max: maximumEntries)], summary: "[PutEventsRequestEntry]"))
        ]),
    ]

    /// PutEvents takes at most 10 entries, of at most 256 KiB together (`entriesSize`).
    static let maximumEntries = 10
    static let maximumEntriesSize = 262_144

    static let ruleName = RequestShape.string([
        .length(min: 1, max: 64), .characters(#"[\.\-_A-Za-z0-9]+"#, lettersDigitsAnd: ".-_"),
    ])
    static let eventBusName = RequestShape.string([
        .length(min: 1, max: 1600),
        .pattern(#"(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/\.\-_A-Za-z0-9]+"#) {
            isEventBusName($0, slashAllowed: true)
        },
    ])
    static let targetId = RequestShape.string([
        .length(min: 1, max: 64), .characters(#"[\.\-_A-Za-z0-9]+"#, lettersDigitsAnd: ".-_"),
    ])
    static let target = RequestShape.structure([
        "Id": .required(targetId), "Arn": .required(.string([.length(min: 1, max: 1600)])),
        "RoleArn": .optional(.string([.length(min: 1, max: 1600)])),
        "Input": .optional(.string([.length(min: 0, max: 8192)])),
        "InputPath": .optional(.string([.length(min: 0, max: 256)])),
    ])
    /// An entry's `Source`, `DetailType`, `Detail` and `Time` are the engine's to read: a bad
    /// one fails that entry alone (`FailedEntryCount`), as EventBridge does.
    static let entry = RequestShape.structure([
        "Resources": .optional(.list(.string([.length(min: 0, max: 2048)]), [], summary: "[EventResource]")),
        "EventBusName": .optional(.string([
            .length(min: 1, max: 1600),
            .pattern(#"(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[\.\-_A-Za-z0-9]+"#) {
                isEventBusName($0, slashAllowed: false)
            },
        ])),
        "TraceHeader": .optional(.string([.length(min: 1, max: 500)])),
    ])

    /// The model's bus name pattern: an optional bus ARN prefix, then a name of letters,
    /// digits and `.-_` (and `/` for a partner bus where `slashAllowed`). The ARN's region
    /// may also be stepd's own, `local`, which AWS's `[a-z]+-[a-z]+-[\w-]+` would refuse.
    static func isEventBusName(_ text: String, slashAllowed: Bool) -> Bool {
        var name = Substring(text)
        if text.hasPrefix("arn:aws"), let slash = text.range(of: ":event-bus/") {
            let parts = text[..<slash.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 5, parts[2] == "events", !parts[3].isEmpty,
                parts[3].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }),
                parts[4].count == 12, parts[4].allSatisfy({ $0.isASCII && $0.isNumber })
            else { return false }
            name = text[slash.upperBound...]
        }
        return !name.isEmpty
            && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                    || (slashAllowed && byte == UInt8(ascii: "/"))
            }
    }

    /// A PutEvents request's size as EventBridge computes it ("Calculating PutEvents event
    /// entry size"): 14 bytes for a `Time`, plus the UTF-8 bytes of `Source`, `DetailType`,
    /// `Detail` and each of `Resources`, summed over the entries.
    static func entriesSize(_ entries: [JSONValue]) -> Int {
        entries.reduce(0) { total, entry in
            var size = entry["Time"].map { $0.isNull ? 0 : 14 } ?? 0
            for member in ["Source", "DetailType", "Detail"] {
                size += entry[member]?.stringValue?.utf8.count ?? 0
            }
            for resource in entry["Resources"]?.arrayValue ?? [] {
                size += resource.stringValue?.utf8.count ?? 0
            }
            return total + size
        }
    }
}
