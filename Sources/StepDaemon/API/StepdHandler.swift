import Foundation
import JSON
import StepAPI
import StepEngine

/// `Stepd.*`: stepd's own actions, for what AWS has no action for (waiting for an
/// execution, job definitions and jobs, health); `Actions` lists them with their shapes.
struct StepdHandler: ServiceHandler {
    let engine: Engine
    let heldWaits: HeldWaits
    let prefix = Actions.stepd

    func handle(_ action: String, _ request: APIRequest, caller: Caller) async throws -> JSONValue {
        let body = request.body
        switch action {
        case "WaitForExecution":
            let arn = try body.requiredString("executionArn")
            let engine = self.engine
            let scope = caller.executionScope
            let ended = try await heldWaits.hold {
                try await HeldWaits.untilDeparture(request.departure) { try await engine.waitForExecution(arn: arn, scope: scope) }
            }
            return StepFunctionsHandler.json(of: ended)
        case "PutJobDefinition":
            let definition = try Self.jobDefinition(body)
            try await engine.putJobDefinition(definition)
            return ["Name": .string(definition.name)]
        case "DescribeJobDefinition":
            return Self.json(of: try await engine.describeJobDefinition(name: try body.requiredString("Name")), for: caller)
        case "ListJobDefinitions":
            return ["JobDefinitions": .array(try await engine.listJobDefinitions().map { Self.json(of: $0, for: caller) })]
        case "DeleteJobDefinition":
            try await engine.deleteJobDefinition(name: try body.requiredString("Name"))
            return [:]
        case "DescribeJob":
            return Self.json(of: try await engine.describeJob(id: try body.requiredString("JobId"), scope: caller.executionScope))
        case "Health":
            return ["Status": "OK"]
        case "WaitUntilIdle":
            // Not given up when the client goes: the writer's idle wait cannot be cancelled.
            try await heldWaits.hold { await engine.waitUntilIdle() }
            return ["Status": "IDLE"]
        default:
            throw unknownAction(action)
        }
    }

    /// PutJobDefinition's request: `{"Name", "Command": [argv], "Environment": {}, "WorkingDirectory", "TimeoutSeconds"}`.
    private static func jobDefinition(_ request: JSONValue) throws -> JobDefinition {
        guard let name = request["Name"]?.stringValue else { throw APIError.validation("Name is required") }
        try ResourceName.validate(name, what: "job name")
        guard case .array(let command)? = request["Command"], !command.isEmpty, command.allSatisfy({ $0.stringValue != nil }) else {
            throw APIError.validation("Command is required: a non-empty array of strings (argv)")
        }
        var environment: [String: String] = [:]
        if let given = request["Environment"] {
            guard case .object(let members) = given, members.values.allSatisfy({ $0.stringValue != nil }) else {
                throw APIError.validation("Environment must be an object of strings")
            }
            environment = members.compactMapValues(\.stringValue)
        }
        if let directory = request["WorkingDirectory"], directory.stringValue == nil {
            throw APIError.validation("WorkingDirectory must be a string")
        }
        let timeout = request["TimeoutSeconds"]
        if let timeout, (timeout.intValue ?? 0) <= 0 { throw APIError.validation("TimeoutSeconds must be a positive integer") }
        return JobDefinition(
            name: name, command: command.compactMap(\.stringValue), environment: environment,
            workingDirectory: request["WorkingDirectory"]?.stringValue, timeoutSeconds: timeout?.intValue)
    }

    /// The environment's values may be secrets: below the admin role, only their names show.
    private static func json(of definition: JobDefinition, for caller: Caller) -> JSONValue {
        let environment = caller.role >= .admin ? definition.environment : definition.environment.mapValues { _ in hiddenValue }
        var json: [String: JSONValue] = [
            "Name": .string(definition.name),
            "Command": .array(definition.command.map { .string($0) }),
            "Environment": .object(environment.mapValues { .string($0) }),
        ]
        if let directory = definition.workingDirectory { json["WorkingDirectory"] = .string(directory) }
        if let timeout = definition.timeoutSeconds { json["TimeoutSeconds"] = .number(Double(timeout)) }
        return .object(json)
    }

    private static func json(of job: JobDescription) -> JSONValue {
        var json: [String: JSONValue] = [
            "JobId": .string(job.jobId), "Name": .string(job.jobName), "ExecutionArn": .string(job.executionArn),
            "Status": .string(job.status.rawValue.uppercased()), "Reported": .bool(job.reported),
            "CreatedAt": .number(job.createdAt),
        ]
        if let pid = job.pid { json["Pid"] = .number(Double(pid)) }
        if let started = job.startedAt { json["StartedAt"] = .number(started) }
        if let ended = job.endedAt { json["EndedAt"] = .number(ended) }
        if let exit = job.exitDescription { json["Exit"] = .string(exit) }
        return .object(json)
    }

    /// What a job definition's environment value reads as below the admin role.
    static let hiddenValue = "(hidden: admins only)"

    // MARK: - Errors

    /// Job errors; WaitForExecution's are Step Functions' own.
    static func apiError(for error: any Error) -> APIError? {
        switch error {
        case let error as JobError: APIError("ResourceNotFoundException", error.description)
        default: StepFunctionsHandler.apiError(for: error)
        }
    }
}
