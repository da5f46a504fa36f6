import JSON
import StatesLanguage
import StepAPI
import StepEngine

/// `AWSStepFunctions.*`: state machines, executions, their history and task tokens.
struct StepFunctionsHandler: ServiceHandler {
    let engine: Engine
    /// Shared with `StepdHandler`: a StartSyncExecution holds its connection as a wait does.
    let heldWaits: HeldWaits
    let prefix = Actions.stepFunctions

    func handle(_ action: String, _ request: APIRequest, caller: Caller) async throws -> JSONValue {
        let body = request.body
        switch action {
        case "CreateStateMachine":
            let created = try await engine.createStateMachine(
                name: try body.requiredString("name"), definition: try body.requiredString("definition"),
                roleArn: try body.optionalString("roleArn"), type: try body.optionalString("type"), tags: try Self.tags(in: body),
                publish: try body.optionalBool("publish") ?? false, versionDescription: try body.optionalString("versionDescription"))
            var answer: [String: JSONValue] = ["stateMachineArn": .string(created.arn), "creationDate": .number(created.creationDate)]
            if let version = created.versionArn { answer["stateMachineVersionArn"] = .string(version) }
            return .object(answer)
        case "UpdateStateMachine":
            let updated = try await engine.updateStateMachine(
                reference: try body.requiredString("stateMachineArn"), definition: try body.optionalString("definition"),
                roleArn: try body.optionalString("roleArn"), publish: try body.optionalBool("publish") ?? false,
                versionDescription: try body.optionalString("versionDescription"))
            var answer: [String: JSONValue] = ["updateDate": .number(updated.updateDate)]
            if let revision = updated.revisionId { answer["revisionId"] = .string(revision) }
            if let version = updated.versionArn { answer["stateMachineVersionArn"] = .string(version) }
            return .object(answer)
        case "PublishStateMachineVersion":
            let published = try await engine.publishStateMachineVersion(
                reference: try body.requiredString("stateMachineArn"), revisionId: try body.optionalString("revisionId"),
                description: try body.optionalString("description"))
            return ["stateMachineVersionArn": .string(published.arn), "creationDate": .number(published.creationDate)]
        case "ListStateMachineVersions":
            let page = try await engine.listStateMachineVersions(
                reference: try body.requiredString("stateMachineArn"), maxResults: try body.optionalInt("maxResults"),
                nextToken: try body.optionalString("nextToken"))
            return Self.json(
                page, member: "stateMachineVersions",
                item: { ["stateMachineVersionArn": .string($0.arn), "creationDate": .number($0.creationDate)] })
        case "DeleteStateMachineVersion":
            try await engine.deleteStateMachineVersion(reference: try body.requiredString("stateMachineVersionArn"))
            return [:]
        case "CreateStateMachineAlias":
            let alias = try await engine.createStateMachineAlias(
                name: try body.requiredString("name"), description: try body.optionalString("description"),
                routing: try Self.routing(in: body) ?? [])
            return ["stateMachineAliasArn": .string(alias.arn), "creationDate": .number(alias.creationDate)]
        case "DescribeStateMachineAlias":
            let alias = try await engine.describeStateMachineAlias(reference: try body.requiredString("stateMachineAliasArn"))
            var answer: [String: JSONValue] = [
                "stateMachineAliasArn": .string(alias.arn), "name": .string(alias.name),
                "routingConfiguration": .array(alias.routing.map { ["stateMachineVersionArn": .string($0.versionArn), "weight": .number(Double($0.weight))] }),
                "creationDate": .number(alias.creationDate), "updateDate": .number(alias.updateDate),
            ]
            if let description = alias.description { answer["description"] = .string(description) }
            return .object(answer)
        case "UpdateStateMachineAlias":
            let updateDate = try await engine.updateStateMachineAlias(
                reference: try body.requiredString("stateMachineAliasArn"), description: try body.optionalString("description"),
                routing: try Self.routing(in: body))
            return ["updateDate": .number(updateDate)]
        case "DeleteStateMachineAlias":
            try await engine.deleteStateMachineAlias(reference: try body.requiredString("stateMachineAliasArn"))
            return [:]
        case "ListStateMachineAliases":
            let page = try await engine.listStateMachineAliases(
                reference: try body.requiredString("stateMachineArn"), maxResults: try body.optionalInt("maxResults"),
                nextToken: try body.optionalString("nextToken"))
            return Self.json(
                page, member: "stateMachineAliases",
                item: { ["stateMachineAliasArn": .string($0.arn), "creationDate": .number($0.creationDate)] })
        case "ValidateStateMachineDefinition":
            let requested = try body.optionalInt("maxResults") ?? 0
            return Self.validation(
                of: DefinitionValidation.problems(try body.requiredString("definition"), express: try body.optionalString("type") == "EXPRESS"),
                maxResults: requested == 0 ? Self.maximumDiagnostics : requested)
        case "DescribeStateMachine":
            return Self.json(of: try await engine.describeStateMachine(reference: try body.requiredString("stateMachineArn")))
        case "DescribeStateMachineForExecution":
            let machine = try await engine.describeStateMachine(
                forExecution: try body.requiredString("executionArn"), scope: caller.executionScope)
            var answer: [String: JSONValue] = [
                "stateMachineArn": .string(machine.arn), "name": .string(machine.name), "definition": .string(machine.definition),
                "roleArn": .string(machine.roleArn), "updateDate": .number(machine.creationDate),
            ]
            if let revision = machine.revisionId { answer["revisionId"] = .string(revision) }
            if let mapRun = machine.mapRunArn { answer["mapRunArn"] = .string(mapRun) }
            if let label = machine.label { answer["label"] = .string(label) }
            return .object(answer)
        case "ListStateMachines":
            let page = try await engine.listStateMachines(
                maxResults: try body.optionalInt("maxResults"), nextToken: try body.optionalString("nextToken"))
            return Self.json(
                page, member: "stateMachines",
                item: { machine in
                    ["stateMachineArn": .string(machine.arn), "name": .string(machine.name), "type": .string(machine.type),
                     "creationDate": .number(machine.creationDate)]
                })
        case "DeleteStateMachine":
            try await engine.deleteStateMachine(reference: try body.requiredString("stateMachineArn"))
            return [:]
        case "StartExecution":
            let started = try await engine.startExecution(
                stateMachine: try body.requiredString("stateMachineArn"), name: try body.optionalString("name"),
                input: try body.optionalString("input"), startedByUid: caller.uid)
            return ["executionArn": .string(started.arn), "startDate": .number(started.startDate)]
        case "StartSyncExecution":
            // Held until the execution ends (five minutes at most), as a Stepd.WaitForExecution is.
            let ended = try await heldWaits.hold {
                try await engine.startSyncExecution(
                    stateMachine: try body.requiredString("stateMachineArn"), name: try body.optionalString("name"),
                    input: try body.optionalString("input"), startedByUid: caller.uid)
            }
            return Self.syncAnswer(of: ended)
        case "DescribeExecution":
            return Self.json(of: try await engine.describeExecution(arn: try body.requiredString("executionArn"), scope: caller.executionScope))
        case "ListExecutions":
            let statusFilter = try body.optionalString("statusFilter")
            let redriveFilter = try body.optionalString("redriveFilter")
            let page: Page<ExecutionDescription>
            switch (try body.optionalString("stateMachineArn"), try body.optionalString("mapRunArn")) {
            case (let stateMachine?, nil):
                page = try await engine.listExecutions(
                    stateMachine: stateMachine, statusFilter: statusFilter, redriveFilter: redriveFilter,
                    maxResults: try body.optionalInt("maxResults"), nextToken: try body.optionalString("nextToken"), scope: caller.executionScope)
            case (nil, let mapRun?):
                page = try await engine.listExecutions(
                    mapRun: mapRun, statusFilter: statusFilter, redriveFilter: redriveFilter,
                    maxResults: try body.optionalInt("maxResults"), nextToken: try body.optionalString("nextToken"), scope: caller.executionScope)
            default:
                throw RequestError.invalid(reason: "You must specify either a stateMachineArn or a mapRunArn, but not both")
            }
            return Self.json(page, member: "executions", item: Self.summary(of:))
        case "DescribeMapRun":
            return Self.json(of: try await engine.describeMapRun(arn: try body.requiredString("mapRunArn"), scope: caller.executionScope))
        case "ListMapRuns":
            let page = try await engine.listMapRuns(
                executionArn: try body.requiredString("executionArn"), maxResults: try body.optionalInt("maxResults"),
                nextToken: try body.optionalString("nextToken"), scope: caller.executionScope)
            return Self.json(page, member: "mapRuns") { run in
                var item: [String: JSONValue] = [
                    "executionArn": .string(run.executionArn), "mapRunArn": .string(run.arn), "stateMachineArn": .string(run.stateMachineArn),
                    "startDate": .number(run.startDate),
                ]
                if let stop = run.stopDate { item["stopDate"] = .number(stop) }
                return .object(item)
            }
        case "UpdateMapRun":
            try await engine.updateMapRun(
                arn: try body.requiredString("mapRunArn"), maxConcurrency: try body.optionalInt("maxConcurrency"),
                toleratedFailurePercentage: body["toleratedFailurePercentage"]?.numberValue,
                toleratedFailureCount: try body.optionalInt("toleratedFailureCount").map(Int64.init), scope: caller.executionScope)
            return [:]
        case "RedriveExecution":
            let date = try await engine.redriveExecution(
                arn: try body.requiredString("executionArn"), clientToken: try body.optionalString("clientToken"), scope: caller.executionScope)
            return ["redriveDate": .number(date)]
        case "GetExecutionHistory":
            let includeExecutionData = try body.optionalBool("includeExecutionData") ?? true
            let page = try await engine.getExecutionHistory(
                arn: try body.requiredString("executionArn"), maxResults: try body.optionalInt("maxResults"),
                reverseOrder: try body.optionalBool("reverseOrder") ?? false, nextToken: try body.optionalString("nextToken"),
                scope: caller.executionScope)
            return Self.json(page, member: "events", item: { Self.json(of: $0, includeExecutionData: includeExecutionData) })
        case "StopExecution":
            let stopDate = try await engine.stopExecution(
                arn: try body.requiredString("executionArn"), error: try body.optionalString("error"), cause: try body.optionalString("cause"),
                scope: caller.executionScope)
            return ["stopDate": .number(stopDate)]
        case "TagResource":
            try await engine.tagResource(arn: try body.requiredString("resourceArn"), tags: try Self.tags(in: body))
            return [:]
        case "UntagResource":
            let keys = try (body["tagKeys"]?.arrayValue ?? []).map { key throws(RequestError) -> String in
                guard let text = key.stringValue else { throw .invalid(reason: "tagKeys must be strings") }
                return text
            }
            try await engine.untagResource(arn: try body.requiredString("resourceArn"), keys: keys)
            return [:]
        case "ListTagsForResource":
            let tags = try await engine.listTags(arn: try body.requiredString("resourceArn"))
            return ["tags": .array(tags.map { ["key": .string($0.key), "value": .string($0.value)] })]
        case "SendTaskSuccess":
            try await engine.sendTask(
                token: try body.requiredString("taskToken"), answer: .success(output: try body.requiredString("output")),
                scope: caller.executionScope)
            return [:]
        case "SendTaskFailure":
            try await engine.sendTask(
                token: try body.requiredString("taskToken"),
                answer: .failure(error: try body.optionalString("error"), cause: try body.optionalString("cause")), scope: caller.executionScope)
            return [:]
        case "SendTaskHeartbeat":
            try await engine.sendTask(token: try body.requiredString("taskToken"), answer: .heartbeat, scope: caller.executionScope)
            return [:]
        default:
            throw unknownAction(action)
        }
    }

