import Foundation
import JSON
import Logging
import StepEngine
import Synchronization
import TestSupport

// As in the engine's tests: the manual clock has the engine clock's methods.
extension ManualClock: @retroactive EngineClock {}

/// The engine the whole-engine and HTTP targets drive: one per process, on a scratch SQLite
/// file with a manual clock, opened afresh every `inputsPerDatabase` inputs (sooner when the
/// clock nears its end) so that the file stays small (and an input's effect on later ones
/// stays bounded).
///
/// The file is in /dev/shm when there is one (a `sync` costs nothing there: the fuzzer is not
/// testing durability), else in the temporary folder. The folder is removed at exit; one left
/// by a process that crashed is removed by the next that starts.
public final class FuzzEngine: Sendable {
    public static let shared = FuzzEngine()

    private struct Current {
        var engine: Engine
        var clock: ManualClock
        var folder: URL
        var inputs = 0
    }

    /// libFuzzer calls a target from one thread only; the lock makes that a fact, not a promise.
    private let current: Mutex<Current>
    private static let inputsPerDatabase = 500
    /// An input moves the clock on by up to 1.1 × 10⁸ s (3.5 years), and `ManualClock` counts
    /// nanoseconds in an Int64, which ends in 2262: past this (2128) a new engine and clock start.
    private static let latestStartSeconds: TimeInterval = 5_000_000_000

    public static let logger = Logger(label: "stepd.fuzz") { _ in DiscardingLogHandler() }
    /// The ARNs of the state machines every database starts with, for tasks to start.
    public static let child = "arn:aws:states:local:000000000000:stateMachine:child"
    public static let callback = "arn:aws:states:local:000000000000:stateMachine:callback"
    public static let failingCallback = "arn:aws:states:local:000000000000:stateMachine:failing-callback"
    /// The local table every database starts with, keyed by `Id` (a string).
    public static let table = "Items"

    private init() {
        // The engine's execution log lines use the process's logging system.
        LoggingSystem.bootstrap { _ in DiscardingLogHandler() }
        Self.removeFoldersOfEndedProcesses()
        let (engine, clock, folder) = Self.open()
        current = Mutex(Current(engine: engine, clock: clock, folder: folder))
    }

    /// Call at the start of each input: opens a new database when the current one has served
    /// its share. Returns the engine and the clock this input is to use.
    public func beginInput() -> (engine: Engine, clock: ManualClock) {
        let (retired, engine, clock): ((Engine, URL)?, Engine, ManualClock) = current.withLock { current in
            current.inputs += 1
            let clockHasRoom = current.clock.now().timeIntervalSince1970 < Self.latestStartSeconds
            guard current.inputs > Self.inputsPerDatabase || !clockHasRoom else { return (nil, current.engine, current.clock) }
            let retired = (current.engine, current.folder)
            let (engine, clock, folder) = Self.open()
            current = Current(engine: engine, clock: clock, folder: folder, inputs: 1)
            return (retired, engine, clock)
        }
        if let (oldEngine, oldFolder) = retired {
            blocking { await oldEngine.shutdown() }
            try? FileManager.default.removeItem(at: oldFolder)
        }
        return (engine, clock)
    }

    private static let base =
        FileManager.default.isWritableFile(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory

    /// `stepd-fuzz-<pid>-...` folders whose process is gone.
    private static func removeFoldersOfEndedProcesses() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []
        for name in names where name.hasPrefix("stepd-fuzz-") {
            guard let pid = name.split(separator: "-").dropFirst(2).first.flatMap({ pid_t($0) }),
                kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            try? FileManager.default.removeItem(at: base.appendingPathComponent(name))
        }
    }

    private static func open() -> (Engine, ManualClock, URL) {
        let clock = ManualClock()
        do {
            // Removed at exit (`ScratchFolder`); the pid in the name lets a later process remove
            // the folder of one that crashed.
            let folder = URL(fileURLWithPath: try ScratchFolder.make("stepd-fuzz-\(getpid())", under: base.path))
            // A bucket for distributed Maps' readers and writers: a JSON and a JSON Lines object.
            let bucket = folder.appendingPathComponent("buckets/fuzz")
            try FileManager.default.createDirectory(at: bucket, withIntermediateDirectories: true)
            try Data(#"[1, {"id": "x"}, [2], "s"]"#.utf8).write(to: bucket.appendingPathComponent("items.json"))
            try Data("{\"id\": 1}\n{\"id\": \"bad\"}\n3\n".utf8).write(to: bucket.appendingPathComponent("items.jsonl"))
            let engine = try Engine(
                databasePath: folder.appendingPathComponent("db.sqlite").path, logger: logger, clock: clock,
                buckets: BucketFolder(root: folder.appendingPathComponent("buckets").path))
            try blocking { try await prepare(engine) }
            return (engine, clock, folder)
        } catch {
            fatalError("the fuzz engine cannot open in \(base.path): \(error)")
        }
    }

    /// What every database holds before the first input: a table and the state machines tasks start.
    private static func prepare(_ engine: Engine) async throws {
        _ = try await engine.createTable(
            CreateTableRequest(
                ["TableName": .string(table), "KeySchema": [["AttributeName": "Id", "KeyType": "HASH"]],
                 "AttributeDefinitions": [["AttributeName": "Id", "AttributeType": "S"]]]))
        let machines: [(String, JSONValue)] = [
            ("child", ["StartAt": "P", "States": ["P": ["Type": "Pass", "End": true]]]),
            ("callback", callbackDefinition("sendTaskSuccess", ["Output": ["called": true]])),
            ("failing-callback", callbackDefinition("sendTaskFailure", ["Error": "Callback.Failed", "Cause": "as asked"])),
        ]
        for (name, definition) in machines {
            _ = try await engine.createStateMachine(name: name, definition: definition.serialized(), roleArn: nil, type: nil)
        }
    }

    /// A state machine that answers the task token in its input's `token`.
    private static func callbackDefinition(_ action: String, _ parameters: [String: JSONValue]) -> JSONValue {
        var parameters = parameters
        parameters["TaskToken.$"] = "$.token"
        return [
            "StartAt": "Answer",
            "States": ["Answer": ["Type": "Task", "Resource": .string("arn:aws:states:::aws-sdk:sfn:\(action)"), "Parameters": .object(parameters), "End": true]],
        ]
    }
}

/// Runs `body` to its end and returns what it returns: libFuzzer calls a target on its own
/// thread and waits for it, while the engine's API is async.
public func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let result = Mutex<Result<T, any Error>?>(nil)
    Task {
        let outcome: Result<T, any Error>
        do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
        result.withLock { $0 = outcome }
        done.signal()
    }
    done.wait()
    return try result.withLock { $0! }.get()
}

public func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    // The closure cannot throw: neither can this.
    try! blocking { () async throws -> T in await body() }
}

/// Builds every log line, message and metadata, as a real handler would, and drops it: the
/// code that describes executions runs, and the fuzzer's output stays its own.
struct DiscardingLogHandler: LogHandler {
    var logLevel = Logger.Level.trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        _ = "\(event.message) \(event.metadata ?? [:])"
    }
}
