import ArgumentParser
import JSON
import StepAPI

struct CreateStateMachine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Registers a state machine (ASL JSON).")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The state machine's name.") var name: String
    @Option(help: "The ASL definition, inline or file://PATH.") var definition: String
    @Option(help: "Recorded as the state machine's role.") var roleArn: String?
    @OptionGroup var version: VersionOptions

    func run() async throws {
        var body: JSONValue = ["name": .string(name), "definition": .string(try readTextArgument(definition, option: "--definition"))]
        if let roleArn { body = body.merging(["roleArn": .string(roleArn)]) }
        body = body.merging(version.members)
        printJSON(try await connection.call("AWSStepFunctions.CreateStateMachine", body))
    }
}

struct UpdateStateMachine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Replaces a state machine's definition; running executions keep theirs.")
    @OptionGroup var connection: ConnectionOptions
    @Option(name: [.customLong("state-machine-arn"), .customLong("state-machine")], help: "ARN or name.") var stateMachine: String
    @Option(help: "The ASL definition, inline or file://PATH.") var definition: String
    @OptionGroup var version: VersionOptions

    func run() async throws {
        let body: JSONValue = [
            "stateMachineArn": .string(stateMachine), "definition": .string(try readTextArgument(definition, option: "--definition")),
        ]
        printJSON(try await connection.call("AWSStepFunctions.UpdateStateMachine", body.merging(version.members)))
    }
}

/// `--publish` and `--version-description`, as the AWS CLI has them on create and update.
struct VersionOptions: ParsableArguments {
    @Flag(help: "Publishes the resulting revision as a version (its ARN is the state machine's with :NUMBER).")
    var publish = false
    @Option(help: "The published version's description (with --publish).") var versionDescription: String?

    var members: [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        if publish { members["publish"] = true }
        if let versionDescription { members["versionDescription"] = .string(versionDescription) }
        return members
    }
}

struct DescribeStateMachine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Shows a state machine.")
    @OptionGroup var connection: ConnectionOptions
    @Option(name: [.customLong("state-machine-arn"), .customLong("state-machine")], help: "ARN or name.") var stateMachine: String

    func run() async throws {
        printJSON(try await connection.call("AWSStepFunctions.DescribeStateMachine", ["stateMachineArn": .string(stateMachine)]))
    }
}

struct ListStateMachines: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Lists state machines.")
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        printJSON(try await connection.call("AWSStepFunctions.ListStateMachines", [:]))
    }
}

struct DeleteStateMachine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Deletes a state machine; running executions run to their end.")
    @OptionGroup var connection: ConnectionOptions
    @Option(name: [.customLong("state-machine-arn"), .customLong("state-machine")], help: "ARN or name.") var stateMachine: String

    func run() async throws {
        printJSON(try await connection.call("AWSStepFunctions.DeleteStateMachine", ["stateMachineArn": .string(stateMachine)]))
    }
}

extension JSONValue {
    func merging(_ other: [String: JSONValue]) -> JSONValue {
        guard case .object(var members) = self else { return self }
        for (key, value) in other { members[key] = value }
        return .object(members)
    }
}