    // MARK: - Answers

    /// StartSyncExecution's answer: as AWS records it, `output` only when the execution
    /// succeeded, `error` and `cause` when it did not, and the billing AWS reports for it (64 MB,
    /// the duration rounded up to 100 ms).
    static func syncAnswer(of execution: ExecutionDescription) -> JSONValue {
        let stopDate = execution.stopDate ?? execution.startDate
        let billedMilliseconds = max(100, ((stopDate - execution.startDate) * 1_000 / 100).rounded(.up) * 100)
        var answer: [String: JSONValue] = [
            "executionArn": .string(execution.arn), "stateMachineArn": .string(LocalARN.stateMachine(execution.stateMachineName)),
            "name": .string(execution.name), "status": .string(execution.status.rawValue),
            "startDate": .number(execution.startDate), "stopDate": .number(stopDate),
            "input": .string(execution.input), "inputDetails": ["included": true], "outputDetails": ["included": true],
            "billingDetails": ["billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": .number(billedMilliseconds)],
        ]
        if execution.status == .succeeded, let output = execution.output { answer["output"] = .string(output) }
        if let error = execution.error { answer["error"] = .string(error) }
        if let cause = execution.cause { answer["cause"] = .string(cause) }
        return .object(answer)
    }

    /// A request's `tags`: `[{"key", "value"}]` (the shape has checked their types and lengths).
    static func tags(in body: JSONValue) throws(RequestError) -> [Engine.Tag] {
        guard let list = body["tags"]?.arrayValue else { return [] }
        return try list.map { tag throws(RequestError) -> Engine.Tag in
            guard let key = tag["key"]?.stringValue else { throw .invalid(reason: "a tag must have a key") }
            return Engine.Tag(key: key, value: tag["value"]?.stringValue ?? "")
        }
    }

