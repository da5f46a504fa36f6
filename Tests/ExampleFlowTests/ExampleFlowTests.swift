import Foundation
import JSON
import TestSupport
import Testing

/// Runs the built `stepd-example-flow` binary, as stepd runs it: arguments, environment, exit
/// status, files.
///
/// The binary is found, in order: `$STEPD_EXAMPLE_FLOW`; next to the test executable
/// (`/proc/self/exe`: SwiftPM puts `stepdPackageTests.xctest` and the products in the same
/// build directory, whatever the triple or configuration); `.build/debug/` of the package
/// (from `#filePath`). `swift build --build-tests` builds it along with the tests.
private func exampleFlowBinary() throws -> String {
    let fileManager = FileManager.default
    if let path = ProcessInfo.processInfo.environment["STEPD_EXAMPLE_FLOW"], fileManager.isExecutableFile(atPath: path) {
        return path
    }
    var candidates: [String] = []
    if let executable = try? fileManager.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        candidates.append(URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("stepd-example-flow").path)
    }
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(packageRoot.appendingPathComponent(".build/debug/stepd-example-flow").path)
    guard let found = candidates.first(where: { fileManager.isExecutableFile(atPath: $0) }) else {
        throw BinaryNotFound(candidates: candidates)
    }
    return found
}

private struct BinaryNotFound: Error, CustomStringConvertible {
    var candidates: [String]
    var description: String { "stepd-example-flow not built; looked at \(candidates); run swift build --build-tests" }
}

private struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// A scratch layout: input/, output/, events/{tmp,new}.
private struct Scratch {
    let root: String
    var input: String { root + "/input" }
    var output: String { root + "/output" }
    var events: String { root + "/events" }

    init() throws {
        root = try ScratchFolder.make("example-flow-tests")
        for directory in ["/input", "/events/tmp", "/events/new"] {
            try FileManager.default.createDirectory(atPath: root + directory, withIntermediateDirectories: true)
        }
    }

    func writeInput(_ name: String, _ text: String) throws {
        try text.write(toFile: input + "/" + name, atomically: false, encoding: .utf8)
    }

    func files(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    /// The one event in new/.
    func event() throws -> JSONValue {
        let names = try files(in: events + "/new")
        try #require(names.count == 1, "expected one event file in new/, found \(names)")
        return try JSONValue(parsing: Data(contentsOf: URL(fileURLWithPath: events + "/new/" + names[0])))
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// Runs the binary to completion. Output goes to files (no pipe to drain) and the exit is
/// awaited through `terminationHandler`, bounded.
private func runFlow(_ arguments: [String], environment: [String: String], in scratch: Scratch) async throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try exampleFlowBinary())
    process.arguments = arguments
    var fullEnvironment = ProcessInfo.processInfo.environment
    for key in ["STEPD_JOB_ID", "STEPD_JOB_NAME", "STEPD_EVENTS_DIR"] { fullEnvironment[key] = nil }
    fullEnvironment.merge(environment) { _, new in new }
    process.environment = fullEnvironment
    let stdoutPath = scratch.root + "/stdout", stderrPath = scratch.root + "/stderr"
    _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
    _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
    let (ended, continuation) = AsyncStream.makeStream(of: Int32.self)
    process.terminationHandler = { continuation.yield($0.terminationStatus) }
    try process.run()
    let status: Int32
    do {
        let first = try await bounded(seconds: 30, "stepd-example-flow's end") { () async -> Int32? in
            for await status in ended { return status }
            return nil
        }
        guard let first else { throw FlowDidNotEnd() }
        status = first
    } catch {
        process.terminate()
        throw error
    }
    return Run(
        status: status,
        stdout: try String(contentsOfFile: stdoutPath, encoding: .utf8),
        stderr: try String(contentsOfFile: stderrPath, encoding: .utf8))
}

private struct FlowDidNotEnd: Error {}

@Suite("stepd-example-flow")
struct ExampleFlowTests {
    @Test("maps hello, writes the output file and reports success into the spool")
    func success() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.writeInput("record.json", #"{"hello":"world","other":1}"#)
        let run = try await runFlow(
            ["--input", scratch.input, "--output", scratch.output, "--map", "hello=hello"],
            environment: ["STEPD_JOB_ID": "exec-123", "STEPD_JOB_NAME": "hello-flow", "STEPD_EVENTS_DIR": scratch.events],
            in: scratch)
        #expect(run.status == 0, "stderr: \(run.stderr)")

        let output = try JSONValue(parsing: Data(contentsOf: URL(fileURLWithPath: scratch.output + "/record.json")))
        #expect(output == ["hello": "world"])
        #expect(try scratch.files(in: scratch.output) == ["record.json"])

        let event = try scratch.event()
        #expect(event["version"] == "0")
        #expect(event["source"] == "aws.appflow")
        #expect(event["detail-type"] == "AppFlow End Flow Run Report")
        #expect(event["account"] == "000000000000")
        #expect(event["region"] == "local")
        #expect(event["resources"] == [])
        #expect(event["id"]?.stringValue.flatMap(UUID.init(uuidString:)) != nil)
        let detail = try #require(event["detail"])
        #expect(detail["status"] == "Execution Successful")
        #expect(detail["num-of-records-processed"] == "1")
        #expect(detail["execution-id"] == "exec-123")
        #expect(detail["flow-name"] == "hello-flow")
        #expect(detail["flow-arn"] == "arn:aws:appflow:local:000000000000:flow/hello-flow")
        #expect(detail["trigger-type"] == "ONDEMAND")
        #expect(detail["data-processed"] == .string(String(#"{"hello":"world","other":1}"#.utf8.count)))
        #expect(detail["error"] == nil)
        // AppFlow's time format, e.g. 2021-08-24T09:02:47.643Z[UTC].
        #expect(detail["start-time"]?.stringValue?.hasSuffix("Z[UTC]") == true)
        #expect(try scratch.files(in: scratch.events + "/tmp").isEmpty)
    }

