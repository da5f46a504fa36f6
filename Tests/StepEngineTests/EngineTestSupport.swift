import Foundation
import GRDB
import JSON
import Logging
import StepEngine
import StepStore
import TestSupport
import Testing

// Its methods are the protocol's: the test target, which knows both, says so.
extension ManualClock: EngineClock {}

/// An engine on a fresh SQLite file in its own temporary directory.
struct TestEngine {
    let engine: Engine
    /// The engine's database: a connection of its own for reads, the engine's for writes.
    let database: DatabasePool
    let directory: String
    let clock: any EngineClock
    var path: String { directory + "/db.sqlite" }
    /// The folder whose subfolders are the buckets Distributed Map states read and write.
    var bucketsRoot: String { directory + "/buckets" }

    static let logger = Logger(label: "stepd.tests")

    init(clock: any EngineClock = SystemClock(), logger: Logger = Self.logger, retention: Retention = .forever) throws {
        directory = try ScratchFolder.make("stepd-engine")
        self.clock = clock
        try FileManager.default.createDirectory(atPath: directory + "/buckets", withIntermediateDirectories: true)
        (engine, database) = try Self.openWithDatabase(
            path: directory + "/db.sqlite", clock: clock, logger: logger, retention: retention, buckets: BucketFolder(root: directory + "/buckets"))
    }

    /// Another engine on an existing database file (a restarted daemon).
    static func open(path: String, clock: any EngineClock = SystemClock()) throws -> Engine {
        try openWithDatabase(path: path, clock: clock).engine
    }

    /// `open`, with the engine's database (whose writer connection is the engine's).
    static func openWithDatabase(
        path: String, clock: any EngineClock = SystemClock(), logger: Logger = Self.logger, retention: Retention = .forever,
        buckets: BucketFolder? = nil
    ) throws -> (engine: Engine, database: DatabasePool) {
        let pool = try StepDatabase.open(path: path)
        return (Engine(database: pool, logger: logger, clock: clock, retention: retention, buckets: buckets), pool)
    }

    /// Moves the engine's manual clock on by `seconds` and returns once the engine has done
    /// what fell due: see `ManualClock.advance(by:settling:)`.
    func advance(by seconds: Double, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let manual = try #require(clock as? ManualClock, "advance(by:) needs an engine on a ManualClock", sourceLocation: sourceLocation)
        try await manual.advance(by: seconds, settling: engine)
    }

    @discardableResult
    func machine(_ name: String, _ definition: String) async throws -> String {
        try await engine.createStateMachine(name: name, definition: definition, roleArn: nil, type: nil).arn
    }

    func start(_ machine: String, input: JSONValue = [:], name: String? = nil) async throws -> String {
        try await engine.startExecution(stateMachine: machine, name: name, input: input.serialized(), startedByUid: nil).arn
    }

    /// Runs `machine` on `input` to its end and returns the description.
    func run(_ machine: String, input: JSONValue = [:]) async throws -> Execution {
        let arn = try await start(machine, input: input)
        return try await finish(arn)
    }

    func finish(_ arn: String) async throws -> Execution {
        Execution(arn: arn, description: try await engine.waitForExecution(arn: arn))
    }

    /// The execution's history, each event as one JSON object: `id`, `previousEventId`,
    /// `timestamp`, `type` and its details member, as GetExecutionHistory lists it.
    static func history(of arn: String, in engine: Engine) async throws -> [JSONValue] {
        let page = try await engine.getExecutionHistory(arn: arn, maxResults: 1000, reverseOrder: false, nextToken: nil)
        return page.items.map(\.json)
    }

    func history(_ arn: String) async throws -> [JSONValue] {
        try await Self.history(of: arn, in: engine)
    }

    func createTable(_ name: String, key: String = "Id") async throws {
        _ = try await engine.createTable(
            CreateTableRequest(
                ["TableName": .string(name), "KeySchema": [["AttributeName": .string(key), "KeyType": "HASH"]],
                 "AttributeDefinitions": [["AttributeName": .string(key), "AttributeType": "S"]]]))
    }

    /// The string attribute `attribute` of the item keyed `Id = id` in `table`.
    func itemString(_ table: String, id: String, attribute: String) async throws -> String? {
        let item = try await engine.getItem(TableItemRequest(["TableName": .string(table), "Key": ["Id": ["S": .string(id)]]], member: "Key"))
        return item?[attribute]?["S"]?.stringValue
    }
}

extension ManualClock {
    /// Once `engine` has done all it can at the current time (so that what it is to do later
    /// is set on the clock), moves on by `seconds`, and returns once the engine has done what
    /// fell due: the timers fired and the executions they woke ran as far as they could.
    func advance(by seconds: Double, settling engine: Engine) async throws {
        try await bounded(seconds: 10, "the engine settling before the clock moves") { await engine.waitUntilNothingIsDue() }
        advance(by: seconds)
        try await bounded(seconds: 10, "what fell due in \(seconds) s") { await engine.waitUntilNothingIsDue() }
    }
}

/// A finished execution's description, with its parts parsed.
struct Execution {
    let arn: String
    let description: ExecutionDescription
    var status: String? { description.status.rawValue }
    var error: String? { description.error }
    var cause: String? { description.cause }
    var output: JSONValue? { description.output.flatMap { try? JSONValue(parsing: $0) } }
    var duration: Double? { description.stopDate.map { $0 - description.startDate } }
}

extension HistoryEvent {
    /// The event as one JSON object, its details member beside `id`, `type` and the rest.
    var json: JSONValue {
        var members = details
        members["id"] = .number(Double(id))
        members["previousEventId"] = .number(Double(previousEventId))
        members["timestamp"] = .number(timestamp)
        members["type"] = .string(type)
        return .object(members)
    }
}

/// The error that `body` throws, or nil (recording an issue) when it throws nothing.
func engineError(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> (any Error)? {
    do {
        try await body()
        Issue.record("expected an error, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Whether `error` is an `E` that `matches` accepts (any `E` without it): for the cases whose
/// values a test does not know, such as a definition's validation message.
func isError<E: Error>(_ error: (any Error)?, _ type: E.Type, where matches: (E) -> Bool = { _ in true }) -> Bool {
    guard let typed = error as? E else { return false }
    return matches(typed)
}

extension JSONValue {
    /// A definition or document literal as JSON text.
    var text: String { serialized() }

    /// The element at `index` of an array; `nil` otherwise.
    subscript(index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
}

extension [JSONValue] {
    var types: [String] { compactMap { $0["type"]?.stringValue } }

    func events(_ type: String) -> [JSONValue] { filter { $0["type"]?.stringValue == type } }

    /// The state names of the `…StateEntered` events, in order.
    var enteredStates: [String] {
        compactMap { $0["stateEnteredEventDetails"]?["name"]?.stringValue }
    }
}

/// Parses the JSON text in a payload member such as `input` or `output`.
func parsed(_ value: JSONValue?) -> JSONValue? {
    parsed(value?.stringValue)
}

/// Parses a payload's JSON text, such as an execution's `input` or `output`.
func parsed(_ text: String?) -> JSONValue? {
    text.flatMap { try? JSONValue(parsing: $0) }
}

/// A token the engine could have issued (64 URL-safe base64 characters) but did not.
let unissuedToken = String(repeating: "A", count: 64)