    /// ValidateStateMachineDefinition's answer: a diagnostic per problem, up to `maxResults`.
    /// Every problem stepd finds would refuse the definition, so each is an `ERROR`, which
    /// both `severity` values return.
    static func validation(of problems: [DefinitionError.Problem], maxResults: Int) -> JSONValue {
        let diagnostics = problems.prefix(maxResults).map { problem -> JSONValue in
            var diagnostic: [String: JSONValue] = [
                "severity": "ERROR", "code": .string(problem.code.rawValue), "message": .string(problem.message),
            ]
            if let path = problem.path { diagnostic["location"] = .string(path) }
            return .object(diagnostic)
        }
        return [
            "result": problems.isEmpty ? "OK" : "FAIL", "diagnostics": .array(diagnostics),
            "truncated": .bool(problems.count > maxResults),
        ]
    }

    /// DescribeExecution's answer (also Stepd.WaitForExecution's).
    static func json(of execution: ExecutionDescription) -> JSONValue {
        var json: [String: JSONValue] = [
            "executionArn": .string(execution.arn),
            "stateMachineArn": .string(execution.stateMachineArn),
            "name": .string(execution.name),
            "status": .string(execution.status.rawValue),
            "startDate": .number(execution.startDate),
            "input": .string(execution.input),
            "inputDetails": ["included": true],
            "redriveCount": .number(Double(execution.redriveCount)),
        ]
        if let redrive = execution.redriveStatus {
            json["redriveStatus"] = .string(redrive.status)
            if let reason = redrive.reason { json["redriveStatusReason"] = .string(reason) }
        }
        if let date = execution.redriveDate { json["redriveDate"] = .number(date) }
        if let stop = execution.stopDate { json["stopDate"] = .number(stop) }
        if let version = execution.versionArn { json["stateMachineVersionArn"] = .string(version) }
        if let alias = execution.aliasArn { json["stateMachineAliasArn"] = .string(alias) }
        if let output = execution.output {
            json["output"] = .string(output)
            json["outputDetails"] = ["included": true]
        }
        if let error = execution.error { json["error"] = .string(error) }
        if let cause = execution.cause { json["cause"] = .string(cause) }
        if let mapRun = execution.mapRunArn { json["mapRunArn"] = .string(mapRun) }
        return .object(json)
    }

