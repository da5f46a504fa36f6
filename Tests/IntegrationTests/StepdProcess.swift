import Foundation
import JSON
import StepClient
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

// The harness: the real `stepd` on a real Unix socket in a temporary folder, with a real
// SQLite file and real inotify, driven by the real client and the real `stepctl`.
// Every wait is on the event expected (a log line, a process exit, an answer, an inotify
// event) and bounded; nothing sleeps and hopes.

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: - Locations

enum Locations {
    /// The package root, from this file's path (Tests/IntegrationTests/StepdProcess.swift).
    static let repositoryRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The folder with the built `stepd` and `stepctl`: `$STEPD_BIN_DIR`; next to the test
    /// executable (`/proc/self/exe`: SwiftPM puts the test bundle and the products in one
    /// build folder, whatever the triple or configuration); `.build/debug/` of the package.
    static func binaryDirectory() throws -> String {
        let fileManager = FileManager.default
        var candidates: [String] = []
        if let directory = ProcessInfo.processInfo.environment["STEPD_BIN_DIR"], !directory.isEmpty {
            candidates.append(directory)
        }
        if let executable = try? fileManager.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: executable).deletingLastPathComponent().path)
        }
        candidates.append(repositoryRoot + "/.build/debug")
        guard let found = candidates.first(where: {
            fileManager.isExecutableFile(atPath: $0 + "/stepd") && fileManager.isExecutableFile(atPath: $0 + "/stepctl")
        }) else {
            throw HarnessError("stepd and stepctl are not built; looked in \(candidates); run swift build --build-tests")
        }
        return found
    }
}

// MARK: - Waiting on a value, bounded

/// A value that changes, and tasks that wait (bounded) until it satisfies a condition.
final class Observed<Value: Sendable>: Sendable {
    private struct Waiter {
        let predicate: @Sendable (Value) -> Bool
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var value: Value
        var waiters: [UInt64: Waiter] = [:]
        var cancelled: Set<UInt64> = []
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>

    init(_ value: Value) { state = Mutex(State(value: value)) }

    var value: Value { state.withLock { $0.value } }

    func update(_ change: (inout Value) -> Void) {
        let ready: [CheckedContinuation<Bool, Never>] = state.withLock { state in
            change(&state.value)
            var ready: [CheckedContinuation<Bool, Never>] = []
            for (id, waiter) in state.waiters where waiter.predicate(state.value) {
                ready.append(waiter.continuation)
                state.waiters[id] = nil
            }
            return ready
        }
        for continuation in ready { continuation.resume(returning: true) }
    }

    /// Waits until `predicate` holds, at most `seconds`; tells whether it held.
    func wait(seconds: Double, until predicate: @escaping @Sendable (Value) -> Bool) async -> Bool {
        (try? await bounded(seconds: seconds, "a condition") { await self.waitUnbounded(predicate) }) ?? false
    }

    private func waitUnbounded(_ predicate: @escaping @Sendable (Value) -> Bool) async -> Bool {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate: Bool? = state.withLock { state in
                    if predicate(state.value) { return true }
                    if state.cancelled.remove(id) != nil { return false }
                    state.waiters[id] = Waiter(predicate: predicate, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                state.cancelled.insert(id)
                return nil
            }
            waiter?.continuation.resume(returning: false)
        }
    }
}

// MARK: - Child processes

/// A child process whose output is collected as it arrives and whose exit is observed.
final class ChildProcess: @unchecked Sendable {
    struct Observation: Sendable {
        var output = ""
        var exitStatus: Int32?
        var exited: Bool { exitStatus != nil }
    }

    private let process: Process
    let observed = Observed(Observation())

