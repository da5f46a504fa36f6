import JSON
import StepAPI
import StepEngine

/// `AWSEvents.*`: rules, their targets, and PutEvents, on stepd's one bus (`default`).
struct EventBridgeHandler: ServiceHandler {
    let engine: Engine
    let prefix = Actions.events

    func handle(_ action: String, _ request: APIRequest, caller: Caller) async throws -> JSONValue {
        let body = request.body
        try checkBus(body)
        switch action {
        case "PutRule":
            let arn = try await engine.putRule(
                name: try body.requiredString("Name"), eventPattern: try body.optionalString("EventPattern"),
                state: try body.optionalString("State"), description: try body.optionalString("Description"))
            return ["RuleArn": .string(arn)]
        case "PutTargets":
            let rejected = try await engine.putTargets(rule: try body.requiredString("Rule"), targets: try body.requiredArray("Targets"))
            return [
                "FailedEntryCount": .number(Double(rejected.count)),
                "FailedEntries": .array(rejected.map { target in
                    ["TargetId": .string(target.targetId), "ErrorCode": "ValidationException", "ErrorMessage": .string(target.reason)]
                }),
            ]
        case "RemoveTargets":
            let ids = try body.requiredArray("Ids").compactMap(\.stringValue)
            try await engine.removeTargets(rule: try body.requiredString("Rule"), ids: ids)
            return ["FailedEntryCount": 0, "FailedEntries": []]
        case "ListRules":
            let rules = try await engine.listRules(namePrefix: try body.optionalString("NamePrefix"))
            return ["Rules": .array(rules.map(Self.json(of:)))]
        case "DescribeRule":
            return Self.json(of: try await engine.describeRule(name: try body.requiredString("Name")))
        case "ListTargetsByRule":
            let targets = try await engine.listTargetsByRule(rule: try body.requiredString("Rule"))
            return ["Targets": .array(targets.map { target in
                var json: [String: JSONValue] = ["Id": .string(target.id), "Arn": .string(target.arn)]
                if let input = target.input { json["Input"] = .string(input) }
                if let path = target.inputPath { json["InputPath"] = .string(path) }
                return .object(json)
            })]
        case "DeleteRule":
            try await engine.deleteRule(name: try body.requiredString("Name"), force: try body.optionalBool("Force") ?? false)
            return [:]
        case "PutEvents":
            let requested = try body.requiredArray("Entries")
            if Self.entriesSize(requested) > Self.maximumEntriesSize {
                throw APIError.validation("Total size of the entries in the request is over the limit.")
            }
            let results = try await engine.putEvents(entries: requested, startedByUid: caller.uid)
            var failed = 0
            let entries = results.map { result -> JSONValue in
                switch result {
                case .stored(let eventId):
                    return ["EventId": .string(eventId)]
                case .malformed(let reason):
                    failed += 1
                    return ["ErrorCode": "MalformedDetail", "ErrorMessage": .string(reason)]
                case .notStored(let reason):
                    failed += 1
                    return ["ErrorCode": "InternalFailure", "ErrorMessage": .string(reason)]
                case .notAuthorizedForSource(let reason):
                    failed += 1
                    return ["ErrorCode": "NotAuthorizedForSourceException", "ErrorMessage": .string(reason)]
                }
            }
            return ["FailedEntryCount": .number(Double(failed)), "Entries": .array(entries)]
        default:
            throw unknownAction(action)
        }
    }

    /// stepd has one bus, `default`.
    private func checkBus(_ body: JSONValue) throws {
        if let bus = try body.optionalString("EventBusName"), bus != "default", !bus.hasSuffix(":event-bus/default") {
            throw RuleError.eventBusDoesNotExist(name: bus)
        }
    }

    private static func json(of rule: RuleDescription) -> JSONValue {
        var json: [String: JSONValue] = [
            "Name": .string(rule.name), "Arn": .string(rule.arn), "EventPattern": .string(rule.eventPattern),
            "State": .string(rule.state), "EventBusName": "default",
        ]
        if let description = rule.description { json["Description"] = .string(description) }
        return .object(json)
    }

    // MARK: - Errors

    static func apiError(for error: any Error) -> APIError? {
        switch error {
        case let error as RuleError:
            switch error {
            case .doesNotExist, .eventBusDoesNotExist: APIError("ResourceNotFoundException", error.description)
            case .invalidPattern: APIError("InvalidEventPatternException", error.description)
            case .hasTargets: .validation(error.description)
            }
        case let error as RequestError: .request(error)
        default: nil
        }
    }
}