    /// DescribeMapRun's answer.
    static func json(of run: MapRunDescription) -> JSONValue {
        func counts(_ counts: MapRunDescription.Counts) -> JSONValue {
            [
                "pending": .number(Double(counts.pending)), "running": .number(Double(counts.running)),
                "succeeded": .number(Double(counts.succeeded)), "failed": .number(Double(counts.failed)),
                "timedOut": .number(Double(counts.timedOut)), "aborted": .number(Double(counts.aborted)),
                "total": .number(Double(counts.total)), "resultsWritten": .number(Double(counts.resultsWritten)),
                // The children that did not succeed are redriven with their parent.
                "failuresNotRedrivable": 0, "pendingRedrive": .number(Double(counts.pendingRedrive)),
            ]
        }
        var json: [String: JSONValue] = [
            "mapRunArn": .string(run.arn), "executionArn": .string(run.executionArn), "status": .string(run.status),
            "startDate": .number(run.startDate), "maxConcurrency": .number(Double(run.maxConcurrency)),
            "toleratedFailurePercentage": .number(run.toleratedFailurePercentage),
            "toleratedFailureCount": .number(Double(run.toleratedFailureCount)),
            "itemCounts": counts(run.itemCounts), "executionCounts": counts(run.executionCounts),
            "redriveCount": .number(Double(run.redriveCount)),
        ]
        if let stop = run.stopDate { json["stopDate"] = .number(stop) }
        if let date = run.redriveDate { json["redriveDate"] = .number(date) }
        return .object(json)
    }

