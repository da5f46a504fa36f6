import EventPatterns
import Foundation
import GRDB
import JSON
import Logging
import StepAPI
import StepEngine

/// Turns API requests into engine calls, and every failure into an AWS-shaped error.
public struct APIDispatcher: APIHandler {
    let engine: Engine
    let logger: Logger

    public init(engine: Engine, logger: Logger) {
        self.engine = engine
        self.logger = logger
    }

    public func handle(_ request: APIRequest) async -> Result<JSONValue, APIError> {
        do {
            return .success(try await route(request))
        } catch let error as APIError {
            return .failure(error)
        } catch let error as LocalTableError {
            return .failure(APIError(error.type, error.message))
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            logger.error("database full", metadata: ["API_ACTION": "\(request.target)"])
            return .failure(APIError("ServiceUnavailable", "the disk holding stepd's database is full; nothing was changed", httpStatus: 503))
        } catch {
            logger.error("request failed", metadata: ["API_ACTION": "\(request.target)", "ERROR": "\(error)"])
            return .failure(.internalFailure("\(error)"))
        }
    }

    private func route(_ request: APIRequest) async throws -> JSONValue {
        let body = request.body
        let action = String(request.action)
        switch request.service {
        case Actions.stepFunctions: return try await stepFunctions(action, body, request.peer)
        case Actions.events: return try await events(action, body)
        case Actions.dynamoDB: return try await engine.tableAction(action, body)
        case Actions.stepd: return try await stepd(action, body, request.peer)
        default: throw APIError.invalidAction("Unknown target prefix in '\(request.target)'")
        }
    }

    private func stepFunctions(_ action: String, _ body: JSONValue, _ peer: PeerCredentials?) async throws -> JSONValue {
        switch action {
        case "CreateStateMachine":
            return try await engine.createStateMachine(
                name: try body.requiredString("name"), definition: try body.requiredString("definition"),
                roleArn: try body.optionalString("roleArn"), type: try body.optionalString("type"))
        case "UpdateStateMachine":
            return try await engine.updateStateMachine(
                reference: try body.requiredString("stateMachineArn"), definition: try body.optionalString("definition"),
                roleArn: try body.optionalString("roleArn"))
        case "DescribeStateMachine":
            return try await engine.describeStateMachine(reference: try body.requiredString("stateMachineArn"))
        case "ListStateMachines":
            return try await engine.listStateMachines(maxResults: try body.optionalInt("maxResults"), nextToken: try body.optionalString("nextToken"))
        case "DeleteStateMachine":
            try await engine.deleteStateMachine(reference: try body.requiredString("stateMachineArn"))
            return [:]
        case "StartExecution":
            return try await engine.startExecution(
                stateMachine: try body.requiredString("stateMachineArn"), name: try body.optionalString("name"),
                input: try body.optionalString("input"), startedByUid: peer?.uid)
        case "DescribeExecution":
            return try await engine.describeExecution(arn: try body.requiredString("executionArn"))
        case "ListExecutions":
            return try await engine.listExecutions(
                stateMachine: try body.requiredString("stateMachineArn"), statusFilter: try body.optionalString("statusFilter"),
                maxResults: try body.optionalInt("maxResults"), nextToken: try body.optionalString("nextToken"))
        case "GetExecutionHistory":
            return try await engine.getExecutionHistory(
                arn: try body.requiredString("executionArn"), maxResults: try body.optionalInt("maxResults"),
                reverseOrder: try body.optionalBool("reverseOrder") ?? false, nextToken: try body.optionalString("nextToken"),
                includeExecutionData: try body.optionalBool("includeExecutionData") ?? true)
        case "StopExecution":
            return try await engine.stopExecution(
                arn: try body.requiredString("executionArn"), error: try body.optionalString("error"), cause: try body.optionalString("cause"))
        case "SendTaskSuccess":
            try await engine.sendTask(token: try body.requiredString("taskToken"), answer: .success(output: try body.requiredString("output")))
            return [:]
        case "SendTaskFailure":
            try await engine.sendTask(
                token: try body.requiredString("taskToken"),
                answer: .failure(error: try body.optionalString("error"), cause: try body.optionalString("cause")))
            return [:]
        case "SendTaskHeartbeat":
            try await engine.sendTask(token: try body.requiredString("taskToken"), answer: .heartbeat)
            return [:]
        default:
            throw APIError.invalidAction("AWSStepFunctions.\(action) is not an action stepd supports")
        }
    }

