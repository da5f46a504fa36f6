import Foundation
import JSON
import StepAPI
import StepConfiguration
import Synchronization
import Testing

/// An API that records the calls and answers from a script: the folder logic without a daemon.
final class ScriptedAPI: APICaller {
    private let calls = Mutex<[(String, JSONValue)]>([])
    private let answer: @Sendable (String, JSONValue) -> Result<JSONValue, APICallFailure>

    init(_ answer: @escaping @Sendable (String, JSONValue) -> Result<JSONValue, APICallFailure> = { _, _ in .success([:]) }) {
        self.answer = answer
    }

    var recorded: [(String, JSONValue)] { calls.withLock { $0 } }

    func call(_ target: String, _ body: JSONValue) async throws(APICallFailure) -> JSONValue {
        calls.withLock { $0.append((target, body)) }
        return try answer(target, body).get()
    }
}

/// A temporary folder holding the given files, removed afterwards.
func withFolder<T>(_ files: [String: String], _ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("stepd-conf-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    for (name, contents) in files {
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path + "/" + name))
    }
    return try await body(path)
}

@Suite("ConfigurationFolder: applying a folder of definitions")
struct ConfigurationFolderTests {
    static let passDefinition = #"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#

    @Test("files come tables, jobs, state machines, rules, each kind by name; other files are ignored")
    func order() async throws {
        try await withFolder([
            "b.rule.json": "{}", "a.rule.json": "{}", "z.asl.json": "{}", "m.asl.json": "{}",
            "t.table.json": "{}", "j.job.json": "{}", "README.md": "", "x.json": "{}",
        ]) { path in
            let files = try ConfigurationFolder(path: path, api: ScriptedAPI()).files()
            #expect(files.map(\.name) == ["t.table.json", "j.job.json", "m.asl.json", "z.asl.json", "a.rule.json", "b.rule.json"])
            #expect(files.first { $0.kind == .stateMachine }?.stem == "m")
        }
    }

    @Test("a missing folder throws")
    func missingFolder() throws {
        #expect(throws: (any Error).self) { try ConfigurationFolder(path: "/nonexistent/stepd-conf", api: ScriptedAPI()).files() }
    }

    @Test("a state machine is created, left unchanged when its definition is the file's, updated otherwise")
    func stateMachineOutcomes() async throws {
        try await withFolder(["hello.asl.json": Self.passDefinition]) { path in
            let missing = ScriptedAPI { target, _ in
                target.hasSuffix("DescribeStateMachine") ? .failure(.api(APIError("StateMachineDoesNotExist", "no"))) : .success([:])
            }
            let folder = ConfigurationFolder(path: path, api: missing)
            let file = try #require(try folder.files().first)
            #expect(try await folder.apply(file) == "created")
            #expect(missing.recorded.map(\.0) == ["AWSStepFunctions.DescribeStateMachine", "AWSStepFunctions.CreateStateMachine"])
            #expect(missing.recorded.last?.1["name"] == "hello")

            let same = ScriptedAPI { _, _ in .success(["definition": .string(Self.passDefinition)]) }
            #expect(try await ConfigurationFolder(path: path, api: same).apply(file) == "unchanged")
            #expect(same.recorded.count == 1)

            let different = ScriptedAPI { _, _ in .success(["definition": "{}"]) }
            #expect(try await ConfigurationFolder(path: path, api: different).apply(file) == "updated")
            #expect(different.recorded.last?.0 == "AWSStepFunctions.UpdateStateMachine")
        }
    }

    @Test("a job's relative working directory and command path are taken from the folder")
    func jobPaths() async throws {
        try await withFolder([
            "a.job.json": #"{"Name": "a", "Command": ["bin/run", "x"], "WorkingDirectory": "work"}"#,
            "b.job.json": #"{"Name": "b", "Command": ["sh", "-c", "true"]}"#,
        ]) { path in
            let api = ScriptedAPI()
            let folder = ConfigurationFolder(path: path, api: api)
            for file in try folder.files() { #expect(try await folder.apply(file) == "applied") }
            let root = URL(fileURLWithPath: path).standardizedFileURL.path
            let bodies = api.recorded.map(\.1)
            #expect(bodies[0]["Command"] == [.string(root + "/bin/run"), "x"])
            #expect(bodies[0]["WorkingDirectory"] == .string(root + "/work"))
            #expect(bodies[1]["Command"] == ["sh", "-c", "true"])
            #expect(bodies[1]["WorkingDirectory"] == .string(root))
        }
    }

    @Test("a rule's pattern object is sent as text and its targets with PutTargets; refused targets fail the file")
    func rules() async throws {
        try await withFolder([
            "r.rule.json": #"{"Name": "r", "EventPattern": {"source": ["x"]}, "Targets": [{"Id": "1", "Arn": "main"}]}"#,
        ]) { path in
            let api = ScriptedAPI { target, _ in
                target == "AWSEvents.PutTargets"
                    ? .success(["FailedEntryCount": 1, "FailedEntries": [["TargetId": "1"]]]) : .success([:])
            }
            let folder = ConfigurationFolder(path: path, api: api)
            let file = try #require(try folder.files().first)
            await #expect {
                try await folder.apply(file)
            } throws: { error in
                guard case .targetsRefused(let name, let count, _) = error as? ApplyFailure else { return false }
                return name == "r.rule.json" && count == 1
            }
            #expect(api.recorded.first?.1["EventPattern"] == .string(#"{"source":["x"]}"#))
            #expect(api.recorded.last?.1["Rule"] == "r")
        }
    }

    @Test("a file that is not JSON names itself and the parse error; nothing is called")
    func invalidJSON() async throws {
        try await withFolder(["bad.rule.json": "{not json"]) { path in
            let api = ScriptedAPI()
            let folder = ConfigurationFolder(path: path, api: api)
            let file = try #require(try folder.files().first)
            await #expect {
                try await folder.apply(file)
            } throws: { error in
                guard case .invalidFile(let message) = error as? ApplyFailure else { return false }
                return message.hasPrefix("bad.rule.json: ")
            }
            #expect(api.recorded.isEmpty)
        }
    }

    @Test("an existing table is reported unchanged; another refusal fails the file with the API's words")
    func tables() async throws {
        try await withFolder(["T.table.json": #"{"TableName": "T"}"#]) { path in
            let exists = ScriptedAPI { _, _ in .failure(.api(APIError("ResourceInUseException", "Table already exists: T"))) }
            let folder = ConfigurationFolder(path: path, api: exists)
            let file = try #require(try folder.files().first)
            #expect(try await folder.apply(file) == "unchanged (exists)")

            let refused = ScriptedAPI { _, _ in .failure(.api(APIError("ValidationException", "no key schema"))) }
            await #expect {
                try await ConfigurationFolder(path: path, api: refused).apply(file)
            } throws: { error in
                (error as? ApplyFailure)?.description == "T.table.json: ValidationException: no key schema"
            }
        }
    }
}