    private static func summary(of execution: ExecutionDescription) -> JSONValue {
        var item: [String: JSONValue] = [
            "executionArn": .string(execution.arn),
            "stateMachineArn": .string(execution.stateMachineArn),
            "name": .string(execution.name), "status": .string(execution.status.rawValue),
            "startDate": .number(execution.startDate),
        ]
        if let stop = execution.stopDate { item["stopDate"] = .number(stop) }
        item["redriveCount"] = .number(Double(execution.redriveCount))
        if let date = execution.redriveDate { item["redriveDate"] = .number(date) }
        if let version = execution.versionArn { item["stateMachineVersionArn"] = .string(version) }
        if let alias = execution.aliasArn { item["stateMachineAliasArn"] = .string(alias) }
        if let mapRun = execution.mapRunArn {
            item["mapRunArn"] = .string(mapRun)
            item["itemCount"] = .number(Double(execution.itemCount ?? 1))
        }
        return .object(item)
    }

    private static func json(of machine: StateMachineDescription) -> JSONValue {
        var json: [String: JSONValue] = [
            "stateMachineArn": .string(machine.arn), "name": .string(machine.name), "status": "ACTIVE",
            "definition": .string(machine.definition), "roleArn": .string(machine.roleArn), "type": .string(machine.type),
            "creationDate": .number(machine.creationDate),
            "loggingConfiguration": ["level": "OFF", "includeExecutionData": false],
            "tracingConfiguration": ["enabled": false],
        ]
        if let revision = machine.revisionId { json["revisionId"] = .string(revision) }
        if let description = machine.description { json["description"] = .string(description) }
        if let label = machine.label { json["label"] = .string(label) }
        return .object(json)
    }