    /// Starts `executable`; stdout and stderr go to one pipe read as data arrives.
    init(executable: String, arguments: [String], environment: [String: String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let observed = self.observed
        // A blocking read on a thread of its own, not `readabilityHandler`: tearing down the
        // dispatch read sources of many pipes at once can crash libdispatch's event loop on
        // Linux (swift-corelibs-libdispatch#949).
        let reading = pipe.fileHandleForReading
        let reader = Thread {
            while true {
                let data = reading.availableData
                if data.isEmpty { break }
                observed.update { $0.output += String(decoding: data, as: UTF8.self) }
            }
            try? reading.close()
        }
        reader.start()
        process.terminationHandler = { process in
            let status = process.terminationStatus
            observed.update { $0.exitStatus = status }
        }
        try process.run()
        // The parent's copy of the write end: closed, so the pipe ends when the child's does.
        try? pipe.fileHandleForWriting.close()
    }

    var pid: Int32 { process.processIdentifier }
    var output: String { observed.value.output }

    func signal(_ number: Int32) {
        if !observed.value.exited { kill(process.processIdentifier, number) }
    }

    /// Waits for the exit, at most `seconds`; tells whether it came.
    func waitForExit(seconds: Double) async -> Bool {
        await observed.wait(seconds: seconds) { $0.exited }
    }
}

// MARK: - stepd

/// One private stepd: `/tmp/stepd-it-XXXXXX/{state/, s.sock}`, started, killed, restarted on
/// the same state folder, stopped and removed.
final class StepdProcess: @unchecked Sendable {
    let root: String
    let binaryDirectory: String
    var stateDirectory: String { root + "/state" }
    var socketPath: String { root + "/s.sock" }
    var spool: String { stateDirectory + "/events" }
    let client: StepClient

    private struct Runs {
        var current: ChildProcess?
        var earlierLogs: [String] = []
        /// Processes (job process groups) to kill at the end.
        var pidsToKill: Set<Int32> = []
    }

    private let runs = Mutex(Runs())

    /// Given to every run of stepd, after the state folder and socket.
    let extraArguments: [String]
    /// Changes to the environment every run of stepd inherits from the tests (nil: removed).
    let environmentChanges: [String: String?]

    private init(root: String, binaryDirectory: String, extraArguments: [String], environmentChanges: [String: String?]) {
        self.root = root
        self.binaryDirectory = binaryDirectory
        self.extraArguments = extraArguments
        self.environmentChanges = environmentChanges
        client = StepClient(socketPath: root + "/s.sock")
    }

    /// Creates the temporary folder and starts stepd in it; `prepare` gets the folder first.
    static func start(
        extraArguments: [String] = [], environmentChanges: [String: String?] = [:], prepare: (String) throws -> Void = { _ in }
    ) async throws -> StepdProcess {
        let binaryDirectory = try Locations.binaryDirectory()
        var template = Array("/tmp/stepd-it-XXXXXX".utf8CString)
        let root: String = try template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else {
                throw HarnessError("mkdtemp failed: \(String(cString: strerror(errno)))")
            }
            return String(cString: base)
        }
        let stepd = StepdProcess(
            root: root, binaryDirectory: binaryDirectory, extraArguments: extraArguments, environmentChanges: environmentChanges)
        do {
            try prepare(root)
            try await stepd.launch()
        } catch {
            await stepd.shutdown()
            throw error
        }
        return stepd
    }

    /// The running stepd's process id.
    var pid: Int32? { runs.withLock { $0.current?.pid } }

    /// Everything stepd logged, over all its runs.
    var log: String {
        runs.withLock { runs in
            (runs.earlierLogs + [runs.current?.output ?? ""]).joined(separator: "\n----- stepd restarted -----\n")
        }
    }

    /// Starts stepd on the state folder and waits (at most 30 s) for its ` ready` line.
    ///
    /// stepd inherits the tests' environment: `STEPD_PLAIN=1 swift test` runs it plainly.
    /// `adding`: variables for this run only, on top of `environmentChanges`.
    func launch(adding: [String: String] = [:]) async throws {
        let child = try startChild(adding: adding)
        let settled = await child.observed.wait(seconds: 30) { $0.output.contains(" ready") || $0.exited }
        let observation = child.observed.value
        guard settled, observation.output.contains(" ready") else {
            let why = observation.exited ? "stepd exited (status \(observation.exitStatus ?? -1))" : "stepd was not ready within 30 s"
            throw HarnessError("\(why); its log:\n\(log)")
        }
    }

    /// Starts stepd with `adding` in its environment and waits (at most `seconds`) for it to
    /// die on its own (ready or not, as a crash may come before or after); returns its exit
    /// status, as `Process` tells it (the signal's number for a signal).
    func launchUntilItDies(adding: [String: String], seconds: Double = 30) async throws -> Int32 {
        let child = try startChild(adding: adding)
        guard await child.waitForExit(seconds: seconds) else {
            throw HarnessError("stepd was still running \(seconds) s after its start; its log:\n\(log)")
        }
        return child.observed.value.exitStatus ?? -1
    }