    private func events(_ action: String, _ body: JSONValue) async throws -> JSONValue {
        try checkBus(body)
        switch action {
        case "PutRule":
            return try await engine.putRule(
                name: try body.requiredString("Name"), eventPattern: try body.optionalString("EventPattern"),
                state: try body.optionalString("State"), description: try body.optionalString("Description"))
        case "PutTargets":
            return try await engine.putTargets(rule: try body.requiredString("Rule"), targets: try body.requiredArray("Targets"))
        case "RemoveTargets":
            let ids = try body.requiredArray("Ids").compactMap(\.stringValue)
            return try await engine.removeTargets(rule: try body.requiredString("Rule"), ids: ids)
        case "ListRules":
            return try await engine.listRules(namePrefix: try body.optionalString("NamePrefix"))
        case "DescribeRule":
            return try await engine.describeRule(name: try body.requiredString("Name"))
        case "ListTargetsByRule":
            return try await engine.listTargetsByRule(rule: try body.requiredString("Rule"))
        case "DeleteRule":
            try await engine.deleteRule(name: try body.requiredString("Name"), force: try body.optionalBool("Force") ?? false)
            return [:]
        case "PutEvents":
            return try await engine.putEvents(entries: try body.requiredArray("Entries"))
        default:
            throw APIError.invalidAction("AWSEvents.\(action) is not an action stepd supports")
        }
    }

    /// A job definition names a program stepd runs as its own user: only that user (or root)
    /// may define one, whoever else may reach the socket.
    private func requireDaemonOwner(_ peer: PeerCredentials?, _ action: String) throws {
        guard let peer, peer.uid == 0 || peer.uid == geteuid() else {
            throw APIError(
                "AccessDeniedException",
                "Stepd.\(action) is allowed to stepd's own user (uid \(geteuid())) and root only; the caller is \(peer.map { "uid \($0.uid)" } ?? "unknown")")
        }
    }

    /// stepd has one bus, `default`.
    private func checkBus(_ body: JSONValue) throws {
        if let bus = try body.optionalString("EventBusName"), bus != "default", !bus.hasSuffix(":event-bus/default") {
            throw APIError("ResourceNotFoundException", "Event bus \(bus) does not exist.")
        }
    }

    private func stepd(_ action: String, _ body: JSONValue, _ peer: PeerCredentials?) async throws -> JSONValue {
        switch action {
        case "WaitForExecution":
            return try await engine.waitForExecution(arn: try body.requiredString("executionArn"))
        case "PutJobDefinition":
            try requireDaemonOwner(peer, action)
            return try await engine.putJobDefinition(body)
        case "DescribeJobDefinition":
            return try await engine.describeJobDefinition(name: try body.requiredString("Name"))
        case "ListJobDefinitions":
            return try await engine.listJobDefinitions()
        case "DeleteJobDefinition":
            try requireDaemonOwner(peer, action)
            try await engine.deleteJobDefinition(name: try body.requiredString("Name"))
            return [:]
        case "DescribeJob":
            return try await engine.describeJob(id: try body.requiredString("JobId"))
        case "Health":
            return ["Status": "OK"]
        case "WaitUntilIdle":
            await engine.waitUntilIdle()
            return ["Status": "IDLE"]
        default:
            throw APIError.invalidAction("Stepd.\(action) is not an action stepd supports")
        }
    }
}
