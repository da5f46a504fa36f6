import ArgumentParser
import JSON
import StepAPI

struct SendTaskSuccess: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Answers a task token with a result; the waiting execution resumes.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The task token.") var taskToken: String
    @Option(help: "The task's result JSON, inline or file://PATH.") var taskOutput: String

    func run() async throws {
        let output = try readJSONArgument(taskOutput, option: "--task-output")
        printJSON(try await connection.call(
            "AWSStepFunctions.SendTaskSuccess", ["taskToken": .string(taskToken), "output": .string(output.serialized())]))
    }
}

struct SendTaskFailure: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Fails the task waiting on a token.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The task token.") var taskToken: String
    @Option(help: "An error code.") var error: String?
    @Option(help: "A cause.") var cause: String?

    func run() async throws {
        var body: JSONValue = ["taskToken": .string(taskToken)]
        if let error { body = body.merging(["error": .string(error)]) }
        if let cause { body = body.merging(["cause": .string(cause)]) }
        printJSON(try await connection.call("AWSStepFunctions.SendTaskFailure", body))
    }
}

struct SendTaskHeartbeat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Reports that the task waiting on a token is still at work.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The task token.") var taskToken: String

    func run() async throws {
        printJSON(try await connection.call("AWSStepFunctions.SendTaskHeartbeat", ["taskToken": .string(taskToken)]))
    }
}

struct PutEvents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sends events to the bus (EventBridge PutEvents entries).")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "A JSON array of entries {Source, DetailType, Detail (a JSON string), Resources}, inline or file://PATH.") var entries: String

    func run() async throws {
        let value = try readJSONArgument(entries, option: "--entries")
        guard case .array = value else { throw ValidationError("--entries must be a JSON array") }
        printJSON(try await connection.call("AWSEvents.PutEvents", ["Entries": value]))
    }
}

struct ListRules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Lists the bus's rules.")
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        printJSON(try await connection.call("AWSEvents.ListRules", [:]))
    }
}

struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Calls any action: stepctl call AWSStepFunctions.DescribeExecution '{\"executionArn\": \"...\"}'.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The X-Amz-Target, e.g. AWSStepFunctions.ListStateMachines.") var target: String
    @Argument(help: "The request body, inline JSON or file://PATH.") var body: String = "{}"

    func run() async throws {
        printJSON(try await connection.call(target, try readJSONArgument(body, option: "body")))
    }
}
