import ArgumentParser
import Foundation
import JSON
import StepAPI
import StepClient

/// Creates or updates everything a folder describes, by file suffix:
/// `*.table.json` (DynamoDB CreateTable input), `*.job.json` (Stepd.PutJobDefinition input),
/// `*.asl.json` (a state machine named after the file), `*.rule.json` (PutRule input plus
/// `Targets`). Applied in that order, so rules find their state machines.
struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Creates or updates every state machine, rule, job and table a folder describes.",
        discussion: "Files: NAME.asl.json (state machine NAME), *.rule.json ({Name, EventPattern, State, Description, Targets}), *.job.json ({Name, Command, Environment, WorkingDirectory, TimeoutSeconds}; relative paths are taken from the folder), *.table.json (CreateTable input).")
    @OptionGroup var connection: ConnectionOptions
    @Option(name: .customShort("f"), help: "The folder.") var folder: String

    func run() async throws {
        let directory = URL(fileURLWithPath: folder).standardizedFileURL
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        } catch {
            throw ValidationError("-f: cannot read the folder '\(folder)': \(error.localizedDescription)")
        }
        var applied: [JSONValue] = []
        for suffix in [".table.json", ".job.json", ".asl.json", ".rule.json"] {
            for name in names where name.hasSuffix(suffix) {
                let file = directory.appendingPathComponent(name)
                let stem = String(name.dropLast(suffix.count))
                let outcome: String
                switch suffix {
                case ".table.json": outcome = try await applyTable(file)
                case ".job.json": outcome = try await applyJob(file, folder: directory)
                case ".asl.json": outcome = try await applyStateMachine(file, name: stem)
                default: outcome = try await applyRule(file)
                }
                applied.append(["File": .string(name), "Result": .string(outcome)])
            }
        }
        printJSON(["Applied": .array(applied)])
    }

    private func read(_ file: URL) throws -> JSONValue {
        try readJSONArgument("file://" + file.path, option: file.lastPathComponent)
    }

    private func applyTable(_ file: URL) async throws -> String {
        let request = try read(file)
        do {
            _ = try await connection.client.call("DynamoDB_20120810.CreateTable", request)
            return "created"
        } catch .api(let error) where error.type.hasSuffix("ResourceInUseException") {
            return "unchanged (exists)"
        } catch {
            return try failure(file, error)
        }
    }

    private func applyJob(_ file: URL, folder: URL) async throws -> String {
        guard case .object(var request) = try read(file) else { throw ValidationError("\(file.lastPathComponent): not a JSON object") }
        if let directory = request["WorkingDirectory"]?.stringValue, !directory.hasPrefix("/") {
            request["WorkingDirectory"] = .string(folder.appendingPathComponent(directory).standardizedFileURL.path)
        } else if request["WorkingDirectory"] == nil {
            request["WorkingDirectory"] = .string(folder.path)
        }
        if case .array(var command)? = request["Command"], let program = command.first?.stringValue,
            program.contains("/"), !program.hasPrefix("/")
        {
            command[0] = .string(folder.appendingPathComponent(program).standardizedFileURL.path)
            request["Command"] = .array(command)
        }
        _ = try await connection.call("Stepd.PutJobDefinition", .object(request))
        return "applied"
    }

    private func applyStateMachine(_ file: URL, name: String) async throws -> String {
        let definition = try readTextArgument("file://" + file.path, option: file.lastPathComponent)
        let existing: JSONValue?
        do {
            existing = try await connection.client.call("AWSStepFunctions.DescribeStateMachine", ["stateMachineArn": .string(name)])
        } catch .api(let error) where error.type == "StateMachineDoesNotExist" {
            existing = nil
        } catch {
            return try failure(file, error)
        }
        guard let existing else {
            _ = try await connection.call(
                "AWSStepFunctions.CreateStateMachine", ["name": .string(name), "definition": .string(definition)])
            return "created"
        }
        if existing["definition"]?.stringValue == definition { return "unchanged" }
        _ = try await connection.call(
            "AWSStepFunctions.UpdateStateMachine", ["stateMachineArn": .string(name), "definition": .string(definition)])
        return "updated"
    }

    private func applyRule(_ file: URL) async throws -> String {
        guard case .object(var request) = try read(file) else { throw ValidationError("\(file.lastPathComponent): not a JSON object") }
        let targets = request.removeValue(forKey: "Targets")
        if let pattern = request["EventPattern"], pattern.stringValue == nil {
            request["EventPattern"] = .string(pattern.serialized())
        }
        _ = try await connection.call("AWSEvents.PutRule", .object(request))
        if let targets, let name = request["Name"] {
            let result = try await connection.call("AWSEvents.PutTargets", ["Rule": name, "Targets": targets])
            if let failed = result["FailedEntryCount"]?.intValue, failed > 0 {
                printError("\(file.lastPathComponent): \(failed) target(s) refused: \(result["FailedEntries"]?.serialized() ?? "")")
                throw ExitCode(254)
            }
        }
        return "applied"
    }

    private func failure(_ file: URL, _ error: StepClientError) throws -> String {
        printError("\(file.lastPathComponent): \(error)")
        throw ExitCode(254)
    }
}