    /// A request's `routingConfiguration`: `[{"stateMachineVersionArn", "weight"}]` (the shape
    /// has checked the types, the count and the weights' range); nil when absent.
    static func routing(in body: JSONValue) throws(RequestError) -> [(arn: String, weight: Int)]? {
        guard let list = body["routingConfiguration"]?.arrayValue else { return nil }
        return try list.map { item throws(RequestError) -> (arn: String, weight: Int) in
            guard let arn = item["stateMachineVersionArn"]?.stringValue, let weight = item["weight"]?.numberValue.flatMap({ Int(exactly: $0) })
            else { throw .invalid(reason: "a routing configuration item has a stateMachineVersionArn and an integer weight") }
            return (arn, weight)
        }
    }

    /// A history event as GetExecutionHistory lists it; without execution data, the details
    /// leave out the payloads (input, output, parameters).
    private static func json(of event: HistoryEvent, includeExecutionData: Bool) -> JSONValue {
        var json: [String: JSONValue] = [
            "id": .number(Double(event.id)),
            "previousEventId": .number(Double(event.previousEventId)),
            "timestamp": .number(event.timestamp),
            "type": .string(event.type),
        ]
        for (member, value) in event.details {
            json[member] = includeExecutionData ? value : withoutData(value)
        }
        return .object(json)
    }

    private static func withoutData(_ details: JSONValue) -> JSONValue {
        guard case .object(var members) = details else { return details }
        for name in ["input", "output", "parameters"] { members[name] = nil }
        return .object(members)
    }

    /// A List action's answer: the items under `member`, and `nextToken` when there is more.
    private static func json<Item>(_ page: Page<Item>, member: String, item: (Item) -> JSONValue) -> JSONValue {
        var json: [String: JSONValue] = [member: .array(page.items.map(item))]
        if let next = page.nextToken { json["nextToken"] = .string(next) }
        return .object(json)
    }

    // MARK: - Errors

    static func apiError(for error: any Error) -> APIError? {
        switch error {
        case let error as StateMachineError:
            switch error {
            case .doesNotExist: APIError("StateMachineDoesNotExist", error.description)
            case .alreadyExists: APIError("StateMachineAlreadyExists", error.description)
            case .invalidDefinition, .definitionTooLarge: APIError("InvalidDefinition", error.description)
            case .unsupportedType: .validation(error.description)
            case .typeNotSupported: APIError("StateMachineTypeNotSupported", error.description)
            case .definitionUnreadable: .internalFailure(error.description)
            }
        case let error as ExecutionError:
            switch error {
            case .doesNotExist: APIError("ExecutionDoesNotExist", error.description)
            case .alreadyExists: APIError("ExecutionAlreadyExists", error.description)
            case .invalidInput: APIError("InvalidExecutionInput", error.description)
            case .notRunning: .validation(error.description)
            case .notRedrivable: APIError("ExecutionNotRedrivable", error.description)
            }
        case let error as TaskTokenError:
            switch error {
            case .malformed: APIError("InvalidToken", error.description)
            case .doesNotExist: APIError("TaskDoesNotExist", error.description)
            case .timedOut: APIError("TaskTimedOut", error.description)
            case .invalidOutput: APIError("InvalidOutput", error.description)
            }
        case let error as VersionError:
            switch error {
            case .conflict: APIError("ConflictException", error.description)
            case .quotaExceeded: APIError("ServiceQuotaExceededException", error.description)
            case .resourceNotFound: APIError("ResourceNotFound", error.description)
            }
        case let error as MapRunError:
            switch error {
            case .doesNotExist: APIError("ResourceNotFound", error.description)
            case .completed: APIError.validation(error.description, reason: "CANNOT_UPDATE_COMPLETED_MAP_RUN")
            }
        case let error as TagError:
            switch error {
            case .resourceNotFound: APIError("ResourceNotFound", error.description)
            case .tooManyTags: APIError("TooManyTags", error.description)
            case .invalidTag: .validation(error.description)
            }
        case let error as RequestError: .request(error)
        default: nil
        }
    }
}