    private func startChild(adding: [String: String]) throws -> ChildProcess {
        var environment = ProcessInfo.processInfo.environment
        environment["STEPD_SOCKET"] = nil
        environment["NOTIFY_SOCKET"] = nil
        environment["LISTEN_FDS"] = nil
        environment["LISTEN_PID"] = nil
        for (name, value) in environmentChanges { environment[name] = value }
        for (name, value) in adding { environment[name] = value }
        let child = try ChildProcess(
            executable: binaryDirectory + "/stepd",
            // A configuration folder of its own (none): as root the default is /etc/stepd.
            arguments: ["--state-dir", stateDirectory, "--socket", socketPath, "--config", root + "/no-config"] + extraArguments,
            environment: environment)
        runs.withLock { runs in
            if let previous = runs.current { runs.earlierLogs.append(previous.output) }
            runs.current = child
        }
        return child
    }

    /// Waits (at most `seconds`) until stepd's current run has logged a line holding every one
    /// of `parts`.
    func waitForLogLine(containing parts: [String], seconds: Double = 30) async throws {
        guard let child = runs.withLock({ $0.current }) else { throw HarnessError("stepd is not running") }
        let found = await child.observed.wait(seconds: seconds) { observation in
            observation.output.split(separator: "\n").contains { line in parts.allSatisfy { line.contains($0) } }
        }
        guard found else { throw HarnessError("stepd logged no line with \(parts) within \(seconds) s; its log:\n\(log)") }
    }

    /// `kill -9` stepd and wait for it to be gone.
    func kill9() async throws {
        guard let child = runs.withLock({ $0.current }) else { return }
        child.signal(SIGKILL)
        guard await child.waitForExit(seconds: 10) else { throw HarnessError("stepd did not die of SIGKILL within 10 s") }
    }

    /// SIGTERM, and wait (bounded) for stepd to end; tells its exit status.
    @discardableResult
    func terminate() async throws -> Int32? {
        guard let child = runs.withLock({ $0.current }) else { return nil }
        child.signal(SIGTERM)
        guard await child.waitForExit(seconds: 15) else {
            child.signal(SIGKILL)
            _ = await child.waitForExit(seconds: 10)
            throw HarnessError("stepd did not stop within 15 s of SIGTERM; its log:\n\(log)")
        }
        return child.observed.value.exitStatus
    }

    /// Kill `pid`'s process group (a job) at the end of the test.
    func killAtEnd(_ pid: Int32) {
        _ = runs.withLock { $0.pidsToKill.insert(pid) }
    }

    /// Stops stepd, kills registered jobs, removes the folder.
    func shutdown() async {
        _ = try? await terminate()
        for pid in runs.withLock({ $0.pidsToKill }) where pid > 1 {
            if kill(-pid, SIGKILL) != 0 { kill(pid, SIGKILL) }
        }
        if ProcessInfo.processInfo.environment["STEPD_IT_LOG"] != nil {
            print("stepd log for \(root):\n\(log)")
        }
        try? FileManager.default.removeItem(atPath: root)
    }

    // MARK: API

    /// One API call, bounded (60 s).
    func call(_ target: String, _ body: JSONValue, seconds: Double = 60) async throws -> JSONValue {
        let client = self.client
        return try await bounded(seconds: seconds, target) { try await client.call(target, body) }
    }

    /// One API call expected to fail with an API error; returns it.
    func callFailing(_ target: String, _ body: JSONValue) async throws -> StepClientError {
        let client = self.client
        return try await bounded(seconds: 60, target) {
            do {
                let answer = try await client.call(target, body)
                throw HarnessError("\(target) succeeded (\(answer.serialized())) where an error was expected")
            } catch let error as StepClientError {
                return error
            }
        }
    }

    // MARK: stepctl

    struct CLIResult: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        var json: JSONValue? { try? JSONValue(parsing: stdout) }
    }