    @Test("arrays keep their shape; a record without the source field gets no destination field")
    func arraysAndMissingFields() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.writeInput("a.json", #"[{"hello":1,"x":true},{"other":2}]"#)
        try scratch.writeInput("b.json", #"{"hello":null}"#)
        try scratch.writeInput("ignored.txt", "not json")
        let run = try await runFlow(
            ["--input", scratch.input, "--output", scratch.output, "--map", "hello=greeting", "--map", "x=y",
             "--flow-name", "named"],
            environment: ["STEPD_EVENTS_DIR": scratch.events, "STEPD_JOB_NAME": "ignored"],
            in: scratch)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(try JSONValue(parsing: Data(contentsOf: URL(fileURLWithPath: scratch.output + "/a.json")))
            == [["greeting": 1, "y": true], [:]])
        #expect(try JSONValue(parsing: Data(contentsOf: URL(fileURLWithPath: scratch.output + "/b.json")))
            == ["greeting": .null])
        let detail = try #require(try scratch.event()["detail"])
        #expect(detail["num-of-records-processed"] == "3")
        #expect(detail["flow-name"] == "named")
        // Without STEPD_JOB_ID the execution id is a fresh UUID.
        #expect(detail["execution-id"]?.stringValue.flatMap(UUID.init(uuidString:)) != nil)
    }

    @Test("a malformed input file fails the run: reported, named, non-zero exit, nothing written")
    func malformedInput() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.writeInput("a-good.json", #"{"hello":"world"}"#)
        try scratch.writeInput("b-bad.json", #"{"hello": "#)
        let run = try await runFlow(
            ["--input", scratch.input, "--output", scratch.output, "--map", "hello=hello"],
            environment: ["STEPD_JOB_ID": "exec-bad", "STEPD_EVENTS_DIR": scratch.events],
            in: scratch)
        #expect(run.status == 1)
        let detail = try #require(try scratch.event()["detail"])
        #expect(detail["status"] == "Execution Failed")
        #expect(detail["execution-id"] == "exec-bad")
        let error = try #require(detail["error"]?.stringValue)
        #expect(error.contains("b-bad.json"))
        #expect(error.contains("not valid JSON"))
        #expect(run.stderr.contains("b-bad.json"))
        #expect(!FileManager.default.fileExists(atPath: scratch.output + "/a-good.json"))
        #expect(try scratch.files(in: scratch.events + "/tmp").isEmpty)
    }

    @Test("input that is JSON but not objects fails naming the file and the reason", arguments: [
        (#"[{"hello":1}, 2]"#, "element 1 is a number, not an object"),
        (#""text""#, "the JSON value is a string, not an object or an array of objects"),
    ])
    func notObjects(text: String, reason: String) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.writeInput("records.json", text)
        let run = try await runFlow(
            ["--input", scratch.input, "--output", scratch.output, "--map", "hello=hello"],
            environment: ["STEPD_EVENTS_DIR": scratch.events], in: scratch)
        #expect(run.status == 1)
        let error = try #require(try scratch.event()["detail"]?["error"]?.stringValue)
        #expect(error.contains("records.json"))
        #expect(error.contains(reason))
    }

    @Test("a missing input directory fails the run and is reported")
    func missingInput() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let run = try await runFlow(
            ["--input", scratch.root + "/nowhere", "--output", scratch.output, "--map", "hello=hello"],
            environment: ["STEPD_EVENTS_DIR": scratch.events], in: scratch)
        #expect(run.status == 1)
        let detail = try #require(try scratch.event()["detail"])
        #expect(detail["status"] == "Execution Failed")
        #expect(detail["error"]?.stringValue?.contains("nowhere") == true)
    }

    @Test("without STEPD_EVENTS_DIR the event is printed to stdout")
    func eventOnStdout() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.writeInput("r.json", #"{"hello":"world"}"#)
        let run = try await runFlow(
            ["--input", scratch.input, "--output", scratch.output, "--map", "hello=hello"],
            environment: ["STEPD_JOB_ID": "exec-stdout"], in: scratch)
        #expect(run.status == 0)
        let event = try JSONValue(parsing: run.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(event["detail"]?["execution-id"] == "exec-stdout")
        #expect(event["detail"]?["flow-name"] == "example-flow")
        #expect(try scratch.files(in: scratch.events + "/new").isEmpty)
    }
}
