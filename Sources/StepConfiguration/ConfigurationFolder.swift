import Foundation
import JSON
import StepAPI

/// A folder of definitions applied the way `stepctl apply -f DIR` applies it, and the way
/// stepd applies its configuration folder at start and on reload.
///
/// Files by suffix: `*.table.json` (DynamoDB CreateTable input), `*.job.json`
/// (Stepd.PutJobDefinition input), `NAME.asl.json` (state machine `NAME`), `*.rule.json`
/// (PutRule input plus `Targets`). They are applied in that order, each kind in name order, so
/// that rules find their state machines and state machines their tables and jobs. Applying
/// creates or updates; nothing the folder no longer holds is deleted.
///
/// ```swift
/// let folder = ConfigurationFolder(path: "/etc/stepd", api: caller)
/// for file in try folder.files() {
///     let result = try await folder.apply(file)   // "created", "updated", "unchanged", ...
/// }
/// ```
public struct ConfigurationFolder: Sendable {
    public let url: URL
    let api: any APICaller

    public init(path: String, api: any APICaller) {
        self.url = URL(fileURLWithPath: path).standardizedFileURL
        self.api = api
    }

    /// The files to apply, in the order they must be applied; other files are ignored.
    /// Throws what the file system said when the folder cannot be listed.
    public func files() throws -> [ConfigurationFile] {
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
        return ConfigurationFile.Kind.allCases.flatMap { kind in
            names.filter { $0.hasSuffix(kind.rawValue) }.map {
                ConfigurationFile(kind: kind, name: $0, url: url.appendingPathComponent($0))
            }
        }
    }

    /// Creates or updates what one file describes; returns what happened (`created`,
    /// `updated`, `unchanged`, `unchanged (exists)` or `applied`).
    public func apply(_ file: ConfigurationFile) async throws(ApplyFailure) -> String {
        switch file.kind {
        case .table: try await applyTable(file)
        case .job: try await applyJob(file)
        case .stateMachine: try await applyStateMachine(file)
        case .rule: try await applyRule(file)
        }
    }

    // MARK: By kind

    private func applyTable(_ file: ConfigurationFile) async throws(ApplyFailure) -> String {
        let request = try readJSON(file)
        do {
            _ = try await api.call("DynamoDB_20120810.CreateTable", request)
            return "created"
        } catch .api(let error) where error.type.hasSuffix("ResourceInUseException") {
            return "unchanged (exists)"
        } catch {
            throw .lookupFailed(file: file.name, failure: error)
        }
    }

    private func applyJob(_ file: ConfigurationFile) async throws(ApplyFailure) -> String {
        guard case .object(var request) = try readJSON(file) else { throw .invalidFile(message: "\(file.name): not a JSON object") }
        if let directory = request["WorkingDirectory"]?.stringValue, !directory.hasPrefix("/") {
            request["WorkingDirectory"] = .string(url.appendingPathComponent(directory).standardizedFileURL.path)
        } else if request["WorkingDirectory"] == nil {
            request["WorkingDirectory"] = .string(url.path)
        }
        if case .array(var command)? = request["Command"], let program = command.first?.stringValue,
            program.contains("/"), !program.hasPrefix("/")
        {
            command[0] = .string(url.appendingPathComponent(program).standardizedFileURL.path)
            request["Command"] = .array(command)
        }
        _ = try await perform("Stepd.PutJobDefinition", .object(request), for: file)
        return "applied"
    }

    private func applyStateMachine(_ file: ConfigurationFile) async throws(ApplyFailure) -> String {
        let definition = try readText(file)
        let name = file.stem
        let existing: JSONValue?
        do {
            existing = try await api.call("AWSStepFunctions.DescribeStateMachine", ["stateMachineArn": .string(name)])
        } catch .api(let error) where error.type == "StateMachineDoesNotExist" {
            existing = nil
        } catch {
            throw .lookupFailed(file: file.name, failure: error)
        }
        guard let existing else {
            _ = try await perform(
                "AWSStepFunctions.CreateStateMachine", ["name": .string(name), "definition": .string(definition)], for: file)
            return "created"
        }
        if existing["definition"]?.stringValue == definition { return "unchanged" }
        _ = try await perform(
            "AWSStepFunctions.UpdateStateMachine", ["stateMachineArn": .string(name), "definition": .string(definition)],
            for: file)
        return "updated"
    }

    private func applyRule(_ file: ConfigurationFile) async throws(ApplyFailure) -> String {
        guard case .object(var request) = try readJSON(file) else { throw .invalidFile(message: "\(file.name): not a JSON object") }
        let targets = request.removeValue(forKey: "Targets")
        if let pattern = request["EventPattern"], pattern.stringValue == nil {
            request["EventPattern"] = .string(pattern.serialized())
        }
        _ = try await perform("AWSEvents.PutRule", .object(request), for: file)
        if let targets, let name = request["Name"] {
            let result = try await perform("AWSEvents.PutTargets", ["Rule": name, "Targets": targets], for: file)
            if let failed = result["FailedEntryCount"]?.intValue, failed > 0 {
                throw .targetsRefused(file: file.name, count: failed, entries: result["FailedEntries"]?.serialized() ?? "")
            }
        }
        return "applied"
    }

    // MARK: Helpers

    private func perform(_ target: String, _ body: JSONValue, for file: ConfigurationFile) async throws(ApplyFailure) -> JSONValue {
        do {
            return try await api.call(target, body)
        } catch {
            throw .actionFailed(file: file.name, target: target, failure: error)
        }
    }

    private func readText(_ file: ConfigurationFile) throws(ApplyFailure) -> String {
        guard let data = FileManager.default.contents(atPath: file.url.path), let text = String(data: data, encoding: .utf8) else {
            throw .invalidFile(message: "\(file.name): cannot read the file '\(file.url.path)'")
        }
        return text
    }

    private func readJSON(_ file: ConfigurationFile) throws(ApplyFailure) -> JSONValue {
        let text = try readText(file)
        do {
            return try JSONValue(parsing: text)
        } catch {
            throw .invalidFile(message: "\(file.name): \(error.message)")
        }
    }
}