    /// Runs `stepctl` with `STEPD_SOCKET` set to this daemon's socket; bounded (60 s).
    /// `asUser`: run as that user (`runuser -u USER --`), as root may.
    func stepctl(_ arguments: [String], asUser user: String? = nil) async throws -> CLIResult {
        var environment = ProcessInfo.processInfo.environment
        environment["STEPD_SOCKET"] = socketPath
        let name = UUID().uuidString
        let stdoutPath = root + "/stepctl-\(name).out", stderrPath = root + "/stepctl-\(name).err"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let process = Process()
        if let user {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", user, "--", binaryDirectory + "/stepctl"] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: binaryDirectory + "/stepctl")
            process.arguments = arguments
        }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        let exit = Observed<Int32?>(nil)
        process.terminationHandler = { process in
            let status = process.terminationStatus
            exit.update { $0 = status }
        }
        try process.run()
        guard await exit.wait(seconds: 60, until: { $0 != nil }), let status = exit.value else {
            process.terminate()
            throw HarnessError("stepctl \(arguments) did not end within 60 s")
        }
        return CLIResult(
            status: status,
            stdout: try String(contentsOfFile: stdoutPath, encoding: .utf8),
            stderr: try String(contentsOfFile: stderrPath, encoding: .utf8))
    }

    // MARK: The async-job example

    /// Copies examples/async-job into the temporary folder (so its job writes there) and
    /// applies the copy with `stepctl apply -f`; returns the copy's path.
    @discardableResult
    func applyExample(prepare: (String) throws -> Void = { _ in }) async throws -> String {
        let copy = root + "/async-job"
        try FileManager.default.copyItem(atPath: Locations.repositoryRoot + "/examples/async-job", toPath: copy)
        try? FileManager.default.removeItem(atPath: copy + "/output")
        try prepare(copy)
        let result = try await stepctl(["apply", "-f", copy])
        guard result.status == 0 else {
            throw HarnessError("stepctl apply failed (\(result.status)): \(result.stderr)\n\(result.stdout)")
        }
        return copy
    }

    /// Replaces the example's job definition.
    func putJob(_ command: [String], environment: [String: String] = [:], timeoutSeconds: Int = 3600) async throws {
        _ = try await call("Stepd.PutJobDefinition", [
            "Name": "example-flow",
            "Command": .array(command.map { .string($0) }),
            "Environment": .object(environment.mapValues { .string($0) }),
            "TimeoutSeconds": .number(Double(timeoutSeconds)),
        ])
    }

    /// Starts an execution; returns its ARN.
    /// Creates local table `name`, keyed by the string attribute `Id` (where tests keep task tokens).
    func createTable(_ name: String) async throws {
        _ = try await call("DynamoDB_20120810.CreateTable", [
            "TableName": .string(name), "KeySchema": [["AttributeName": "Id", "KeyType": "HASH"]],
            "AttributeDefinitions": [["AttributeName": "Id", "AttributeType": "S"]],
        ])
    }

    func startExecution(_ stateMachine: String, input: String = "{}", name: String? = nil) async throws -> String {
        var body: [String: JSONValue] = ["stateMachineArn": .string(stateMachine), "input": .string(input)]
        if let name { body["name"] = .string(name) }
        let answer = try await call("AWSStepFunctions.StartExecution", .object(body))
        guard let arn = answer["executionArn"]?.stringValue else {
            throw HarnessError("StartExecution answered without executionArn: \(answer.serialized())")
        }
        return arn
    }

    /// `Stepd.WaitForExecution`: DescribeExecution once the execution has ended (bounded).
    func waitForExecution(_ arn: String, seconds: Double = 60) async throws -> JSONValue {
        try await call("Stepd.WaitForExecution", ["executionArn": .string(arn)], seconds: seconds)
    }

    func describeExecution(_ arn: String) async throws -> JSONValue {
        try await call("AWSStepFunctions.DescribeExecution", ["executionArn": .string(arn)])
    }

    func executions(of stateMachine: String) async throws -> [JSONValue] {
        let answer = try await call("AWSStepFunctions.ListExecutions", ["stateMachineArn": .string(stateMachine)])
        return answer["executions"]?.arrayValue ?? []
    }

    /// Writes an event file into `events/new/` as a Maildir writer does: tmp/, then rename.
    func dropEvent(_ text: String, name: String = UUID().uuidString + ".json") throws {
        try Spool.drop(text, name: name, into: spool)
    }

    /// The AppFlow run report the example job writes, for job `jobId`.
    static func report(jobId: String, status: String) -> String {
        let event: JSONValue = [
            "version": "0", "id": .string(UUID().uuidString.lowercased()),
            "detail-type": "AppFlow End Flow Run Report", "source": "aws.appflow",
            "account": "000000000000", "time": "2026-01-01T00:00:00Z", "region": "local", "resources": [],
            "detail": ["flow-name": "example-flow", "execution-id": .string(jobId), "status": .string(status)],
        ]
        return event.serialized()
    }
}

