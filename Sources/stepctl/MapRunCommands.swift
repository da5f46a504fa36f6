import ArgumentParser
import JSON
import StepAPI

struct DescribeMapRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Shows a Map Run: its status, settings, and item and child execution counts.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The Map Run's ARN.") var mapRunArn: String

    func run() async throws {
        printJSON(try await connection.call("AWSStepFunctions.DescribeMapRun", ["mapRunArn": .string(mapRunArn)]))
    }
}

struct ListMapRuns: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Lists the Map Runs an execution started.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The execution's ARN.") var executionArn: String
    @Option(help: "At most this many (default 100, at most 1000).") var maxResults: Int?

    func run() async throws {
        var body: JSONValue = ["executionArn": .string(executionArn)]
        if let maxResults { body = body.merging(["maxResults": .number(Double(maxResults))]) }
        printJSON(try await connection.call("AWSStepFunctions.ListMapRuns", body))
    }
}

struct UpdateMapRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Changes a running Map Run's concurrency and tolerated failures.",
        discussion: "Give at least one of --max-concurrency, --tolerated-failure-percentage and --tolerated-failure-count.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The Map Run's ARN.") var mapRunArn: String
    @Option(help: "How many child executions may run at once (0: no limit).") var maxConcurrency: Int?
    @Option(help: "The percentage of failed items (0 to 100) the run tolerates.") var toleratedFailurePercentage: Double?
    @Option(help: "The number of failed items the run tolerates.") var toleratedFailureCount: Int?

    func run() async throws {
        var body: JSONValue = ["mapRunArn": .string(mapRunArn)]
        if let maxConcurrency { body = body.merging(["maxConcurrency": .number(Double(maxConcurrency))]) }
        if let toleratedFailurePercentage { body = body.merging(["toleratedFailurePercentage": .number(toleratedFailurePercentage)]) }
        if let toleratedFailureCount { body = body.merging(["toleratedFailureCount": .number(Double(toleratedFailureCount))]) }
        printJSON(try await connection.call("AWSStepFunctions.UpdateMapRun", body))
    }
}
