import ArgumentParser
import JSON
import StepAPI

struct StartExecution: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Starts an execution.",
        discussion: "With --wait, waits for the execution to end (the daemon answers when it does), prints DescribeExecution, and exits 0 only if it SUCCEEDED.")
    @OptionGroup var connection: ConnectionOptions
    @Option(name: [.customLong("state-machine-arn"), .customLong("state-machine")], help: "ARN or name.") var stateMachine: String
    @Option(help: "The input JSON, inline or file://PATH (default {}).") var input: String?
    @Option(help: "The execution's name (default: a UUID).") var name: String?
    @Flag(help: "Wait for the execution to end.") var wait = false

    func run() async throws {
        var body: JSONValue = ["stateMachineArn": .string(stateMachine)]
        if let input { body = body.merging(["input": .string(try readJSONArgument(input, option: "--input").serialized())]) }
        if let name { body = body.merging(["name": .string(name)]) }
        let started = try await connection.call("AWSStepFunctions.StartExecution", body)
        guard wait else {
            printJSON(started)
            return
        }
        let ended = try await connection.call("Stepd.WaitForExecution", ["executionArn": started["executionArn"] ?? .null])
        printJSON(ended)
        if ended["status"]?.stringValue != "SUCCEEDED" { throw ExitCode(1) }
    }
}

struct DescribeExecution: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Shows an execution.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The execution's ARN.") var executionArn: String

    func run() async throws {
        printJSON(try await connection.call("AWSStepFunctions.DescribeExecution", ["executionArn": .string(executionArn)]))
    }
}

struct WaitExecution: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait-execution",
        abstract: "Waits for an execution to end, prints DescribeExecution, exits 0 only if it SUCCEEDED.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The execution's ARN.") var executionArn: String

    func run() async throws {
        let ended = try await connection.call("Stepd.WaitForExecution", ["executionArn": .string(executionArn)])
        printJSON(ended)
        if ended["status"]?.stringValue != "SUCCEEDED" { throw ExitCode(1) }
    }
}

struct ListExecutions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lists a state machine's executions, or a Map Run's child executions, newest first.",
        discussion: "Give exactly one of --state-machine and --map-run-arn.")
    @OptionGroup var connection: ConnectionOptions
    @Option(name: [.customLong("state-machine-arn"), .customLong("state-machine")], help: "ARN or name.") var stateMachine: String?
    @Option(help: "The Map Run whose child executions to list.") var mapRunArn: String?
    @Option(help: "RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED.") var statusFilter: String?
    @Option(help: "At most this many (default 100).") var maxResults: Int?

    func validate() throws {
        switch (stateMachine, mapRunArn) {
        case (nil, nil): throw ValidationError("give --state-machine or --map-run-arn")
        case (.some, .some): throw ValidationError("give --state-machine or --map-run-arn, not both")
        default: break
        }
    }

    func run() async throws {
        var body: JSONValue = if let stateMachine { ["stateMachineArn": .string(stateMachine)] } else { ["mapRunArn": .string(mapRunArn ?? "")] }
        if let statusFilter { body = body.merging(["statusFilter": .string(statusFilter)]) }
        if let maxResults { body = body.merging(["maxResults": .number(Double(maxResults))]) }
        printJSON(try await connection.call("AWSStepFunctions.ListExecutions", body))
    }
}

struct GetExecutionHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Prints an execution's history events.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The execution's ARN.") var executionArn: String
    @Flag(help: "Newest first.") var reverseOrder = false
    @Option(help: "At most this many events (default 100, at most 1000).") var maxResults: Int?

    func run() async throws {
        var body: JSONValue = ["executionArn": .string(executionArn), "reverseOrder": .bool(reverseOrder)]
        if let maxResults { body = body.merging(["maxResults": .number(Double(maxResults))]) }
        printJSON(try await connection.call("AWSStepFunctions.GetExecutionHistory", body))
    }
}

struct RedriveExecution: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Runs a FAILED, TIMED_OUT or ABORTED execution again from the state it ended in (within 14 days).")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The execution's ARN.") var executionArn: String
    @Option(help: "Makes a repeated call (within 15 minutes) answer the first one's redrive.") var clientToken: String?

    func run() async throws {
        var body: JSONValue = ["executionArn": .string(executionArn)]
        if let clientToken { body = body.merging(["clientToken": .string(clientToken)]) }
        printJSON(try await connection.call("AWSStepFunctions.RedriveExecution", body))
    }
}

struct StopExecution: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stops a running execution (status ABORTED).")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The execution's ARN.") var executionArn: String
    @Option(help: "An error code.") var error: String?
    @Option(help: "A cause.") var cause: String?

    func run() async throws {
        var body: JSONValue = ["executionArn": .string(executionArn)]
        if let error { body = body.merging(["error": .string(error)]) }
        if let cause { body = body.merging(["cause": .string(cause)]) }
        printJSON(try await connection.call("AWSStepFunctions.StopExecution", body))
    }
}