/// Starts a private stepd, runs `body` with it, and always stops it and removes its folder.
/// A thrown error carries stepd's log.
func withStepd<T>(
    mode: StepdMode = .asBuilt, extraArguments: [String] = [], environmentChanges: [String: String?] = [:],
    prepare: (String) throws -> Void = { _ in }, _ body: (StepdProcess) async throws -> T
) async throws -> T {
    var environmentChanges = environmentChanges
    if mode == .plain { environmentChanges["STEPD_PLAIN"] = "1" }
    let stepd = try await StepdProcess.start(extraArguments: extraArguments, environmentChanges: environmentChanges, prepare: prepare)
    do {
        let result = try await body(stepd)
        await stepd.shutdown()
        return result
    } catch {
        let log = stepd.log
        await stepd.shutdown()
        throw HarnessError("\(error)\n--- stepd log ---\n\(log)")
    }
}

/// How the tests run stepd: with its speed machinery as built, or plainly (`STEPD_PLAIN=1`),
/// so that the plain paths stay tested. The tests that kill and restart stepd run both.
enum StepdMode: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case asBuilt
    case plain

    var testDescription: String { rawValue }
}

// MARK: - Files

enum Spool {
    static func drop(_ text: String, name: String, into spool: String) throws {
        let temporary = spool + "/tmp/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, spool + "/new/" + name) == 0 else {
            throw HarnessError("rename into new/ failed: \(String(cString: strerror(errno)))")
        }
    }

    static func names(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }
}

/// Waits until `condition` holds for a folder, re-checking it on each inotify event in the
/// folder (create, write, rename, delete); at most `seconds`. Throws when it never held.
func waitForDirectory(
    _ path: String, seconds: Double, _ what: String, until condition: @escaping @Sendable () -> Bool
) async throws {
    let held: Bool = try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
            guard fd >= 0 else {
                continuation.resume(throwing: HarnessError("inotify_init1: \(String(cString: strerror(errno)))"))
                return
            }
            defer { close(fd) }
            let mask = UInt32(IN_CREATE) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_MOVED_FROM)
                | UInt32(IN_DELETE) | UInt32(IN_MODIFY)
            guard inotify_add_watch(fd, path, mask) >= 0 else {
                continuation.resume(throwing: HarnessError("inotify_add_watch \(path): \(String(cString: strerror(errno)))"))
                return
            }
            let deadline = ContinuousClock.now + .seconds(seconds)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                if condition() {
                    continuation.resume(returning: true)
                    return
                }
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else {
                    continuation.resume(returning: false)
                    return
                }
                let milliseconds = Int32(max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                _ = poll(&descriptor, 1, milliseconds)
                while read(fd, &buffer, buffer.count) > 0 {}
            }
        }
    }
    guard held else { throw HarnessError("gave up after \(seconds) s waiting in \(path) for \(what); it holds \(Spool.names(in: path))") }
}

// MARK: - Raw HTTP over the socket

struct RawResponse: Sendable {
    var status: Int
    var headers: [String: String]
    var body: String
    var json: JSONValue? { try? JSONValue(parsing: body) }
}

/// Sends `request` (bytes as given) to the Unix socket and reads the answer until the server
/// closes the connection (the request should say `Connection: close`); bounded by a 10 s
/// receive timeout.
func rawHTTP(socketPath: String, request: String) async throws -> RawResponse {
    let connection = try await UnixSocket.connect(to: socketPath)
    try await connection.send(request)
    let (text, _) = try await connection.receive()
    guard let split = text.range(of: "\r\n\r\n") else { throw HarnessError("no HTTP head in the answer: \(text)") }
    let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
    let statusParts = lines.first?.split(separator: " ") ?? []
    guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw HarnessError("bad status line: \(lines.first ?? "")") }
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return RawResponse(status: status, headers: headers, body: String(text[split.upperBound...]))
}

/// A POST / with the given target (nil: no X-Amz-Target header) and body.
func rawRequest(target: String?, body: String, contentType: String = "application/x-amz-json-1.0") -> String {
    var head = "POST / HTTP/1.1\r\nHost: stepd\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n"
    if let target { head += "X-Amz-Target: \(target)\r\n" }
    return head + "\r\n" + body
}
